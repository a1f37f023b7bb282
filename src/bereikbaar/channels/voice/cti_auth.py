"""Signed CTI events: an optional second lock on POST /channels/cti, per line.

The token only says which line; anyone who saw it once (a proxy log, a query string) can post
events for ever. A line with a `signing_secret` also wants every event signed and fresh:

    X-Bereikbaar-Timestamp: 1764930000            (unix seconds, when the bridge sent it)
    X-Bereikbaar-Signature: hex(HMAC-SHA256(secret, f"{timestamp}.{raw body}"))

The HMAC is over the timestamp exactly as sent, a dot, and the body bytes exactly as sent.
A missing header, a signature that does not match, or a timestamp more than MAX_SKEW seconds
from our clock (a replay, or a clock that drifted) is refused with 401. Lines without a
signing secret are not affected.
"""

import hashlib
import hmac
import math

TIMESTAMP = "X-Bereikbaar-Timestamp"
SIGNATURE = "X-Bereikbaar-Signature"
MAX_SKEW = 300.0


def sign(secret: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def refusal(secret: str, timestamp: str, signature: str, body: bytes, now: float) -> str:
    """Why a signed line refuses this event, or "" when it is signed by `secret` and fresh."""
    if not timestamp or not signature:
        return f"this line wants {TIMESTAMP} and {SIGNATURE}"
    given = signature.strip().lower().encode()
    if not hmac.compare_digest(sign(secret, timestamp, body).encode(), given):
        return f"{SIGNATURE} does not match the timestamp and body"
    try:
        at = float(timestamp)
    except ValueError:
        return f"{TIMESTAMP} must be unix seconds"
    if not math.isfinite(at) or abs(now - at) > MAX_SKEW:
        return f"{TIMESTAMP} is more than {MAX_SKEW:.0f} s from our clock"
    return ""
