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
