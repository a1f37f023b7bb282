"""Claiming inbound rows: the database is the queue, shared by any number of workers.

A row is claimable only when no earlier row with the same order key is unfinished, so one
sender's messages are filed in arrival order even with several workers; on PostgreSQL the
workers skip each other's locked rows (FOR UPDATE SKIP LOCKED).
"""

from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

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
RETURNING id
"""


def claim(worker_id: str, limit: int) -> list[int]:
    lock = "FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_CLAIM.format(lock=lock), [worker_id, now, limit])
        ids = [row[0] for row in cursor.fetchall()]
    return sorted(ids)


def release_stale(older_than: timedelta = STALE_AFTER) -> int:
    """Give rows back whose worker died mid-way; they are claimed again, never lost."""
    from bereikbaar.intake.models import Inbound

    cutoff = timezone.now() - older_than
    return Inbound.objects.filter(status=Inbound.Status.PROCESSING, claimed_at__lt=cutoff).update(
        status=Inbound.Status.ACCEPTED, claimed_by=""
    )
