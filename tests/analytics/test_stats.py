"""The percentile aggregate answers like percentile_cont on both databases."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from bereikbaar.analytics.stats import Percentile, Seconds, percentile
from bereikbaar.contacts.models import Contact
from bereikbaar.conversations.models import Conversation


def test_percentile_interpolates_like_percentile_cont():
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.9) == pytest.approx(3.7)
    assert percentile([], 0.5) is None
    with pytest.raises(ValueError):
        Percentile("x", 1.5)


def test_the_database_computes_seconds_and_percentiles(db):
    contact = Contact.objects.create()
    now = timezone.now()
    for minutes in (1, 2, 3, 4, 10):
        Conversation.objects.create(contact=contact, first_response_at=now)
    Conversation.objects.create(contact=contact)  # no response: ignored
    rows = list(Conversation.objects.order_by("pk"))
    for row, minutes in zip(rows, (1, 2, 3, 4, 10), strict=False):
        Conversation.objects.filter(pk=row.pk).update(created_at=now - timedelta(minutes=minutes))
    result = Conversation.objects.annotate(
        wait=Seconds(F("first_response_at"), F("created_at"))
    ).aggregate(p50=Percentile("wait", 0.5), p90=Percentile("wait", 0.9))
    assert result["p50"] == pytest.approx(180, abs=0.01)
    assert result["p90"] == pytest.approx(240 + 0.6 * (600 - 240), abs=0.01)
