"""The outbox task: send one stored reply, retrying transient failures with back-off."""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from bereikbaar.conversations.delivery_status import settle_early
from bereikbaar.conversations.models import Message
from bereikbaar.delivery.senders import SendError, sender_for
from bereikbaar.realtime import events
from bereikbaar.realtime.publish import publish
from bereikbaar.routing.access import groups_for

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6


def backoff(attempt: int) -> timedelta:
    return timedelta(seconds=min(5 * 3**attempt, 3600))


@task(queue_name="outbound")
def send_message(message_id: int, attempt: int = 0) -> str:
    message = Message.objects.select_related("conversation").get(pk=message_id)
    if message.delivery_status not in (Message.Delivery.QUEUED, Message.Delivery.FAILED):
        return message.delivery_status  # already sent: a re-run never sends twice
    try:
        provider_id = sender_for(message.channel)(message)
    except SendError as exc:
        return _failed(message, exc, attempt)
    with transaction.atomic():
        message.provider_id = provider_id or None
        # A receipt may have overtaken us (a chat widget reads at once): never back to "sent".
        now = Message.objects.values_list("delivery_status", flat=True).get(pk=message.pk)
        before_sent = now in (Message.Delivery.QUEUED, Message.Delivery.FAILED)
        message.delivery_status = Message.Delivery.SENT if before_sent else now
        message.delivery_error = ""
        message.save(update_fields=["provider_id", "delivery_status", "delivery_error"])
        if message.provider_id:
            settle_early(message)
        _announce(message)
    return message.delivery_status


def _failed(message: Message, exc: SendError, attempt: int) -> str:
    retry = not exc.permanent and attempt + 1 < MAX_ATTEMPTS
    with transaction.atomic():
        message.delivery_error = str(exc)[:500]
        if retry:
            send_message.using(run_after=timezone.now() + backoff(attempt)).enqueue(
                message.pk, attempt + 1
            )
        else:
            message.delivery_status = Message.Delivery.FAILED
        message.save(update_fields=["delivery_status", "delivery_error"])
        _announce(message)
    log.warning("send %s failed (attempt %d, retry=%s): %s", message.pk, attempt, retry, exc)
    return message.delivery_status


def _announce(message: Message) -> None:
    publish(
        events.MESSAGE_UPDATED,
        {
            "conversation_id": message.conversation_id,
            "message_id": message.pk,
            "delivery_status": message.delivery_status,
        },
        groups_for(message.conversation),
    )
