"""Twilio voice webhooks as CTI events, so both kinds of line share one call record.

The incoming-call webhook is a newCall; a caller bridged to an agent from the queue is an
answer; status callbacks (completed, busy, no-answer, canceled, failed) are the hangup; the
caller pressing 1 or leaving a voicemail ends the call with cause callback or voicemail.
A call we placed (click-to-call, dial_twilio.py) also reports ringing and answered; its
status callback URL names the agent (`_agent`), who is then the one who talked.

Order: the call record is derived from the set of facts by their times (state.py), so the order
in which callbacks arrive does not matter, but Twilio's `Timestamp` has whole seconds and a
short call puts initiated, ringing, answered and completed in one second. Each status callback
also carries `SequenceNumber` (0, 1, 2, … per call), the order Twilio sent them in; within the
second it is the tie-break (seq/1000 s added to Twilio's time), so an earlier callback never
lands after a later one, whichever arrives first. A retried callback is the same fact (same
time) and the intake's dedupe key already drops it. A SequenceNumber that is not a small whole
number is ignored, not refused.
"""

from email.utils import parsedate_to_datetime

from bereikbaar.channels.voice.cti import CtiEvent, when

HANGUPS = {
    "completed": "normal",
    "busy": "busy",
    "no-answer": "noanswer",
    "canceled": "cancel",
    "failed": "failed",
}
DIALLING = {"queued", "initiated", "ringing"}
MAX_SEQUENCE = 999  # keeps seq/1000 inside Twilio's one second


def cti_event(params: dict[str, str], received: float) -> CtiEvent | None:
    step = params.get("_step", "")
    outbound = params.get("Direction", "inbound").startswith("outbound")
    status = params.get("CallStatus", "")
    event, cause, ext = "", "", ""
    if step == "incoming":
        event = "newCall"
    elif step == "callback":
        event, cause = "hangup", "callback"
    elif step == "voicemail":
        event, cause = "hangup", "voicemail"
    elif step == "queue" and params.get("QueueResult") == "bridged":
        event, ext = "answer", params.get("DequeingCallSid", "") or "twilio"
    elif step == "status" and status in HANGUPS:
        event, cause = "hangup", HANGUPS[status]
    elif step == "status" and outbound and status in DIALLING:
        event, ext = "newCall", params.get("_agent", "")
    elif step == "status" and outbound and status == "in-progress":
        event, ext = "answer", params.get("_agent", "") or "twilio"
    if not event or not params.get("CallSid"):
        return None
    direction = "out" if outbound else "in"
    sequence = _sequence(params.get("SequenceNumber", ""))
    return CtiEvent(
        event=event,
        call_id=params["CallSid"][:200],
        direction=direction,
        caller=params.get("From", "")[:200],
        callee=params.get("To", "")[:200],
        ext=ext[:200],
        cause=cause,
        at=_at(params.get("Timestamp", ""), sequence, received),
        event_id=f"{params['CallSid'][:100]}:{sequence}" if sequence is not None else "",
    )


def _at(timestamp: str, sequence: int | None, received: float) -> float:
    """Twilio's time, ordered within its second by the sequence number; else when received."""
    epoch = _epoch(timestamp)
    at = when(epoch, received)
    if epoch and sequence is not None and at == float(epoch):
        at += sequence / 1000
    return at


def _sequence(value: str) -> int | None:
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 3:  # no sign, dot or "１"
        return None
    number = int(value)
    return number if number <= MAX_SEQUENCE else None


def _epoch(value: str) -> str:
    """Twilio's Timestamp is RFC 2822 ("Tue, 24 Nov 2026 19:00:00 +0000")."""
    if not value:
        return ""
    try:
        return str(parsedate_to_datetime(value).timestamp())
    except (TypeError, ValueError):
        return ""
