"""Quarantine one part of a payload as a row of its own, inside the worker's transaction.

Not accept(): the worker already holds SQLite's write turn and a transaction; this is one
INSERT on the same connection. The part's dedupe key is its parent's plus the part's own key,
so filing the parent again (a redelivery, "process again") never sets a part aside twice.
"""

from django.db import connection

from bereikbaar.intake.message import SetAside
from bereikbaar.intake.models import Inbound

# The parent's channel, sender and arrival time, read in the statement itself (the worker's
# claimed rows carry only what filing needs).
_INSERT = (
    "INSERT INTO intake_inbound (channel, dedupe_key, order_key, payload, received_at, status,"
    " claimed_by, attempts, error, message_ids)"
    " SELECT channel, %s, order_key, %s, received_at, 'quarantined', '', 0, %s, '[]'"
    " FROM intake_inbound WHERE id = %s"
    " ON CONFLICT (channel, dedupe_key) DO NOTHING"
)


def set_aside(parent: Inbound, part: SetAside) -> None:
    key = f"{parent.dedupe_key}#{part.key}"[:255]
    error = f"set aside from row {parent.pk}: {part.reason}"[:4000]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT, [key, part.payload, error, parent.pk])
