"""accept(): the only thing a webhook does before it answers 2xx — one INSERT, committed.

On SQLite, webhooks that arrive together share a commit (group commit): each adds its row to a
queue and waits for the write turn; whoever gets the turn first inserts every row queued so far
and commits once, and the others find theirs done. A commit there waits for the disk (fsync,
synchronous=FULL): eight webhooks at once paid eight of those in a row, and the intake worker
waited behind them. No 2xx leaves before its row is on disk either way.
"""

import threading
from dataclasses import dataclass

from django.db import connections, transaction
from django.utils import timezone

from bereikbaar.intake import wakeup
from bereikbaar.intake.router import queue_db
from bereikbaar.intake.writelock import write_turn


@dataclass(frozen=True)
class Accepted:
    id: int
    duplicate: bool


_INSERT = (
    "INSERT INTO intake_inbound (channel, dedupe_key, order_key, payload, received_at, status,"
    " claimed_by, attempts, error, message_ids)"
    " VALUES (%s, %s, %s, %s, %s, 'accepted', '', 0, '', '[]')"
    " ON CONFLICT (channel, dedupe_key) DO NOTHING RETURNING id"
)
_EXISTING = "SELECT id FROM intake_inbound WHERE channel = %s AND dedupe_key = %s"


def accept(channel: str, dedupe_key: str, payload: bytes, order_key: str = "") -> Accepted:
    """Store the raw payload durably; a retry with the same key stores nothing, same answer.

    Returns once committed (unless the caller holds an outer transaction on the queue's
    database, whose commit then counts), and wakes the intake worker after that commit.
    """
    using = queue_db()
    db = connections[using]
    received_at = db.ops.adapt_datetimefield_value(timezone.now())
    row = [channel, dedupe_key[:255], order_key[:320], payload, received_at]
    if db.vendor == "sqlite" and not db.in_atomic_block:
        return _accept_together(_Waiting(row), using)
    with write_turn(using), transaction.atomic(using=using), db.cursor() as cursor:
        accepted = _insert(cursor, row)
        if not accepted.duplicate:
            if db.vendor == "postgresql":
                cursor.execute(wakeup.NOTIFY_SQL)  # delivered on commit, to workers anywhere
            transaction.on_commit(wakeup.notify, using=using)
    return accepted


def _insert(cursor, row: list) -> Accepted:
    cursor.execute(_INSERT, row)
    found = cursor.fetchone()
    if found is None:
        cursor.execute(_EXISTING, row[:2])
        return Accepted(id=cursor.fetchone()[0], duplicate=True)
    return Accepted(id=found[0], duplicate=False)


@dataclass
class _Waiting:
    row: list
    done: bool = False
    result: Accepted | None = None
    error: BaseException | None = None


_queue: list[_Waiting] = []
_queue_lock = threading.Lock()


def _accept_together(mine: _Waiting, using: str) -> Accepted:
    with _queue_lock:
        _queue.append(mine)
    with write_turn(using):
        if not mine.done:  # nobody took it along: take everyone waiting
            with _queue_lock:
                batch = _queue[:]
                _queue.clear()
            _commit(batch, using)
    if mine.error is not None:
        raise mine.error
    return mine.result


def _commit(batch: list[_Waiting], using: str) -> None:
    """Insert the rows in one transaction; each learns its own answer, or the shared error.

    BEGIN and COMMIT go to SQLite directly (the connection is in autocommit between them,
    errors still become Django's): transaction.atomic() cost a third of an accept's CPU
    besides the commit itself (cProfile, 0.1 of 0.3 ms), for bookkeeping this one statement
    per row does not need."""
    db = connections[using]
    try:
        db.ensure_connection()
        with db.wrap_database_errors, db.cursor() as cursor:
            raw = db.connection
            raw.execute("BEGIN IMMEDIATE")
            try:
                results = [_insert(cursor, waiting.row) for waiting in batch]
                raw.execute("COMMIT")
            except BaseException:
                if raw.in_transaction:
                    raw.execute("ROLLBACK")
                raise
    except BaseException as exc:  # a failed commit fails every webhook in it: they retry
        for waiting in batch:
            waiting.error, waiting.done = exc, True
        return
    for waiting, result in zip(batch, results, strict=True):
        waiting.result, waiting.done = result, True
    if any(not r.duplicate for r in results):
        wakeup.notify()
