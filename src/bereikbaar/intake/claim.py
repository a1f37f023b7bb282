"""Claiming inbound rows: the database is the queue, shared by any number of workers.

A row is claimable only when no earlier row with the same order key is unfinished, so one
sender's messages are filed in arrival order even with several workers; on PostgreSQL the
workers skip each other's locked rows (FOR UPDATE SKIP LOCKED).
"""

from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from bereikbaar.intake.models import Inbound

STALE_AFTER = timedelta(minutes=5)

_CLAIM = """
UPDATE intake_inbound
   SET status = 'processing', claimed_by = %s, claimed_at = %s, attempts = attempts + 1
 WHERE id IN (
    SELECT i.id FROM intake_inbound i
     WHERE i.status = 'accepted'
       AND NOT EXISTS (
            SELECT 1 FROM intake_inbound j
             WHERE j.order_key = i.order_key AND i.order_key <> '' AND j.id < i.id
               AND j.status IN ('accepted', 'processing'))
     ORDER BY i.id
     LIMIT %s {lock})
RETURNING id, channel, dedupe_key, payload, attempts
"""


def claim(worker_id: str, limit: int) -> list[int]:
    return [inbound.pk for inbound in claim_rows(worker_id, limit)]


def claim_rows(worker_id: str, limit: int) -> list[Inbound]:
    """Claim and return the rows, oldest first (in the caller's transaction, if it has one:
    the worker claims and files its first rows in one commit)."""
    lock = "FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    now = timezone.now()
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            _CLAIM.format(lock=lock),
            [worker_id, connection.ops.adapt_datetimefield_value(now), limit],
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
