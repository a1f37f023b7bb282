"""I20, a restore drill on the embedded default (SQLite, the queue in its own file).

A running intake files messages; `bereikbaar manage backup` is taken while webhooks keep being
accepted and the worker keeps filing; a person is erased after it; then, the server stopped,
`bereikbaar manage restore` puts the backup back (files, migrate, the queue's leftovers filed,
the erasure journal replayed). The recovery point is the moment the backup began: everything
accepted before it is back, rows then still waiting are filed, nothing twice, and the person
erased after the backup is erased again.
"""

import json
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections

from bereikbaar.contacts.models import Contact, Identity
from bereikbaar.contacts.privacy import erase
from bereikbaar.conversations.models import Message
from bereikbaar.intake.accept import accept
from bereikbaar.intake.claim import claim_rows
from bereikbaar.intake.models import Inbound
from bereikbaar.intake.router import queue_apart, queue_db
from bereikbaar.intake.worker import drain

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connections["default"].vendor != "sqlite", reason="PostgreSQL: pg_dump, not this"
    ),
]

ERIK = "erik@example.nl"  # erased after the backup


def webhook(key: str, email: str) -> None:
    """What a provider's webhook does: accept() the raw payload (the API channel's shape)."""
    body = {"external_id": key, "from": {"email": email}, "text": f"Bericht {key}"}
    accept("api", key, json.dumps(body).encode(), order_key=f"email:{email}")


def stuck_behind_a_dead_worker(keys: list[str], email: str) -> None:
    """Rows accepted but not filed when the backup is taken: a worker claimed the first and
    died, and the sender's later rows wait behind it (one sender's rows are filed in order)."""
    for key in keys:
        webhook(key, email)
    claimed = claim_rows("dead-worker", 1)
    assert [row.dedupe_key for row in claimed] == keys[:1]


def test_a_restore_brings_back_everything_accepted_before_the_backup_began(
    service, tmp_path, settings
):
    assert queue_apart()
    settings.BEREIKBAAR_ERASURE_LOG = str(tmp_path / "elsewhere" / "erasures.jsonl")
    before = [f"voor-{n}" for n in range(6)]
    for n, key in enumerate(before):
        webhook(key, ERIK if n % 2 else f"klant{n}@example.nl")
    assert drain() == len(before)
    waiting = ["wacht-0", "wacht-1", "wacht-2"]
    stuck_behind_a_dead_worker(waiting, "wachtend@example.nl")
    erik_waiting = ["erik-wacht-0", "erik-wacht-1"]
    stuck_behind_a_dead_worker(erik_waiting, ERIK)

    # The backup, while webhooks are accepted and the worker files them.
    answered: list[tuple[str, float]] = []
    stop = threading.Event()

    def webhooks() -> None:
        n = 0
        try:
            while not stop.is_set():
                key = f"tijdens-{n}"
                webhook(key, f"druk{n % 4}@example.nl")
                answered.append((key, time.monotonic()))  # the provider has its 2xx now
                n += 1
        finally:
            connections.close_all()

    def worker() -> None:
        try:
            while not stop.is_set():
                drain("live-worker")
                time.sleep(0.002)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=webhooks), threading.Thread(target=worker)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    backup_began = time.monotonic()
    call_command("backup", str(tmp_path / "backup"))
    time.sleep(0.3)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    drain()
    during_before = {key for key, at in answered if at < backup_began}
    assert len(during_before) >= 5 and len(answered) > len(during_before)  # accepts went on

    # After the backup: one more message (beyond the recovery point), and Erik is erased.
    webhook("na-de-backup", "laat@example.nl")
    drain()
    erik = Identity.objects.get(kind="email", value=ERIK).contact
    erase(erik, reason="verzoek van de klant")
    assert Path(settings.BEREIKBAAR_ERASURE_LOG).exists()

    # The server stops; the backup is restored.
    connections.close_all()
    call_command("restore", str(tmp_path / "backup"))

    texts = dict(Message.objects.values_list("provider_id", "text"))
    accepted_before_the_backup = {*before, *waiting, *erik_waiting, *during_before}
    missing = accepted_before_the_backup - set(texts)
    assert not missing, f"lost: {sorted(missing)}"
    assert "na-de-backup" not in texts  # the recovery point is the backup's start
    assert set(texts) <= accepted_before_the_backup | {key for key, _at in answered}
    for key in waiting:  # waiting at backup time, filed after the restore, once, in order
        assert texts[key] == f"Bericht {key}"
    rows = Inbound.objects.using(queue_db())
    assert not rows.exclude(status=Inbound.Status.PROCESSED).exists()
    for row in rows.all():  # each row points at its one message
        assert len(row.message_ids) == 1
    filed = Message.objects.filter(provider_id__in=waiting).order_by("pk")
    assert [m.provider_id for m in filed] == waiting
    assert len({m.conversation_id for m in filed}) == 1

    # Erik, erased after the backup, is erased again: his words too, also those filed just now.
    assert not Identity.objects.filter(value=ERIK).exists()
    assert not Contact.objects.filter(erased_at__isnull=True, identities__value=ERIK).exists()
    eriks = [key for n, key in enumerate(before) if n % 2] + erik_waiting
    assert all(texts[key] == "" for key in eriks)
    assert texts["voor-0"] == "Bericht voor-0"  # the others keep theirs


def test_a_row_filed_between_the_two_copies_is_not_lost(service, tmp_path, monkeypatch):
    """The worker files a row after the first file is copied and before the second: taken
    queue first, the row is still waiting in the queue's copy and is filed after the restore
    (main file first, it would be in neither copy)."""
    from bereikbaar.intake.management.commands import backup

    webhook("tussendoor", "klant@example.nl")
    real_copy, copied = backup.copy_database, []

    def copy_then_file(source, target, queue):
        real_copy(source, target, queue)
        copied.append(source)
        if len(copied) == 1:
            assert drain() == 1

    monkeypatch.setattr(backup, "copy_database", copy_then_file)
    call_command("backup", str(tmp_path / "backup"))
    assert len(copied) == 2
    connections.close_all()
    call_command("restore", str(tmp_path / "backup"))
    assert list(Message.objects.values_list("provider_id", flat=True)) == ["tussendoor"]


def test_a_backup_into_a_directory_that_is_not_empty_is_refused(tmp_path):
    from django.core.management.base import CommandError

    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "manifest.json").write_text("{}")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path / "old"))


def test_a_half_made_backup_is_not_restored(tmp_path):
    from django.core.management.base import CommandError

    (tmp_path / "half").mkdir()
    with pytest.raises(CommandError, match="not a complete backup"):
        call_command("restore", str(tmp_path / "half"))
