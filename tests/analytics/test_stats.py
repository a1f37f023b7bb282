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


def test_percentiles_in_one_pass_equal_one_percentile_each(db):
    from django.db import connection

    from bereikbaar.analytics.stats import Percentiles

    if connection.vendor != "sqlite":
        pytest.skip("Percentiles is SQLite's one-pass aggregate")
    contact = Contact.objects.create()
    now = timezone.now()
    for i in range(23):
        Conversation.objects.create(
            contact=contact,
            status="open" if i % 3 else "resolved",
            first_response_at=now if i % 4 else None,
            resolved_at=now + timedelta(seconds=i * i) if i % 5 else None,
        )
    for i, pk in enumerate(Conversation.objects.order_by("pk").values_list("pk", flat=True)):
        Conversation.objects.filter(pk=pk).update(created_at=now - timedelta(seconds=7 * i + 1))
    qs = Conversation.objects.annotate(
        a=Seconds(F("first_response_at"), F("created_at")),
        b=Seconds(F("resolved_at"), F("created_at")),
    ).values("status")
    one_each = {
        r["status"]: r
        for r in qs.annotate(
            a50=Percentile("a", 0.5),
            a90=Percentile("a", 0.9),
            b50=Percentile("b", 0.5),
            b90=Percentile("b", 0.9),
        ).order_by()
    }
    together = {
        r["status"]: r["all"]
        for r in qs.annotate(all=Percentiles("a", "b", fractions=(0.5, 0.9))).order_by()
    }
    assert set(together) == {"open", "resolved"}
    for status, r in one_each.items():
        assert together[status] == {
            (0, 0.5): r["a50"],
            (0, 0.9): r["a90"],
            (1, 0.5): r["b50"],
            (1, 0.9): r["b90"],
        }
    assert together["open"][(0, 0.5)] is not None
    empty = Conversation.objects.filter(pk=-1).aggregate(all=Percentiles("pk", fractions=(0.5,)))
    assert empty["all"] == {(0, 0.5): None}
