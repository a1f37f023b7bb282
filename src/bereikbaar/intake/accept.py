"""accept(): the only thing a webhook does before it answers 2xx — one INSERT, committed."""

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from bereikbaar.intake import wakeup
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


def accept(channel: str, dedupe_key: str, payload: bytes, order_key: str = "") -> Accepted:
    """Store the raw payload durably; a retry with the same key stores nothing, same answer.

    Returns once committed (unless the caller holds an outer transaction, whose commit then
    counts), and wakes the intake worker after that commit.
    """
    received_at = connection.ops.adapt_datetimefield_value(timezone.now())
    with write_turn(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_INSERT, [channel, dedupe_key[:255], order_key[:320], payload, received_at])
        row = cursor.fetchone()
        if row is None:
            cursor.execute(
                "SELECT id FROM intake_inbound WHERE channel = %s AND dedupe_key = %s",
                [channel, dedupe_key[:255]],
            )
            return Accepted(id=cursor.fetchone()[0], duplicate=True)
        if connection.vendor == "postgresql":
            cursor.execute(wakeup.NOTIFY_SQL)  # delivered on commit, to workers in any process
        transaction.on_commit(wakeup.notify)
    return Accepted(id=row[0], duplicate=False)
