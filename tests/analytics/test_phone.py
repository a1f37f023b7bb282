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


def test_it_counts_callbacks_made_on_time(alice, settings):
    CallbackRequest = voice("CallbackRequest")
    now = timezone.now()
    hour = timedelta(hours=1)

    def request(number, promised, placed=None, slot_end=None):
        return CallbackRequest.objects.create(
            number=number,
            source="page",
            due_at=promised,
            first_due_at=promised,
            slot_end=slot_end,
            placed_at=placed,
        )

    request("+31600000001", now - 5 * hour, placed=now - 4 * hour - timedelta(minutes=10))
    request("+31600000002", now - 5 * hour, placed=now - 3 * hour)  # 2 h after the promise
    request("+31600000003", now - 5 * hour, placed=now - 2 * hour, slot_end=now - hour)
    request("+31600000004", now - 5 * hour, placed=now - hour / 2, slot_end=now - hour)
    request("+31600000005", now - 3 * hour)  # never dialled, long overdue: late
    request("+31600000006", now - timedelta(minutes=20))  # not due yet: not counted
    fig = figures.callbacks(alice, figures.Filters.last_days(7))
    s = fig.summary
    assert (s["callbacks_requested"], s["callbacks_on_time"], s["callbacks_late"]) == (6, 2, 3)
    assert s["callbacks_on_time_share"] == pytest.approx(0.4)
    assert s["target_minutes"] == 60
    assert sum(row[2] for row in fig.rows) == 2 and sum(row[3] for row in fig.rows) == 3
    settings.BEREIKBAAR_CALLBACK_TARGET_MINUTES = 180  # the 2-hour one is now on time
    assert figures.callbacks(alice, figures.Filters.last_days(7)).summary["callbacks_on_time"] == 3


def test_it_says_not_measured_without_callback_requests(alice):
    fig = figures.callbacks(alice, figures.Filters.last_days(7))
    assert not fig.measured and "terugbelverzoeken" in fig.note
