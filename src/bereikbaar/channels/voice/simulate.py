"""For the customer simulator and benchmarks: a call as a PBX reports it over CTI.

`call_events()` gives the JSON bodies in order; POST each to /channels/cti with the headers of
`headers()` (the line's token, and when the line has a signing secret the timestamp and HMAC
over the exact body bytes), pausing between them as a real call would (ring for a few seconds,
talk, hang up).
"""

import time
import uuid

from bereikbaar.channels.voice import cti_auth

PATH = "/channels/cti"


def call_events(
    caller: str, answered_by: str = "", talk_seconds: int = 60, ring_seconds: int = 8
) -> list[dict]:
    """newCall, then answer (when someone picks up) and hangup; unanswered calls end as a
    caller hanging up while it rang (cause cancel), which asks for a callback."""
    call_id = f"sim-{uuid.uuid4().hex[:12]}"
    now = time.time()
    base = {"callId": call_id, "direction": "in", "from": caller, "to": "+31201234567"}
    events = [{**base, "event": "newCall", "timestamp": now}]
    if answered_by:
        events.append(
            {**base, "event": "answer", "user": answered_by, "timestamp": now + ring_seconds}
        )
        end = now + ring_seconds + talk_seconds
        events.append(
            {**base, "event": "hangup", "cause": "normal", "user": answered_by, "timestamp": end}
        )
    else:
        events.append(
            {**base, "event": "hangup", "cause": "cancel", "timestamp": now + ring_seconds}
        )
    return events


def headers(
    token: str, body: bytes = b"", signing_secret: str = "", at: float | None = None
) -> dict[str, str]:
    """The headers for POSTing `body`; signed (at `at`, default now) when the line has a
    signing secret, so the body must be sent byte for byte as given here."""
    result = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if signing_secret:
        timestamp = str(int(time.time() if at is None else at))
        result[cti_auth.TIMESTAMP] = timestamp
        result[cti_auth.SIGNATURE] = cti_auth.sign(signing_secret, timestamp, body)
    return result
