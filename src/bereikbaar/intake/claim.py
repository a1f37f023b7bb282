"""Claiming inbound rows: the database is the queue, shared by any number of workers.

A row is claimable only when no earlier row with the same order key is unfinished (it is the
oldest unfinished row of its sender), so one sender's messages are filed in arrival order even
with several workers; on PostgreSQL the workers skip each other's locked rows (FOR UPDATE SKIP
LOCKED). The check is "the row is its key's head": one grouped pass over the unfinished rows
(a partial index holds just those), linear whatever plan the database picks. Written as
NOT EXISTS (… j.id < i.id), PostgreSQL chose a hash anti-join that compared every pair, and
a sender with a backlog of 1,000 rows made every claim take tens of milliseconds.
"""

import os
import socket
from datetime import timedelta

from django.db import connections, transaction
from django.utils import timezone

from bereikbaar.intake.models import Inbound
from bereikbaar.intake.router import queue_db

STALE_AFTER = timedelta(minutes=5)

_CLAIM = """
UPDATE intake_inbound
   SET status = 'processing', claimed_by = %s, claimed_at = %s, attempts = attempts + 1
 WHERE id IN (
    WITH heads AS (
        SELECT min(id) AS id FROM intake_inbound
         WHERE status IN ('accepted', 'processing') AND order_key <> ''
         GROUP BY order_key)
    SELECT i.id FROM intake_inbound i
     WHERE i.status = 'accepted'
       AND (i.order_key = '' OR i.id IN (SELECT id FROM heads))
     ORDER BY i.id
     LIMIT %s {lock})
RETURNING id, channel, dedupe_key, payload, attempts
"""


def claim(worker_id: str, limit: int) -> list[int]:
    return [inbound.pk for inbound in claim_rows(worker_id, limit)]


def claim_rows(worker_id: str, limit: int) -> list[Inbound]:
    """Claim and return the rows, oldest first (in the caller's transaction, if it has one:
    the worker claims and files its first rows in one commit)."""
    using = queue_db()
    db = connections[using]
    lock = "FOR UPDATE SKIP LOCKED" if db.vendor == "postgresql" else ""
    now = timezone.now()
    with transaction.atomic(using=using, savepoint=False), db.cursor() as cursor:
        cursor.execute(
            _CLAIM.format(lock=lock), [worker_id, db.ops.adapt_datetimefield_value(now), limit]
        )
        rows = cursor.fetchall()
    claimed = [
        Inbound(
            id=pk,
            channel=channel,
            dedupe_key=dedupe_key,
            payload=payload,
            attempts=attempts,
            status=Inbound.Status.PROCESSING,
            claimed_by=worker_id,
            claimed_at=now,
        )
        for pk, channel, dedupe_key, payload, attempts in rows
    ]
    return sorted(claimed, key=lambda inbound: inbound.pk)


def release_stale(older_than: timedelta = STALE_AFTER) -> int:
    """Give rows back whose worker died mid-way; they are claimed again, never lost."""
    cutoff = timezone.now() - older_than
    return Inbound.objects.filter(status=Inbound.Status.PROCESSING, claimed_at__lt=cutoff).update(
        status=Inbound.Status.ACCEPTED, claimed_by=""
    )


def release_orphans() -> int:
    """Give back at once the rows claimed by a worker of this host whose process is gone.

    A worker's id is host:pid:thread (worker.default_worker_id). After a crash or a `kill -9`,
    its claimed rows would wait STALE_AFTER before release_stale gives them back; a worker
    starting on the same host sees that the pid no longer runs and frees them now. A pid
    taken again by another process looks alive, and then the five minutes apply as before.
    Filing a row twice stores nothing twice (a message is unique per provider id)."""
    prefix = f"{socket.gethostname()}:"
    claimants = (
        Inbound.objects.filter(status=Inbound.Status.PROCESSING, claimed_by__startswith=prefix)
        .values_list("claimed_by", flat=True)
        .distinct()
    )
    gone = [claimant for claimant in claimants if not _running(claimant[len(prefix) :])]
    if not gone:
        return 0
    return Inbound.objects.filter(status=Inbound.Status.PROCESSING, claimed_by__in=gone).update(
        status=Inbound.Status.ACCEPTED, claimed_by=""
    )


def _running(pid_and_thread: str) -> bool:
    pid = pid_and_thread.split(":", 1)[0]
    if not pid.isdigit():
        return True  # not an id this module can judge: leave it to release_stale
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it runs, as another user
    try:  # a killed child not yet reaped by its parent is a zombie: it files nothing
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True
