"""B8: our outgoing callbacks go out exactly once per message, also under a burst in which every
send task runs twice at the same moment (two workers, a task given back while its first run was
only slow). The send is claimed before the customer system is called (delivery.claims)."""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from bereikbaar.delivery import claims
from bereikbaar.delivery.models import SendClaim
from bereikbaar.delivery.reply import reply
from bereikbaar.delivery.tasks import send_message
from bereikbaar.intake.ingest import ingest
from bereikbaar.intake.message import InboundMessage


def conversation(n: int = 0):
    return ingest(
        InboundMessage(
            channel="api",
            provider_id=f"in-{n}",
            identities=[("email", f"klant{n}@example.nl")],
            text="Hoi",
        )
    ).conversation


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_sends_each_run_twice_at_once_calls_back_once_each(service, anna, callback):
    messages = [reply(conversation(n), anna, f"Antwoord {n}") for n in range(20)]
    callback.delay = 0.05  # the customer system is slow: the twin run arrives meanwhile

    def run(message_id: int) -> str:
        try:
            return send_message.call(message_id)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:  # each message's two runs side by side
        results = list(pool.map(run, [m.pk for m in messages for _ in range(2)]))
    assert set(results) <= {"sent", "sending"}  # "sent": sent, or found sent by its twin
    sent = Counter(body["message_id"] for _, body, _ in callback.received)
    assert sent == Counter({m.pk: 1 for m in messages})


def test_take_gives_the_claim_to_one_run_only(service, anna, callback):
    message = reply(conversation(), anna, "Eén keer")
    first = claims.take(message, resend_when_unsure=True)
    second = claims.take(message, resend_when_unsure=True)
    assert first.verdict is claims.Verdict.SEND and first.token
    assert second.verdict is claims.Verdict.BUSY
    claims.release(message)
    again = claims.take(message, resend_when_unsure=True)
    assert again.verdict is claims.Verdict.SEND and again.token == first.token


def test_a_stale_claim_is_taken_over_or_left_as_unsure(service, anna, callback):
    message = reply(conversation(), anna, "Na de crash")
    claims.take(message, resend_when_unsure=True)
    old = timezone.now() - claims.SENDING_TIMEOUT - timedelta(seconds=1)
    SendClaim.objects.filter(pk=message.pk).update(sending_since=old)
    assert claims.take(message, resend_when_unsure=False).verdict is claims.Verdict.UNSURE
    assert claims.take(message, resend_when_unsure=True).verdict is claims.Verdict.SEND
    assert SendClaim.objects.get(pk=message.pk).tries == 2


def test_a_permanent_failure_gives_the_next_try_a_new_token(service, anna, callback):
    message = reply(conversation(), anna, "Mislukt")
    token = claims.take(message, resend_when_unsure=True).token
    claims.release(message, new_token=True)
    assert claims.token_for(message) != token
