"""Who may see what: admins see everything, agents only their teams' conversations."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from bereikbaar.conversations.models import Conversation
from bereikbaar.routing.models import Team


def is_admin(user: AbstractBaseUser) -> bool:
    return bool(user.is_active and (user.is_superuser or user.is_staff))


def team_ids(user: AbstractBaseUser) -> list[int]:
    if is_admin(user):
        return list(Team.objects.values_list("id", flat=True))
    return list(Team.objects.filter(agents__user=user).values_list("id", flat=True))


def visible_conversations(user: AbstractBaseUser) -> QuerySet[Conversation]:
    conversations = Conversation.objects.all()
    if is_admin(user):
        return conversations
    return conversations.filter(team__agents__user=user)


def realtime_groups(user: AbstractBaseUser) -> list[str]:
    """The realtime groups whose events this user may receive."""
    if is_admin(user):
        return ["admins"]
    return [team_group(team_id) for team_id in team_ids(user)]


def team_group(team_id: int | None) -> str:
    return f"team-{team_id}"


def groups_for(conversation: Conversation) -> list[str]:
    """Everyone who may see this conversation: its team's agents and the admins."""
    groups = ["admins"]
    if conversation.team_id:
        groups.append(team_group(conversation.team_id))
    return groups
