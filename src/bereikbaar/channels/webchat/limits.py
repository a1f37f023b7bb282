"""Flood control per visitor and per IP address, counted in Django's cache.

The cache is Redis when REDIS_URL is set, so several serving processes share one count; on the
embedded default it is the process's own memory, which is the whole deployment. Counting is a
sliding-window counter (this window's count plus the previous window's, weighted by how much
of it still overlaps): two cache keys per limit, expiring by themselves, so memory stays
bounded however many visitors come and go.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

DEFAULTS = {"visitor": (10, 10.0), "ip": (60, 60.0)}  # (messages, seconds)
PREFIX = "webchat-limit"


def limit(scope: str) -> tuple[int, float]:
    configured = getattr(settings, "BEREIKBAAR_WEBCHAT_RATE_LIMITS", {}) or {}
    count, window = configured.get(scope, DEFAULTS[scope])
    return int(count), float(window)


def _key(scope: str, who: str, index: int) -> str:
    return f"{PREFIX}:{scope}:{who}:{index}"


def _wait(count: int, window: float, now: float, current: int, previous: int) -> float:
    """Seconds until (previous × the share of it still in the window + current) < count."""
    elapsed = now % window
    if current >= count:  # not before the next window, and then this one decays as previous
        return window - elapsed + window * (1 - count / current)
    # previous × (1 − (elapsed + wait) / window) + current < count
    return min(window * (1 - (count - current) / previous) - elapsed, window - elapsed)


def retry_after(keys: dict[str, str], now: float | None = None) -> float:
    """0 when a message may pass now (and counts it); else the seconds to wait.

    Blocking (a cache round trip per key on Redis): call it from a thread in async code.
    """
    now = time.time() if now is None else now  # wall clock: shared by every process
    waits, counters = [], []
    for scope, who in keys.items():
        count, window = limit(scope)
        index = int(now // window)
        here, before = _key(scope, who, index), _key(scope, who, index - 1)
        seen = cache.get_many([here, before])
        current, previous = seen.get(here, 0), seen.get(before, 0)
        overlap = 1 - (now % window) / window
        if previous * overlap + current >= count:
            waits.append(_wait(count, window, now, current, previous))
        counters.append((here, int(2 * window) + 1))
    if waits:
        return max(0.1, max(waits))
    for key, ttl in counters:
        if not cache.add(key, 1, timeout=ttl):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=ttl)
    return 0.0


def reset() -> None:
    """Forget every count (tests)."""
    cache.clear()
