"""The outbox task: send one stored reply, retrying transient failures with back-off.

Only one run of a message's send talks to the provider at a time: the run claims the send first
(delivery.claims, committed before the call) and a second run that finds it claimed stops. A
send whose answer was lost is retried only where the provider deduplicates retries; see claims.
"""

import logging
import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from bereikbaar.conversations.delivery_status import settle_early
from bereikbaar.conversations.models import Message
from bereikbaar.delivery import claims
from bereikbaar.delivery.senders import SendError, resends_when_unsure, sender_for
from bereikbaar.realtime import events
from bereikbaar.realtime.publish import publish
from bereikbaar.routing.access import groups_for

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
UNSENT = (Message.Delivery.QUEUED, Message.Delivery.FAILED)


def backoff(attempt: int, rng: random.Random | None = None) -> timedelta:
    """Full jitter: a delay anywhere between 0 and 5·3ⁿ s (at most an hour), so the sends that
    one provider outage failed together do not all come back at the same moment. `rng`: seeded
    in tests."""
    ceiling = min(5 * 3**attempt, 3600)
    return timedelta(seconds=(rng or _jitter).uniform(0, ceiling))


_jitter = random.Random()


@task(queue_name="outbound")
def send_message(message_id: int, attempt: int = 0) -> str:
    message = Message.objects.select_related("conversation").get(pk=message_id)
    if message.delivery_status not in UNSENT:
        return message.delivery_status  # already sent: a re-run never sends twice
    try:
        sender = sender_for(message.channel)
    except SendError as exc:
        return _failed(message, exc, attempt)
    taken = claims.take(message, resend_when_unsure=resends_when_unsure(sender))
    if taken.verdict is claims.Verdict.BUSY:
        return "sending"  # another run is sending it right now
    if taken.verdict is claims.Verdict.UNSURE:
        return _unsure(message, "a run died while sending")
    # A run that finished between our first read and our claim: its result is committed.
    message.refresh_from_db(fields=["delivery_status"])
    if message.delivery_status not in UNSENT:
        claims.release(message)
        return message.delivery_status
    try:
        provider_id = sender(message)
    except SendError as exc:
        if exc.unsure:
            return _unsure(message, str(exc))
        return _failed(message, exc, attempt)
    with transaction.atomic():
        message.provider_id = provider_id or None
        # A receipt may have overtaken us (a chat widget reads at once): never back to "sent".
        # One that carried our reference already recorded this id and its status (claims.adopt),
        # even a failure: that stands.
        now, known, error = Message.objects.values_list(
            "delivery_status", "provider_id", "delivery_error"
        ).get(pk=message.pk)
        adopted = claims.adopted_meanwhile(message) and known == message.provider_id
        message.delivery_status = Message.Delivery.SENT if now in UNSENT and not adopted else now
        message.delivery_error = error if adopted else ""
        message.save(update_fields=["provider_id", "delivery_status", "delivery_error"])
        claims.release(message)
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
        claims.release(message, new_token=not retry)
        _announce(message)
    log.warning("send %s failed (attempt %d, retry=%s): %s", message.pk, attempt, retry, exc)
    return message.delivery_status


def _unsure(message: Message, why: str) -> str:
    """The provider may have the message: keep the claim (no run sends it again), tell the agent."""
    with transaction.atomic():
        message.delivery_error = claims.unsure_note()[:500]
        message.save(update_fields=["delivery_error"])
        _announce(message)
    log.warning("send %s left unsent, it may have gone out already: %s", message.pk, why)
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
