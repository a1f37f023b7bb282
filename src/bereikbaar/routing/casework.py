"""Changes agents make to a case — assign, status, tags — each announced after commit."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from bereikbaar.conversations.models import Conversation
from bereikbaar.realtime import events
from bereikbaar.realtime.publish import publish
from bereikbaar.routing.access import groups_for, visible_conversations

User = get_user_model()


class CaseworkRefused(ValueError):
    """The change is not allowed or not valid; the message says why."""


def assign(conversation: Conversation, assignee: AbstractBaseUser | None) -> Conversation:
    if (
        assignee is not None
        and not visible_conversations(assignee).filter(pk=conversation.pk).exists()
    ):
        raise CaseworkRefused(f"{assignee.get_username()} is not in this conversation's team")
    conversation.assignee = assignee
    return _save(conversation, ["assignee"])


def set_status(conversation: Conversation, status: str) -> Conversation:
    if status not in Conversation.Status.values:
        raise CaseworkRefused(f"unknown status {status!r}; use one of {Conversation.Status.values}")
    conversation.status = status
    fields = ["status"]
    if status == Conversation.Status.RESOLVED:
        conversation.resolved_at = timezone.now()
        fields.append("resolved_at")
    return _save(conversation, fields)


def set_tags(conversation: Conversation, tags: list[str]) -> Conversation:
    cleaned = sorted({t.strip().lower()[:40] for t in tags if t and t.strip()})
    conversation.tags = cleaned
    return _save(conversation, ["tags"])


def _save(conversation: Conversation, fields: list[str]) -> Conversation:
    with transaction.atomic():
        conversation.save(update_fields=fields)
        publish(
            events.CONVERSATION_UPDATED,
            {"conversation_id": conversation.pk, "fields": fields},
            groups_for(conversation),
        )
    return conversation
