"""Quarantine one part of a payload as a row of its own, inside the worker's transaction.

Not accept(): the worker is inside its filing transaction. This is one INSERT: in that
transaction when the queue shares the main database, else committed at once in the queue's own
file. The part's dedupe key is its parent's plus the part's own key, so filing the parent again
(a redelivery, "process again", a filing that failed after it) never sets a part aside twice.
"""

from contextlib import nullcontext

from django.db import connections

from bereikbaar.intake.message import SetAside
from bereikbaar.intake.models import Inbound
from bereikbaar.intake.router import queue_apart, queue_db
from bereikbaar.intake.writelock import write_turn

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
    using = queue_db()
    with write_turn(using) if queue_apart() else nullcontext(), connections[using].cursor() as c:
        c.execute(_INSERT, [key, part.payload, error, parent.pk])
