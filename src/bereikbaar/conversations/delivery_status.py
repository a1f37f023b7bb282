"""Delivery statuses only move forward: read never goes back to delivered, whatever the order
in which the provider's callbacks arrive.

One status is not simply dropped when it comes late: a `failed` after `delivered` or `read`.
Providers do send it ("delivered events may happen after failed, and vice versa", with several
devices; a carrier that reports undelivered after a delivery receipt), and it may mean the
customer did not get the reply after all. The status stays where it was (the earlier receipt
was real), but the failure is recorded on the message, in `extra["late_failure"]`, and shown
as its delivery note, so the agent sees that the provider changed its mind.
"""

from collections.abc import Callable

from django.utils.translation import gettext as _

from bereikbaar.conversations.models import EarlyStatus, Message

Delivery = Message.Delivery
RANK = {
    Delivery.NONE: -1,
    Delivery.RECEIVED: -1,
    Delivery.QUEUED: 0,
    Delivery.FAILED: 1,
    Delivery.SENT: 1,
    Delivery.DELIVERED: 2,
    Delivery.READ: 3,
}
LATE_FAILURE = "late_failure"


def late_failure_note(error: str) -> str:
    note = _("De aanbieder meldde een mislukking na aflevering")
    return f"{note}: {error}"[:500] if error else note


def advance(message: Message, status: str, error: str = "") -> bool:
    """Apply a status if it moves the message forward; True when something changed."""
    if status not in RANK:
        raise ValueError(f"unknown delivery status {status!r}")
    current = message.delivery_status
    if status == Delivery.FAILED and RANK[current] > RANK[Delivery.SENT]:
        return _flag_late_failure(message, error)
    if status == Delivery.FAILED:
        moves = RANK[current] <= RANK[Delivery.SENT] and current != Delivery.FAILED
    else:
        moves = RANK[status] > RANK[current]
    if not moves:
        return False
    message.delivery_status = status
    if status == Delivery.FAILED:
        message.delivery_error = error[:500]
    elif LATE_FAILURE not in (message.extra or {}):
        message.delivery_error = ""  # a read after a late failure keeps the note
    message.save(update_fields=["delivery_status", "delivery_error"])
    return True


def _flag_late_failure(message: Message, error: str) -> bool:
    """A failure after delivery: keep the status, record and show the failure (once)."""
    extra = message.extra if isinstance(message.extra, dict) else {}
    if LATE_FAILURE in extra:
        return False
    extra[LATE_FAILURE] = {"after": message.delivery_status, "error": error[:500]}
    message.extra = extra
    message.delivery_error = late_failure_note(error)
    message.save(update_fields=["extra", "delivery_error"])
    return True


# (channel, reference, provider id) → the message that reference names, now recorded under that
# id, or None. Delivery registers its claims here (it owns the references; this floor cannot
# import it), so a status echoing one finds a send whose answer was lost.
ReferenceMatcher = Callable[[str, str, str], Message | None]
_matchers: list[ReferenceMatcher] = []


def match_references_with(matcher: ReferenceMatcher) -> None:
    if matcher not in _matchers:
        _matchers.append(matcher)


def record_status(
    channel: str, provider_id: str, status: str, error: str = "", reference: str = ""
) -> Message | None:
    """The message this status is about, if it changed; an unknown id is matched by the
    reference of ours the provider echoed (if any), else kept for later."""
    message = Message.objects.filter(channel=channel, provider_id=provider_id).first()
    adopted = False
    if message is None and reference:
        message = _matched(channel, reference, provider_id)
        adopted = message is not None
    if message is None:
        EarlyStatus.objects.create(
            channel=channel, provider_id=provider_id, status=status, error=error[:500]
        )
        return None
    return message if advance(message, status, error) or adopted else None


def _matched(channel: str, reference: str, provider_id: str) -> Message | None:
    for matcher in _matchers:
        if (message := matcher(channel, reference, provider_id)) is not None:
            return message
    return None


def settle_early(message: Message) -> bool:
    """Apply statuses that arrived before the message's provider id was known."""
    early = EarlyStatus.objects.filter(channel=message.channel, provider_id=message.provider_id)
    changed = False
    for status in early.order_by("id"):
        changed = advance(message, status.status, status.error) or changed
    early.delete()
    return changed
