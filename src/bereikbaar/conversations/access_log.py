"""The conversation audit trail (AccessEntry): opened, refused, put on hold or lifted.

The edges call these with their request: the inbox and the API when someone opens a
conversation or asks for one of another team (they still answer 404, exactly like a missing
id; only this log knows the difference), the admin when a hold changes. The agents' WebSockets
log refusals from their ASGI scope (socket_refused); views of objects that are not
conversations (a call in the voice panel) name the object in the line's detail
(refused_object). Opening is logged at most once per user, conversation and OPEN_WINDOW, so
the inbox's live re-fetches of the timeline do not flood the log; every refusal is logged.

The source address is REMOTE_ADDR (for a socket: the ASGI scope's client, which is the same
thing). X-Forwarded-For is not read: any client can send it, and no setting says a proxy in
front of bereikbaar is trusted to set it.
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
# The conversation id of a refusal about an object that belongs to no conversation (a call from
# a withheld number has no call log): ids start at 1, so 0 is never a conversation.
NO_CONVERSATION = 0


def _valid_ip(ip: object) -> str | None:
    if not isinstance(ip, str):
        return None
    try:
        validate_ipv46_address(ip)
    except ValidationError:
        return None
    return ip


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from, or None when the server did not give a valid one."""
    return _valid_ip(request.META.get("REMOTE_ADDR", ""))


def socket_ip(scope: dict) -> str | None:
    """The address a WebSocket came from: the ASGI server's client (host, port), never a header."""
    client = scope.get("client")
    return _valid_ip(client[0]) if client else None


def _fit(route: str) -> str:
    return route[: AccessEntry._meta.get_field("route").max_length]


def route(request: HttpRequest) -> str:
    return _fit(f"{request.method} {request.path}")


def _actor(request: HttpRequest | dict):
    user = request.get("user") if isinstance(request, dict) else getattr(request, "user", None)
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
    if not _exists(conversation_id):
        return None
    return AccessEntry.objects.create(
        actor=_actor(request),
        action=AccessEntry.Action.REFUSED,
        conversation_id=conversation_id,
        route=route(request),
        ip=client_ip(request),
    )


def socket_refused(scope: dict, conversation_id: int) -> AccessEntry | None:
    """refused() for an agent's WebSocket (its ASGI scope): the same rule, a missing id is no
    refusal; the route is "WS <path>"; the caller closes the socket the same way either way."""
    if not _exists(conversation_id):
        return None
    return AccessEntry.objects.create(
        actor=_actor(scope),
        action=AccessEntry.Action.REFUSED,
        conversation_id=conversation_id,
        route=_fit(f"WS {scope.get('path', '')}"),
        ip=socket_ip(scope),
    )


def refused_object(
    request: HttpRequest, kind: str, pk: int, conversation_id: int | None
) -> AccessEntry:
    """Another team's object that is not a conversation (kind "call"): logged under the
    conversation it belongs to, or NO_CONVERSATION, with {kind: pk} in the detail. The caller
    found the object, so this is a refusal; a missing object is not logged."""
    return AccessEntry.objects.create(
        actor=_actor(request),
        action=AccessEntry.Action.REFUSED,
        conversation_id=conversation_id or NO_CONVERSATION,
        route=route(request),
        ip=client_ip(request),
        detail={kind: pk},
    )


def _exists(conversation_id: int) -> bool:
    if not 0 < conversation_id <= MAX_ID:
        return False
    return Conversation.objects.filter(pk=conversation_id).exists()


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
