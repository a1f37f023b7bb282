"""What the intake worker runs for a stored phone event: CTI or Twilio, into its call record.

The stored payload is {"line": id, "received": epoch, "cti": {...}} or {..., "twilio": {...}};
the views add `line` and `received`, so the worker knows which line and when it came.

A late event of an erased call (calls.py keeps the call blank) still arrived with the caller's
number in its raw copy; once the event is filed, that copy is blanked, as the erasure blanked
the call's earlier ones (erasure.py).
"""

import json
from contextlib import nullcontext
from functools import partial

from django.db import transaction

from bereikbaar.channels.voice.calls import apply
from bereikbaar.channels.voice.cti import BadEvent, parse
from bereikbaar.channels.voice.models import Line
from bereikbaar.channels.voice.twilio_events import cti_event
from bereikbaar.intake.message import DeliveryUpdate, InboundMessage
from bereikbaar.intake.models import Inbound
from bereikbaar.intake.registry import UnparseablePayload
from bereikbaar.intake.router import queue_apart, queue_db
from bereikbaar.intake.writelock import write_turn


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
        call = apply(line, event, rejected=bool(stored.get("rejected")))
        if call.erased_at:
            key = f"call:{line.pk}:{event.call_id}"  # the views' order key (views, voice_line)
            transaction.on_commit(partial(_forget, key, raw))
    return []  # the call log is filed by apply() through intake.ingest


def _forget(order_key: str, raw: bytes) -> None:
    """Blank this event's raw copy, after the filing committed (a rollback keeps it, to be
    filed again). The worker holds the main file's write turn here; with the queue in a file
    of its own, that file's turn is taken too."""
    with write_turn(queue_db()) if queue_apart() else nullcontext():
        Inbound.objects.filter(
            order_key=order_key,
            status__in=[Inbound.Status.PROCESSING, Inbound.Status.PROCESSED],
            payload=raw,
        ).update(payload=b"")
