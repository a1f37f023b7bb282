"""Assignment: the least-loaded online agent of the team with room under their limit."""

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q

from bereikbaar.conversations.models import Conversation
from bereikbaar.routing.models import AgentProfile, Team

User = get_user_model()


def default_team() -> Team | None:
    return Team.objects.filter(is_default=True).first() or Team.objects.order_by("id").first()


def pick_agent(team: Team) -> AgentProfile | None:
    """None when every online agent is full: the conversation then waits in the team queue."""
    active = Q(user__assigned_conversations__status__in=Conversation.ACTIVE)
    candidates = (
        AgentProfile.objects.filter(teams=team, presence=AgentProfile.Presence.ONLINE)
        .filter(user__is_active=True)
        .annotate(load=Count("user__assigned_conversations", filter=active))
        .filter(load__lt=F("max_concurrent"))
        .order_by("load", "id")
    )
    return candidates.first()


def route(conversation: Conversation) -> Conversation:
    """Give a new conversation a team and, if someone has room, an assignee."""
    fields = []
    if conversation.team_id is None:
        conversation.team = default_team()
        fields.append("team")
    if conversation.assignee_id is None and conversation.team_id is not None:
        agent = pick_agent(conversation.team)
        if agent is not None:
            conversation.assignee_id = agent.user_id
            fields.append("assignee")
    if fields:
        conversation.save(update_fields=fields)
    return conversation
