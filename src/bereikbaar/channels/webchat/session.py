"""What a visitor's socket asks of the database: the first screen, history, and intake.

Everything is keyed by the visitor id from a verified token, so a socket only ever reads the
conversations of the contact owning that visitor identity.
"""

from __future__ import annotations

from django.utils import timezone, translation

from bereikbaar.channels.webchat.payload import message_payload, status_payload
from bereikbaar.channels.webchat.sender import as_widget_item
from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.helpcenter.api import search_payload
from bereikbaar.intake.accept import Accepted, accept
from bereikbaar.routing.hours import is_open
from bereikbaar.routing.models import Team
from bereikbaar.routing.waits import agents_online, expected_waits

CHANNEL = "webchat"
HISTORY = 200


def staffed(now=None) -> bool:
    """Someone can answer live: within the default team's opening hours (the organisation's
    own, or office hours) and at least one agent online."""
    team = Team.objects.filter(is_default=True).first()
    return is_open(now or timezone.now(), team) and agents_online() > 0


def first_screen(language: str) -> dict:
    with translation.override(language):
        wait = next((w for w in expected_waits() if w.kind == "webchat"), None)
        live = staffed()
        return {
            "open": live,
            "wait": {
                "text": str(wait.text) if wait else "",
                "minutes": wait.minutes if wait else None,
                "basis": str(wait.basis) if wait else "",
            },
        }


def _messages(visitor: str):
    return Message.objects.filter(
        channel=CHANNEL,
        direction__in=[Message.Direction.INBOUND, Message.Direction.OUTBOUND],
        conversation__contact__identities__kind="webchat",
        conversation__contact__identities__value=visitor,
    )


def history(visitor: str) -> list[dict]:
    rows = _messages(visitor).select_related("author").order_by("-created_at", "-id")[:HISTORY]
    return [as_widget_item(m) for m in reversed(list(rows))]


def conversation_id(visitor: str) -> int | None:
    """The visitor's current case, where their typing is shown to agents."""
    return (
        Conversation.objects.filter(
            contact__identities__kind="webchat", contact__identities__value=visitor
        )
        .order_by("-last_message_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )


def take_message(visitor: str, content: dict, verified: dict | None, language: str) -> Accepted:
    payload = message_payload(visitor, content, verified, language)
    key = f"{visitor}:{content['client_id']}"
    return accept(CHANNEL, key, payload, order_key=f"webchat:{visitor}")


def take_receipt(visitor: str, provider_id: str, status: str) -> Accepted:
    key = f"{status}:{visitor}:{provider_id}"[:255]
    return accept(CHANNEL, key, status_payload(visitor, provider_id, status))


def suggestions(query: str, language: str) -> list[dict]:
    """Help articles for what the visitor is typing: shown beside the input, never a gate."""
    if len(query.strip()) < 3:
        return []
    hits = search_payload(query[:200], language, limit=3, record=False)["results"]
    return [
        {"slug": h["slug"], "title": h["title"], "url": f"/help/artikel/{h['slug']}/"} for h in hits
    ]
