"""For the customer simulator and benchmarks: a call as a PBX reports it over CTI.

`call_events()` gives the JSON bodies in order; POST each to /channels/cti with
`Authorization: Bearer <the line's token>` (see `headers()`), pausing between them as a real
call would (ring for a few seconds, talk, hang up).
"""

import time
import uuid

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


def headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
