"""Erlang C against known values, and the live estimate."""

import math
from math import factorial

import pytest

from bereikbaar.channels.voice import erlang


def textbook_erlang_c(n: int, a: float) -> float:
    top = a**n / factorial(n) * n / (n - a)
    return top / (sum(a**k / factorial(k) for k in range(n)) + top)


@pytest.mark.parametrize(
    ("agents", "traffic", "expected"),
    [(1, 0.5, 0.5), (2, 1.0, 1 / 3), (3, 2.0, 4 / 9), (5, 4.0, 0.5541)],
)
def test_erlang_c_known_values(agents, traffic, expected):
    assert erlang.erlang_c(agents, traffic) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize(("agents", "traffic"), [(10, 8.5), (25, 20.0), (120, 110.0), (7, 0.1)])
def test_erlang_c_matches_the_textbook_formula(agents, traffic):
    assert erlang.erlang_c(agents, traffic) == pytest.approx(textbook_erlang_c(agents, traffic))


def test_the_planning_example():
    # 360 calls an hour of 4 minutes: 24 Erlangs on 28 agents. A third waits; those who do
    # wait AHT/(N-A) = 60 s on average, so the mean over all callers is about 20 s.
    waiting = textbook_erlang_c(28, 24)
    assert erlang.erlang_c(28, 24) == pytest.approx(waiting) == pytest.approx(0.3331, abs=1e-4)
    assert erlang.average_wait(28, 360, 240) == pytest.approx(waiting * 60)
    assert erlang.service_level(28, 360, 240, 20) == pytest.approx(
        1 - waiting * math.exp(-4 * 20 / 240)
    )
    # one more agent: fewer wait, and they wait less
    assert erlang.average_wait(29, 360, 240) < erlang.average_wait(28, 360, 240) / 1.5


def test_overload_and_nobody():
    assert erlang.erlang_c(2, 2.0) == 1.0
    assert erlang.average_wait(2, 100, 240) is None
    assert erlang.expected_wait(0, 0, 3, 10, 240).seconds is None
    assert erlang.erlang_c(3, 0) == 0.0


def test_the_queue_ahead_counts_even_when_traffic_is_low():
    quiet = erlang.expected_wait(agents=2, busy=2, waiting=3, calls_per_hour=1, handle_seconds=300)
    assert quiet.seconds == pytest.approx(4 * 300 / 2)
    free = erlang.expected_wait(agents=3, busy=0, waiting=0, calls_per_hour=1, handle_seconds=300)
    assert free.seconds < 5


def test_spoken_minutes_round_up():
    assert "ongeveer 3 minuten" in erlang.spoken_minutes(erlang.Estimate(121, 1, 1, 1, 1, 1, 1))
    assert "minder dan een minuut" in erlang.spoken_minutes(erlang.Estimate(30, 1, 0, 0, 1, 1, 0))


@pytest.mark.django_db
def test_the_live_estimate_uses_agents_online_and_the_queue(cti, anna, service):
    from tests.conftest import make_agent

    make_agent("bert", service, presence="offline")
    cti("newCall", call_id="a")
    cti("newCall", call_id="b")
    estimate = erlang.live_estimate()
    assert (estimate.agents, estimate.waiting, estimate.calls_per_hour) == (1, 2, 2.0)
    assert estimate.seconds >= 2 * erlang.DEFAULT_HANDLE_SECONDS


@pytest.mark.django_db
def test_the_wait_endpoint(client, anna):
    body = client.get("/channels/voice/wait").json()
    assert body["agents"] == 1 and body["seconds"] is not None
