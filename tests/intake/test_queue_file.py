"""The intake queue in a SQLite file of its own: webhooks never wait for the worker's filing.

PostgreSQL keeps one database (row locks let accepts and filing write at once), so these tests
are for SQLite, the embedded default.
"""

import importlib
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connections
from django.utils import timezone

from bereikbaar.conversations.models import Message
from bereikbaar.intake.accept import accept
from bereikbaar.intake.models import Inbound
from bereikbaar.intake.router import QUEUE, queue_apart
from bereikbaar.intake.worker import drain
from bereikbaar.intake.writelock import write_turn

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connections["default"].vendor != "sqlite", reason="one database on PostgreSQL"
    ),
]


NOW = timezone.now()


def api_payload(external_id: str, text: str = "Hallo") -> bytes:
    body = {"external_id": external_id, "from": {"email": "klant@example.nl"}, "text": text}
    return json.dumps(body).encode()


def test_the_queue_is_a_file_of_its_own():
    assert queue_apart()
    main = Path(connections["default"].settings_dict["NAME"])
    queue = Path(connections[QUEUE].settings_dict["NAME"])
    assert main != queue
    assert "intake_inbound" in connections[QUEUE].introspection.table_names()
    assert "intake_inbound" not in connections["default"].introspection.table_names()
    accepted = accept("api", "apart", api_payload("apart"))
    assert Inbound.objects.filter(pk=accepted.id).exists()


def test_an_accept_does_not_wait_for_the_filing(service):
    """The worker holds the main file's write turn and an open write transaction (as while
    filing a batch); a webhook is still stored and answered at once."""
    held, release = threading.Event(), threading.Event()

    def filing():
        main = connections["default"]  # this thread's own connection, as the worker's
        with write_turn("default"), main.cursor() as cursor:
            cursor.execute("BEGIN IMMEDIATE")
            held.set()
            release.wait(10)
            cursor.execute("ROLLBACK")
        main.close()

    worker = threading.Thread(target=filing)
    worker.start()
    try:
        assert held.wait(5)
        started = time.monotonic()
        accepted = accept("api", "while-filing", api_payload("while-filing"))
        waited = time.monotonic() - started
        assert not accepted.duplicate
        assert waited < 5  # it never waited for the 10 s the filing could take
        assert worker.is_alive()  # and the filing was still going on
    finally:
        release.set()
        worker.join()


def test_a_row_filed_but_not_marked_is_filed_again_once(service):
    """A crash between the filing's commit (main file) and the mark (queue file): the row is
    claimed again after the restart and stores nothing twice."""
    accepted = accept("api", "twice", api_payload("twice"))
    assert drain() == 1
    Inbound.objects.filter(pk=accepted.id).update(
        status=Inbound.Status.ACCEPTED, processed_at=None, message_ids=[]
    )
    assert drain() == 1
    row = Inbound.objects.get(pk=accepted.id)
    assert row.status == Inbound.Status.PROCESSED
    assert Message.objects.filter(provider_id="twice").count() == 1
    assert row.message_ids == list(Message.objects.values_list("pk", flat=True))


def test_an_install_from_before_the_split_keeps_its_queue(service):
    """intake_inbound rows in the main file (an older install) move to the queue's file,
    waiting ones included, and the old table goes."""
    move = importlib.import_module("bereikbaar.intake.migrations.0003_queue_in_its_own_file")

    main, queue = connections["default"], connections[QUEUE]
    with main.schema_editor() as editor:
        editor.create_model(Inbound)
    Inbound.objects.using("default").create(
        id=900, channel="api", dedupe_key="old", payload=api_payload("old"), received_at=NOW
    )

    class Editor:
        connection = queue

    move.move_rows(None, Editor())
    move.move_rows(None, Editor())  # an interrupted run is simply run again
    assert "intake_inbound" not in main.introspection.table_names()
    assert Inbound.objects.get(pk=900).status == Inbound.Status.ACCEPTED
    assert drain() == 1
    assert Message.objects.filter(provider_id="old").exists()


def test_migrate_without_database_migrates_both_files(tmp_path):
    """`bereikbaar manage migrate`, as make demo and the guides run it."""
    env = {**os.environ, "BEREIKBAAR_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "bereikbaar.cli", "manage", "migrate", "--verbosity", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr

    def tables(name: str) -> set[str]:
        with sqlite3.connect(tmp_path / name) as db:
            return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}

    assert "intake_inbound" in tables("bereikbaar-intake.sqlite3")
    assert "intake_inbound" not in tables("bereikbaar.sqlite3")
    assert "conversations_message" in tables("bereikbaar.sqlite3")
    assert "conversations_message" not in tables("bereikbaar-intake.sqlite3")
