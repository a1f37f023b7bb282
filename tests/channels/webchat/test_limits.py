"""The chat flood limits: a sliding window kept in the cache, shared by every serving
process when the cache is Redis, and bounded in memory however many visitors come."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from bereikbaar.channels.webchat import limits

T0 = 1_000_000.0  # a window boundary for both test limits (divisible by 10 and 60)


@pytest.fixture(autouse=True)
def _three_per_ten(settings):
    settings.BEREIKBAAR_WEBCHAT_RATE_LIMITS = {"visitor": (3, 10), "ip": (100, 60)}


def send(at: float, visitor: str = "v1", ip: str = "10.0.0.1") -> float:
    return limits.retry_after({"visitor": visitor, "ip": ip}, now=at)


def test_the_fourth_message_in_a_window_waits_until_the_window_has_moved_on():
    assert [send(T0 + s) for s in (0, 1, 2)] == [0, 0, 0]
    wait = send(T0 + 3)
    assert 7 <= wait <= 10  # not before this window ends
    assert send(T0 + 3 + wait / 2) > 0  # still waiting halfway
    assert send(T0 + 3 + wait + 0.01) == 0  # and then it passes


def test_the_previous_window_still_counts_for_the_part_that_overlaps():
    for s in (7, 8, 9):  # three at the end of one window
        assert send(T0 + s) == 0
    # one second into the next window 90 % of those three still count: 2.7 + 0 < 3 passes…
    assert send(T0 + 11) == 0
    # …but now 0.8 × 3 + 1 = 3.4 ≥ 3: wait until the old window has faded enough
    wait = send(T0 + 12)
    assert 0 < wait < 8
    assert send(T0 + 12 + wait + 0.01) == 0


def test_a_refused_message_is_not_counted_and_other_visitors_are_not_held_up():
    for s in (0, 1, 2):
        send(T0 + s)
    for _ in range(20):  # hammering does not dig the hole deeper
        assert send(T0 + 3) > 0
    assert send(T0 + 20) == 0
    assert send(T0 + 3, visitor="v2") == 0


def test_the_ip_limit_holds_across_visitors(settings):
    settings.BEREIKBAAR_WEBCHAT_RATE_LIMITS = {"visitor": (100, 10), "ip": (2, 60)}
    assert send(T0, visitor="a") == 0 and send(T0 + 1, visitor="b") == 0
    assert send(T0 + 2, visitor="c") > 0


def test_counts_expire_by_themselves(settings):
    """Each count is stored with a time-to-live of two windows: a visitor who left leaves
    nothing behind (the old in-process version kept a key per visitor forever)."""
    import time

    from django.core.cache import cache

    settings.BEREIKBAAR_WEBCHAT_RATE_LIMITS = {"visitor": (3, 0.25), "ip": (100, 0.25)}
    now = time.time()
    send(now)
    key = limits._key("visitor", "v1", int(now // 0.25))
    assert cache.get(key) == 1
    time.sleep(1.2)  # two windows plus the one-second floor of the time-to-live
    assert cache.get(key) is None


REDIS = os.environ.get("REDIS_URL", "")


@pytest.mark.skipif(not REDIS, reason="the shared count needs REDIS_URL (the scale-out run)")
def test_two_serving_processes_share_one_count():
    """Another process (a second `bereikbaar serve`) lets two messages through; this one
    then lets one more through and refuses the fourth, as if it were one server."""
    assert "RedisCache" in settings.CACHES["default"]["BACKEND"]
    code = (
        "import django, time; django.setup()\n"
        "from django.conf import settings\n"
        "settings.BEREIKBAAR_WEBCHAT_RATE_LIMITS = {'visitor': (3, 10), 'ip': (100, 60)}\n"
        "from bereikbaar.channels.webchat import limits\n"
        f"print([limits.retry_after({{'visitor': 'shared', 'ip': 'x'}}, now={T0} + s)"
        " for s in (0, 1)])\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bereikbaar.settings"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[0.0, 0.0]"
    assert send(T0 + 2, visitor="shared", ip="x") == 0
    assert send(T0 + 3, visitor="shared", ip="x") > 0
