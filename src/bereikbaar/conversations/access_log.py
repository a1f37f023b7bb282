"""The conversation audit trail (AccessEntry): opened, refused, put on hold or lifted.

The edges call these with their request: the inbox and the API when someone opens a
conversation or asks for one of another team (they still answer 404, exactly like a missing
id; only this log knows the difference), the admin when a hold changes. Opening is logged at
most once per user, conversation and OPEN_WINDOW, so the inbox's live re-fetches of the timeline
do not flood the log; every refusal is logged.

The source address is REMOTE_ADDR. X-Forwarded-For is not read: any client can send it, and no
setting says a proxy in front of bereikbaar is trusted to set it.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.http import HttpRequest
from django.utils import timezone

from bereikbaar.conversations.models import AccessEntry, Conversation

OPEN_WINDOW = timedelta(minutes=10)
MAX_ID = 2**63 - 1  # no database row has a larger id (SQLite raises OverflowError beyond it)


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from, or None when the server did not give a valid one."""
    ip = request.META.get("REMOTE_ADDR", "")
    try:
        validate_ipv46_address(ip)
    except ValidationError:
        return None
    return ip


def route(request: HttpRequest) -> str:
    return f"{request.method} {request.path}"[: AccessEntry._meta.get_field("route").max_length]


def _actor(request: HttpRequest):
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def opened(request: HttpRequest, conversation_id: int) -> AccessEntry | None:
    """Log that this user opened the conversation, unless they did within OPEN_WINDOW."""
    actor = _actor(request)
    if actor is None:
        return None
    recent = AccessEntry.objects.filter(
        actor=actor,
        conversation_id=conversation_id,
        action=AccessEntry.Action.OPENED,
        at__gte=timezone.now() - OPEN_WINDOW,
    )
    if recent.exists():
        return None
    return AccessEntry.objects.create(
        actor=actor,
        action=AccessEntry.Action.OPENED,
        conversation_id=conversation_id,
        route=route(request),
        ip=client_ip(request),
    )


def refused(request: HttpRequest, conversation_id: int) -> AccessEntry | None:
    """Called where a conversation lookup found nothing this user may see: log it if the
    conversation exists (so it was refused because of team rights). A missing id is no
    refusal and is not logged. The caller answers 404 either way."""
    if not 0 < conversation_id <= MAX_ID:
        return None
    if not Conversation.objects.filter(pk=conversation_id).exists():
        return None
    return AccessEntry.objects.create(
        actor=_actor(request),
        action=AccessEntry.Action.REFUSED,
        conversation_id=conversation_id,
        route=route(request),
        ip=client_ip(request),
    )


def hold_changed(request: HttpRequest, conversation: Conversation) -> AccessEntry:
    """Log that an administrator set or lifted the conversation's legal hold (with the reason)."""
    action = (
        AccessEntry.Action.HOLD_SET if conversation.legal_hold else AccessEntry.Action.HOLD_CLEARED
    )
    return AccessEntry.objects.create(
        actor=_actor(request),
        action=action,
        conversation_id=conversation.pk,
        route=route(request),
        ip=client_ip(request),
        detail={"reason": conversation.legal_hold_reason},
    )
