"""I15: the send retry's back-off has full jitter (anywhere between 0 and 5·3ⁿ s, at most an
hour), so the sends one provider outage failed together do not all come back at once."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bereikbaar.delivery import tasks
from bereikbaar.delivery.reply import reply
from bereikbaar.delivery.tasks import backoff, send_message
from bereikbaar.intake.ingest import ingest
from bereikbaar.intake.message import InboundMessage


@pytest.mark.parametrize(("attempt", "ceiling"), [(0, 5), (1, 15), (2, 45), (5, 1215), (9, 3600)])
def test_the_delay_is_spread_over_zero_to_the_ceiling(attempt, ceiling):
    rng = random.Random(1504)
    delays = [backoff(attempt, rng).total_seconds() for _ in range(400)]
    assert all(0 <= d <= ceiling for d in delays)
    # spread over the whole range, not bunched at the ceiling as the old fixed back-off was
    assert min(delays) < 0.1 * ceiling and max(delays) > 0.9 * ceiling
    assert len(set(delays)) > 390


def test_the_same_seed_gives_the_same_delays():
    first = [backoff(3, random.Random(42)) for _ in range(3)]
    again = [backoff(3, random.Random(42)) for _ in range(3)]
    assert first == again
    assert backoff(3, random.Random(42)) != backoff(3, random.Random(43))


def test_a_failed_send_is_retried_within_its_jittered_delay(service, anna, callback, monkeypatch):
    monkeypatch.setattr(tasks, "_jitter", random.Random(7))
    expected = backoff(0, random.Random(7))  # the task's first draw from the same seed
    callback.status = 503
    conversation = ingest(
        InboundMessage(channel="api", provider_id="in-1", identities=[("email", "k@example.nl")])
    ).conversation
    message = reply(conversation, anna, "Straks opnieuw")
    DBTaskResult.objects.all().delete()
    before = timezone.now()
    send_message.call(message.pk)
    after = timezone.now()
    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs["args"] == [message.pk, 1]
    assert before + expected <= retry.run_after <= after + expected
    assert timedelta(0) <= expected <= timedelta(seconds=5)
