from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from bereikbaar.analytics import figures


def voice(name: str):
    for config in apps.get_app_configs():
        if config.name == "bereikbaar.channels.voice":
            return config.get_model(name)
    return None


def test_it_says_not_measured_without_calls(alice):
    fig = figures.phone(alice, figures.Filters.last_days(7))
    assert not fig.measured and "gemeten" in fig.note.lower()


def test_it_counts_answered_and_abandoned_calls_and_the_wait(alice, service, bram):
    Line, Call = voice("Line"), voice("Call")
    line = Line.objects.create(name="Service", token="t", team=service)
    now = timezone.now()
    for i, (outcome, wait) in enumerate([("answered", 30), ("answered", 90), ("abandoned", None)]):
        Call.objects.create(
            line=line,
            call_id=str(i),
            outcome=outcome,
            started_at=now,
            answered_at=now + timedelta(seconds=wait) if wait else None,
        )
    fig = figures.phone(alice, figures.Filters.last_days(7))
    s = fig.summary
    assert (s["calls"], s["answered"], s["abandoned"]) == (3, 2, 1)
    assert s["average_wait_seconds"] == pytest.approx(60)
    # Bram (Billing) does not see the Service line's calls
    assert not figures.phone(bram, figures.Filters.last_days(7)).measured
