"""Where the intake queue lives: its own SQLite file beside the main one, or the main database.

SQLite lets one connection write a file at a time. With the queue in the main file, every
webhook's accept waited for the intake worker's filing transaction to end (about a millisecond
per message) and the worker waited for the accepts: the two took turns. In a file of its own,
an accept only ever waits for other accepts and for the worker's short claims and marks.

What that costs: the filing and the "processed" mark are two commits in two files. The worker
commits the filing first (fsynced) and marks the row after; a crash in between files the row
again, which stores nothing twice (a message is unique per channel and provider id). On
PostgreSQL, which has row locks and many writers, the queue stays in the main database and
claim, filing and mark stay one transaction.
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

QUEUE = "intake"


def queue_db() -> str:
    """The alias of the database that holds the intake queue."""
    return QUEUE if QUEUE in settings.DATABASES else DEFAULT_DB_ALIAS


def queue_apart() -> bool:
    return queue_db() != DEFAULT_DB_ALIAS


def _is_queue(model) -> bool:
    return model._meta.app_label == "intake"


class QueueRouter:
    """The intake app's tables in the queue's file, everything else in the main one."""

    def db_for_read(self, model, **hints):
        return queue_db() if _is_queue(model) else None

    def db_for_write(self, model, **hints):
        return queue_db() if _is_queue(model) else None

    def allow_relation(self, obj1, obj2, **hints):
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if not queue_apart():
            return None
        return (app_label == "intake") == (db == QUEUE)
