"""What the intake worker runs for a stored phone event: CTI or Twilio, into its call record.

The stored payload is {"line": id, "received": epoch, "cti": {...}} or {..., "twilio": {...}};
the views add `line` and `received`, so the worker knows which line and when it came.
"""

import json

from bereikbaar.channels.voice.calls import apply
from bereikbaar.channels.voice.cti import BadEvent, parse
from bereikbaar.channels.voice.models import Line
from bereikbaar.channels.voice.twilio_events import cti_event
from bereikbaar.intake.message import DeliveryUpdate, InboundMessage
from bereikbaar.intake.registry import UnparseablePayload


def handle(raw: bytes) -> list[InboundMessage | DeliveryUpdate]:
    try:
        stored = json.loads(raw)
        line = Line.objects.get(pk=stored["line"])
        received = float(stored["received"])
        if "twilio" in stored:
            event = cti_event(stored["twilio"], received)
        else:
            event = parse(stored["cti"], received)
    except (ValueError, KeyError, TypeError, BadEvent, Line.DoesNotExist) as exc:
        raise UnparseablePayload(f"not a phone event: {exc}") from None
    if event is not None:
        apply(line, event, rejected=bool(stored.get("rejected")))
    return []  # the call log is filed by apply() through intake.ingest
