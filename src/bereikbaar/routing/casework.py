"""Changes agents make to a case — assign, status, tags — each announced after commit.

Whenever a change frees an agent (a case resolved or handed back), the team queue is offered
to whoever now has room, in the same transaction.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from bereikbaar.conversations.models import Conversation
from bereikbaar.realtime import events
from bereikbaar.realtime.publish import publish
from bereikbaar.routing import assign as assignment
from bereikbaar.routing import sla
from bereikbaar.routing.access import groups_for, visible_conversations
from bereikbaar.routing.models import AgentProfile, CaseRouting

User = get_user_model()


class CaseworkRefused(ValueError):
    """The change is not allowed or not valid; the message says why."""


def assign(conversation: Conversation, assignee: AbstractBaseUser | None) -> Conversation:
    if (
        assignee is not None
        and not visible_conversations(assignee).filter(pk=conversation.pk).exists()
    ):
        raise CaseworkRefused(f"{assignee.get_username()} is not in this conversation's team")
    before = conversation.assignee_id
    conversation.assignee = assignee
    with transaction.atomic():
        _save(conversation, ["assignee"])
        if assignee is not None:
            CaseRouting.objects.filter(conversation=conversation).update(
                queued_at=None, waiting_reason=""
            )
        elif before is not None:
            # Handed back on purpose: it waits visibly until the next offer (someone freeing
            # up, coming online, or the sweep); the agent who let go is offered other cases.
            assignment.wait(conversation, "handed back to the queue")
        if before is not None and before != getattr(assignee, "pk", None):
            _freed(before, skip=[conversation.pk])
    return conversation


def set_status(conversation: Conversation, status: str) -> Conversation:
    if status not in Conversation.Status.values:
        raise CaseworkRefused(f"unknown status {status!r}; use one of {Conversation.Status.values}")
    conversation.status = status
    fields = ["status"]
    if status == Conversation.Status.RESOLVED:
        conversation.resolved_at = timezone.now()
        fields.append("resolved_at")
    with transaction.atomic():
        _save(conversation, fields)
        if status == Conversation.Status.RESOLVED:
            case = CaseRouting.objects.filter(conversation=conversation).first()
            if case is not None and (changed := sla.resolved(case, conversation.resolved_at)):
                case.save(update_fields=changed)
            holder = (
                Conversation.objects.filter(pk=conversation.pk)
                .values_list("assignee_id", flat=True)
                .first()
            )
            if holder:
                _freed(holder)
    return conversation


def set_tags(conversation: Conversation, tags: list[str]) -> Conversation:
    cleaned = sorted({t.strip().lower()[:40] for t in tags if t and t.strip()})
    conversation.tags = cleaned
    return _save(conversation, ["tags"])


def _freed(user_id: int, skip: list[int] | None = None) -> None:
    """An agent has room again: offer them the queues of their teams."""
    profile = AgentProfile.objects.filter(user_id=user_id).first()
    if profile is not None and profile.presence == AgentProfile.Presence.ONLINE:
        assignment.drain_for(profile, skip or [])


def _save(conversation: Conversation, fields: list[str]) -> Conversation:
    with transaction.atomic():
        conversation.save(update_fields=fields)
        publish(
            events.CONVERSATION_UPDATED,
            {"conversation_id": conversation.pk, "fields": fields},
            groups_for(conversation),
        )
    return conversation
