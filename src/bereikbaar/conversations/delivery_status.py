"""Delivery statuses only move forward: read never goes back to delivered, whatever the order
in which the provider's callbacks arrive."""

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


def advance(message: Message, status: str, error: str = "") -> bool:
    """Apply a status if it moves the message forward; True when something changed."""
    if status not in RANK:
        raise ValueError(f"unknown delivery status {status!r}")
    current = message.delivery_status
    if status == Delivery.FAILED:
        moves = RANK[current] <= RANK[Delivery.SENT] and current != Delivery.FAILED
    else:
        moves = RANK[status] > RANK[current]
    if not moves:
        return False
    message.delivery_status = status
    message.delivery_error = error[:500] if status == Delivery.FAILED else ""
    message.save(update_fields=["delivery_status", "delivery_error"])
    return True


def record_status(channel: str, provider_id: str, status: str, error: str = "") -> Message | None:
    """The message this status is about, if it changed; an unknown id is kept for later."""
    message = Message.objects.filter(channel=channel, provider_id=provider_id).first()
    if message is None:
        EarlyStatus.objects.create(
            channel=channel, provider_id=provider_id, status=status, error=error[:500]
        )
        return None
    return message if advance(message, status, error) else None


def settle_early(message: Message) -> bool:
    """Apply statuses that arrived before the message's provider id was known."""
    early = EarlyStatus.objects.filter(channel=message.channel, provider_id=message.provider_id)
    changed = False
    for status in early.order_by("id"):
        changed = advance(message, status.status, status.error) or changed
    early.delete()
    return changed
