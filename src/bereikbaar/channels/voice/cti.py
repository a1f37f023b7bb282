"""The generic CTI contract (as Zammad's): what a PBX or bridge may post, read defensively.

Fields: event (newCall | answer | hangup), callId, direction (in | out), from, to, user
(the agent's login) or answeringNumber / extension, cause (normal, busy, cancel, noAnswer,
failed) and optionally eventId and timestamp (epoch seconds or ISO 8601). JSON or a form.

Authentication: the line's token (Authorization: Bearer T, X-CTI-Token or ?token=T) names the
line. A line with a signing secret also wants X-Bereikbaar-Timestamp (unix seconds) and
X-Bereikbaar-Signature (hex HMAC-SHA256 of f"{timestamp}.{raw body}" with that secret) on every
event, within 300 s of our clock; otherwise 401 {"error": …}. See cti_auth.py.
"""

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from urllib.parse import parse_qsl

from bereikbaar.contacts.normalise import InvalidIdentity, normalise_phone

EVENTS = {"newcall": "newCall", "answer": "answer", "hangup": "hangup"}
DIRECTIONS = {"in", "out"}
MAX_FIELD = 200
SKEW = 86400.0  # a PBX clock further off than a day is not believed


class BadEvent(ValueError):
    """The event cannot be used; the message says which field and why (answered 422)."""


@dataclass(frozen=True)
class CtiEvent:
    event: str
    call_id: str
    direction: str
    caller: str  # as sent
    callee: str
    ext: str  # who answered or rang: login, answering number or extension
    cause: str
    at: float  # when it happened (the PBX's clock if believable, else when we received it)
    event_id: str = ""

    @property
    def number(self) -> str:
        """The customer's number in E.164, or "" for anonymous and garbage."""
        return e164(self.caller if self.direction == "in" else self.callee)

    def as_dict(self) -> dict:
        return asdict(self)


def read_body(body: bytes, content_type: str) -> dict[str, str]:
    try:
        if "json" in content_type:
            data = json.loads(body or b"{}")
            if not isinstance(data, dict):
                raise BadEvent("the JSON body must be an object")
            return {str(k): _text(v) for k, v in data.items()}
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadEvent("the body is neither JSON nor a UTF-8 form") from None
    except RecursionError:  # `[[[[…` a hundred thousand deep: refused, not a 500
        raise BadEvent("the JSON body is nested too deeply") from None


def parse(fields: dict[str, str], received: float) -> CtiEvent:
    event = EVENTS.get(fields.get("event", "").strip().lower())
    if event is None:
        raise BadEvent("event must be newCall, answer or hangup")
    call_id = fields.get("callId", fields.get("call_id", "")).strip()[:MAX_FIELD]
    if not call_id:
        raise BadEvent("callId is missing")
    direction = fields.get("direction", "in").strip().lower() or "in"
    if direction not in DIRECTIONS:
        raise BadEvent("direction must be in or out")
    ext = (
        fields.get("user")
        or fields.get("answeringNumber")
        or fields.get("extension")
        or fields.get("user_id")
        or ""
    )
    return CtiEvent(
        event=event,
        call_id=call_id,
        direction=direction,
        caller=fields.get("from", "").strip()[:MAX_FIELD],
        callee=fields.get("to", "").strip()[:MAX_FIELD],
        ext=ext.strip()[:MAX_FIELD],
        cause=fields.get("cause", "").strip().lower()[:32],
        at=when(fields.get("timestamp", ""), received),
        event_id=fields.get("eventId", "").strip()[:MAX_FIELD],
    )


def e164(raw: str) -> str:
    if not raw or not any(c.isdigit() for c in raw):
        return ""
    try:
        return normalise_phone(raw)
    except InvalidIdentity:
        return ""


def when(value: str, received: float) -> float:
    value = (value or "").strip()
    if not value:
        return received
    try:
        at = float(value)
        if at > 1e12:  # milliseconds
            at /= 1000
    except ValueError:
        try:
            at = datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return received
    return at if abs(at - received) < SKEW else received


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):  # Zammad's `user` may be a list of logins (ring group)
        return str(value[0]) if value else ""
    return str(value)
