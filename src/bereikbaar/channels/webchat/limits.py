"""Flood control per visitor and per IP address: a sliding window counted in this process.

With several serving processes each counts its own sockets; a visitor is pinned to one
socket at a time, and the per-IP limit is a floor against floods, not a billing meter.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from django.conf import settings

DEFAULTS = {"visitor": (10, 10.0), "ip": (60, 60.0)}  # (messages, seconds)

_lock = threading.Lock()
_seen: dict[str, deque[float]] = defaultdict(deque)


def limit(scope: str) -> tuple[int, float]:
    configured = getattr(settings, "BEREIKBAAR_WEBCHAT_RATE_LIMITS", {}) or {}
    return tuple(configured.get(scope, DEFAULTS[scope]))


def retry_after(keys: dict[str, str], now: float | None = None) -> float:
    """0 when a message may pass now (and counts it); else the seconds to wait."""
    now = now or time.monotonic()
    with _lock:
        waits = []
        for scope, key in keys.items():
            count, window = limit(scope)
            seen = _seen[f"{scope}:{key}"]
            while seen and seen[0] <= now - window:
                seen.popleft()
            if len(seen) >= count:
                waits.append(seen[0] + window - now)
        if waits:
            return max(0.1, max(waits))
        for scope, key in keys.items():
            _seen[f"{scope}:{key}"].append(now)
        return 0.0


def reset() -> None:
    with _lock:
        _seen.clear()
