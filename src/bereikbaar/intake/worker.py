"""The intake worker: claims accepted rows, parses them and files them, or quarantines them."""

import logging
import os
import socket
import threading
import time
import traceback
from contextlib import nullcontext
from datetime import timedelta

from django.db import OperationalError, close_old_connections, connection, connections, transaction
from django.utils import timezone

from bereikbaar.conversations.models import Message
from bereikbaar.intake import wakeup
from bereikbaar.intake.claim import claim_rows, release_orphans, release_stale
from bereikbaar.intake.ingest import apply_update, ingest
from bereikbaar.intake.message import DeliveryUpdate, InboundMessage, SetAside
from bereikbaar.intake.models import Inbound
from bereikbaar.intake.registry import UnparseablePayload, parser_for, reads_only
from bereikbaar.intake.router import queue_apart, queue_db
from bereikbaar.intake.setaside import set_aside
from bereikbaar.intake.writelock import write_turn
from bereikbaar.realtime import publish
from bereikbaar.routing import config as routing_config
from bereikbaar.routing.triage import prepare as prepare_text

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


# How long one filing transaction may hold SQLite's single write turn before it commits and
# lets the webhooks' accepts in: a batch is filed in as few transactions as this allows.
TURN_SECONDS = 0.05


def process(inbound_id: int) -> Inbound.Status:
    """Parse and file one claimed row; a failure quarantines it with the reason, never drops it."""
    return process_batch([inbound_id])[inbound_id]


def process_batch(inbound_ids: list[int]) -> dict[int, Inbound.Status]:
    """File claimed rows, many to a transaction, each under its own savepoint: a row that fails
    is rolled back alone and quarantined (or given back for a retry), the others commit. The
    realtime events of a transaction leave after its commit."""
    rows = Inbound.objects.in_bulk(inbound_ids)
    _file_all([rows[pk] for pk in sorted(rows)])
    return {pk: rows[pk].status for pk in rows}


def _file_all(pending: list[Inbound]) -> None:
    while pending:
        try:
            _claimed, pending = _file_some(pending)
        except Exception:  # the transaction itself failed (a lost connection): one by one
            log.exception("intake: a batch transaction failed; filing its rows one at a time")
            for inbound in pending:
                _file_alone(inbound)
            pending = []


def _file_some(
    rows: list[Inbound], claim_for: tuple[str, int] | None = None
) -> tuple[list[Inbound], list[Inbound]]:
    """File rows in one transaction until the write turn is used up (claiming them first in
    the same transaction when `claim_for` is given); returns (the rows, those left over).

    With the queue in a file of its own, the rows are marked processed there once the filing
    has committed (intake/router.py says why that order is safe)."""
    started = time.monotonic()
    filed = []
    apart = queue_apart()
    _relax_sync()
    with (
        publish.held(),
        write_turn(),
        transaction.atomic(),
        routing_config.pinned(),
    ):
        if claim_for is not None:
            rows = claim_rows(*claim_for)
        for n, inbound in enumerate(rows):
            if n and time.monotonic() - started > TURN_SECONDS:
                rest = rows[n:]
                break
            try:
                with transaction.atomic():  # a savepoint
                    _file(inbound)
                filed.append(inbound)
            except Exception as exc:
                _failed(inbound, exc)
        else:
            rest = []
        if not apart:
            _mark_processed(filed)
    if apart:
        _mark_processed(filed)
    return rows, rest


def _relax_sync() -> None:
    """SQLite: the worker's commits to the queue skip the fsync that accept()'s commits make.

    What the worker writes there (claims, "processed" marks) is derived from rows already on
    disk, and the write-ahead log is one sequence: the next accept's fsync makes every worker
    commit before it durable too. A power cut in between loses only such marks: the rows go
    back to "accepted" or "processing" and are filed again, which stores nothing twice (a
    message is unique per provider id). It saved ~0.2 ms of each commit, held under the write
    turn webhooks wait for. With the queue apart, the filing itself (the main file) keeps its
    fsync: the mark must never be on disk before what it marks.
    """
    db = connections[queue_db()]
    if db.vendor == "sqlite" and not db.in_atomic_block:
        with db.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = NORMAL")


def _file_alone(inbound: Inbound) -> None:
    """The old way, one transaction per row: used when a whole batch transaction failed."""
    try:
        with write_turn(), transaction.atomic():
            _file(inbound)
            if not queue_apart():
                _mark_processed([inbound])
    except Exception as exc:
        _failed(inbound, exc)
        return
    if queue_apart():
        _mark_processed([inbound])


def _file(inbound: Inbound) -> None:
    """Parse one row and file what it holds (in the caller's transaction)."""
    started = timezone.now()
    messages = []
    items = getattr(inbound, "prepared", None)
    if isinstance(items, Exception):  # parsing it before the write turn failed: same outcome
        raise items
    if items is None:
        items = parser_for(inbound.channel)(bytes(inbound.payload))
    if items and all(isinstance(item, SetAside) for item in items):  # nothing good: all of it
        raise UnparseablePayload("; ".join(item.reason for item in items))
    for item in items:
        if isinstance(item, DeliveryUpdate):
            apply_update(item)
        elif isinstance(item, SetAside):
            set_aside(inbound, item)
        else:
            messages.append(ingest(item))
    if any(m.created_at < started for m in messages):  # a redelivery: rare, so checked only then
        _forget_if_erased(inbound, [m.pk for m in messages])
    inbound.processed_at = timezone.now()
    inbound.message_ids = [m.pk for m in messages]
    inbound.conversation_id = messages[-1].conversation_id if messages else None


def _forget_if_erased(inbound: Inbound, message_ids: list[int]) -> None:
    """A provider redelivering an erased person's message (a new envelope, so a new row) must
    not bring their words back in the raw copy: it is blanked, as erasure blanked the first."""
    erased = Message.objects.filter(
        pk__in=message_ids, conversation__contact__erased_at__isnull=False
    )
    if erased.exists():
        with _queue_turn():
            Inbound.objects.filter(pk=inbound.pk).update(payload=b"")


_PROCESSED = (
    "UPDATE intake_inbound SET status = 'processed', error = '', processed_at = %s,"
    " message_ids = %s, conversation_id = %s WHERE id = %s"
)


def _mark_processed(rows: list[Inbound]) -> None:
    """One statement for the filed rows (processed_at: when each was filed): in the filing's
    transaction, or with the queue apart in a write turn of the queue's own."""
    if not rows:
        return
    using = queue_db()
    db = connections[using]
    at = Inbound._meta.get_field("processed_at")
    ids = Inbound._meta.get_field("message_ids")
    params = [
        (
            at.get_db_prep_value(r.processed_at, db),
            ids.get_db_prep_value(r.message_ids, db),
            r.conversation_id,
            r.pk,
        )
        for r in rows
    ]
    with _queue_turn(), db.cursor() as cursor:
        cursor.executemany(_PROCESSED, params)
    for inbound in rows:
        inbound.status, inbound.error = Inbound.Status.PROCESSED, ""


def _queue_turn():
    """The queue's write turn when it is a file of its own (else the caller holds the one
    file's turn already, and taking it again would wait for ever)."""
    return write_turn(queue_db()) if queue_apart() else nullcontext()


def _failed(inbound: Inbound, exc: Exception) -> None:
    if isinstance(exc, OperationalError):  # locked or lost database: worth another try
        retry = inbound.attempts < MAX_ATTEMPTS
        _fail(inbound, exc, Inbound.Status.ACCEPTED if retry else Inbound.Status.QUARANTINED)
    else:
        log.warning("intake: quarantined %s: %s", inbound, exc)
        _fail(inbound, exc, Inbound.Status.QUARANTINED)


def _fail(inbound: Inbound, exc: Exception, status: Inbound.Status) -> None:
    inbound.status = status
    inbound.error = "".join(traceback.format_exception_only(exc)).strip()[:4000]
    with _queue_turn():
        inbound.save(update_fields=["status", "error"])


def drain(worker_id: str = "", batch: int = 100) -> int:
    """Process until nothing is claimable; returns how many rows were handled. The claim and
    the first rows' filing share one commit (at low load: one commit per message)."""
    worker_id = worker_id or default_worker_id()
    handled = 0
    while True:
        if connection.vendor == "sqlite":
            claimed = _claim_apart(worker_id, batch)
            if not claimed:
                return handled
            handled += len(claimed)
            _prepare(claimed)
            _file_all(claimed)
            continue
        try:
            claimed, rest = _file_some([], claim_for=(worker_id, batch))
        except Exception:  # that transaction failed as a whole: claim, then one by one
            log.exception("intake: a batch transaction failed; filing its rows one at a time")
            claimed = rest = claim_rows(worker_id, batch)
            for inbound in rest:
                _file_alone(inbound)
            rest = []
        if not claimed:
            return handled
        handled += len(claimed)
        _file_all(rest)


def _claim_apart(worker_id: str, batch: int) -> list[Inbound]:
    """SQLite: claim in a transaction of its own (a short write turn, no fsync), so that
    parsing and reading the texts can happen before the filing takes the turn again."""
    _relax_sync()
    using = queue_db()
    with write_turn(using), transaction.atomic(using=using):
        return claim_rows(worker_id, batch)


def _prepare(rows: list[Inbound]) -> None:
    """Before taking SQLite's write turn, the work that needs no writing: parse the payloads of
    channels whose parser only reads, and read their texts (triage.prepare). Webhooks waiting
    for the turn then wait for the database work only. What fails here fails again, the same
    way, inside the filing transaction, where it quarantines the row as before."""
    for inbound in rows:
        if not reads_only(inbound.channel):
            continue
        try:
            items = parser_for(inbound.channel)(bytes(inbound.payload))
        except Exception as exc:  # re-raised by _file, under the row's savepoint
            inbound.prepared = exc
            continue
        inbound.prepared = items
        for item in items:
            if isinstance(item, InboundMessage):
                prepare_text(item.text)


def warm_up() -> None:
    """Load what filing needs (the language model, the lexicons) before the first message
    waits for it. The first message paid ~150 ms for it, and in a child of `serve
    --intake-processes` every webhook accepted meanwhile waited too (the bench's p99)."""
    prepare_text("Goedemorgen, ik heb een vraag over de rekening van vorige maand. Alvast bedankt!")


def requeue(inbound_ids: list[int]) -> int:
    """An admin's "process again" for quarantined rows."""
    return Inbound.objects.filter(pk__in=inbound_ids, status=Inbound.Status.QUARANTINED).update(
        status=Inbound.Status.ACCEPTED, attempts=0, claimed_by=""
    )


def run_forever(stop: threading.Event, batch: int = 100, poll: float = 0.5) -> None:
    """Woken at once by accept() (in any process on PostgreSQL, see wakeup.py); polls every
    `poll` seconds as well, for rows no accept() announced (requeued, released)."""
    worker_id = default_worker_id()
    waiter = wakeup.Waiter()
    last_sweep = timezone.now() - timedelta(hours=1)
    log.info("intake worker %s started", worker_id)
    while not stop.is_set():
        try:
            close_old_connections()
            if timezone.now() - last_sweep > timedelta(minutes=1):
                release_orphans()  # at start too: what a crashed worker held is filed now
                release_stale()
                last_sweep = timezone.now()
            if drain(worker_id, batch) == 0:
                waiter.wait(poll)
        except Exception:
            log.exception("intake worker: unexpected error; retrying in a second")
            stop.wait(1.0)
    waiter.close()
