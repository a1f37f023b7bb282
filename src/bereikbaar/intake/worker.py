"""The intake worker: claims accepted rows, parses them and files them, or quarantines them."""

import logging
import os
import socket
import threading
import traceback
from datetime import timedelta

from django.db import OperationalError, close_old_connections, transaction
from django.utils import timezone

from bereikbaar.intake import wakeup
from bereikbaar.intake.claim import claim, release_stale
from bereikbaar.intake.ingest import apply_update, ingest
from bereikbaar.intake.message import DeliveryUpdate
from bereikbaar.intake.models import Inbound
from bereikbaar.intake.registry import parser_for
from bereikbaar.intake.writelock import write_turn

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def process(inbound_id: int) -> Inbound.Status:
    """Parse and file one claimed row; a failure quarantines it with the reason, never drops it."""
    inbound = Inbound.objects.get(pk=inbound_id)
    try:
        with write_turn(), transaction.atomic():
            messages = []
            for item in parser_for(inbound.channel)(bytes(inbound.payload)):
                if isinstance(item, DeliveryUpdate):
                    apply_update(item)
                else:
                    messages.append(ingest(item))
            inbound.status = Inbound.Status.PROCESSED
            inbound.processed_at = timezone.now()
            inbound.message_ids = [m.pk for m in messages]
            inbound.conversation_id = messages[-1].conversation_id if messages else None
            inbound.error = ""
            inbound.save(
                update_fields=["status", "processed_at", "message_ids", "conversation_id", "error"]
            )
    except OperationalError as exc:  # locked or lost database: worth another try
        retry = inbound.attempts < MAX_ATTEMPTS
        _fail(inbound, exc, Inbound.Status.ACCEPTED if retry else Inbound.Status.QUARANTINED)
    except Exception as exc:
        log.warning("intake: quarantined %s: %s", inbound, exc)
        _fail(inbound, exc, Inbound.Status.QUARANTINED)
    return inbound.status


def _fail(inbound: Inbound, exc: Exception, status: Inbound.Status) -> None:
    inbound.status = status
    inbound.error = "".join(traceback.format_exception_only(exc)).strip()[:4000]
    inbound.save(update_fields=["status", "error"])


def drain(worker_id: str = "", batch: int = 100) -> int:
    """Process until nothing is claimable; returns how many rows were handled."""
    worker_id = worker_id or default_worker_id()
    handled = 0
    while ids := claim(worker_id, batch):
        for inbound_id in ids:
            process(inbound_id)
        handled += len(ids)
    return handled


def requeue(inbound_ids: list[int]) -> int:
    """An admin's "process again" for quarantined rows."""
    return Inbound.objects.filter(pk__in=inbound_ids, status=Inbound.Status.QUARANTINED).update(
        status=Inbound.Status.ACCEPTED, attempts=0, claimed_by=""
    )


def run_forever(stop: threading.Event, batch: int = 100, poll: float = 0.5) -> None:
    """Woken at once by accept() in this process; polls every `poll` seconds for the others."""
    worker_id = default_worker_id()
    last_sweep = timezone.now() - timedelta(hours=1)
    log.info("intake worker %s started", worker_id)
    while not stop.is_set():
        try:
            close_old_connections()
            if timezone.now() - last_sweep > timedelta(minutes=1):
                release_stale()
                last_sweep = timezone.now()
            if drain(worker_id, batch) == 0:
                wakeup.wait(poll)
        except Exception:
            log.exception("intake worker: unexpected error; retrying in a second")
            stop.wait(1.0)
