"""I5: acknowledged means on disk. The 2xx (or SMTP 250) goes out after accept()'s commit, so
the commit itself must reach the disk, not just the operating system's cache."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def pragma(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return str(cursor.fetchone()[0]).lower()


def test_sqlite_syncs_the_log_at_every_commit():
    if connection.vendor != "sqlite":
        pytest.skip("the embedded default's setting")
    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == "2"  # FULL: NORMAL (1) survives a process crash only


def test_postgres_commits_are_not_made_asynchronous():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] in ("on", "remote_write", "remote_apply")


def _pragma_on(alias: str, name: str) -> str:
    from django.db import connections

    with connections[alias].cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return str(cursor.fetchone()[0]).lower()


@pytest.mark.django_db(transaction=True)
def test_accepts_and_filings_reach_the_disk_and_only_the_queue_marks_may_wait(service):
    """With the queue in a file of its own: a webhook's accept syncs the queue's log, the
    worker's filing syncs the main log (its "processed" mark in the queue comes after it), and
    only the worker's claims and marks skip the sync (a lost mark refiles, storing nothing
    twice)."""
    import threading

    from django.db import connections

    from bereikbaar.intake.accept import accept
    from bereikbaar.intake.router import QUEUE, queue_apart
    from bereikbaar.intake.worker import drain

    if connection.vendor != "sqlite" or not queue_apart():
        pytest.skip("the embedded default's files")
    seen = {}

    def webhook() -> None:  # a request thread, as in the server
        body = b'{"external_id": "d1", "from": {"email": "k@example.nl"}, "text": "Hoi"}'
        accept("api", "d1", body, order_key="email:k@example.nl")
        seen["accept"] = _pragma_on(QUEUE, "synchronous")
        connections.close_all()

    thread = threading.Thread(target=webhook)
    thread.start()
    thread.join()
    assert seen["accept"] == "2"
    assert drain() == 1  # this thread is the worker
    assert _pragma_on("default", "synchronous") == "2"
    assert _pragma_on(QUEUE, "synchronous") == "1"
    assert _pragma_on(QUEUE, "journal_mode") == "wal"
