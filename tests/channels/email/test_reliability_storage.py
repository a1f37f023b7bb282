"""Catalogue I18: the attachment store fails (here: its directory cannot be created, a real
OSError from the file system) while a mail with attachments is filed. The 250 was already given
for the committed raw mail, so nothing may be lost, and the customer's words must not wait for
the disk: the mail is filed with its text at once, each file as "pending"; a task finds the
files again in the raw mail intake keeps and stores them once the store works, exactly once,
and tells the open inbox. A store that stays broken ends in "failed", visibly."""

import errno
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils.text import get_valid_filename as safe
from django_tasks_db.models import DBTaskResult

from bereikbaar.channels.email.parse import parse
from bereikbaar.channels.email.pending import MAX_ATTEMPTS, store_attachment
from bereikbaar.channels.email.receive import store
from bereikbaar.conversations.attachments import add_attachment
from bereikbaar.conversations.models import Attachment, Message
from bereikbaar.intake.models import Inbound
from bereikbaar.intake.worker import drain
from bereikbaar.realtime import events

from .conftest import ADDRESS, eml

pytestmark = pytest.mark.django_db

MAIL = "nested_inline_attachment.eml"  # a text, a PDF and a PNG
FILES = ["pakbon_48213__kopie.pdf", "schade.png"]


@pytest.fixture
def disk(settings, tmp_path):
    """The attachment store: `disk.broken()` makes every write fail, `disk.repaired()` heals."""
    working = tmp_path / "media"
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("the disk is not writable here")

    class Disk:
        root = working

        def _use(self, location: Path) -> None:
            default = settings.STORAGES["default"]
            settings.STORAGES = {
                **settings.STORAGES,
                "default": {**default, "OPTIONS": {**default["OPTIONS"], "location": location}},
            }

        def broken(self) -> None:
            self._use(blocker / "media")

        def repaired(self) -> None:
            self._use(working)

        def files(self) -> list[str]:
            return sorted(p.name for p in working.rglob("*") if p.is_file())

    disk = Disk()
    disk.repaired()
    return disk


@pytest.fixture
def pushed(monkeypatch):
    sent = []
    monkeypatch.setattr(
        "bereikbaar.realtime.publish.send_now", lambda groups, m: sent.append(m["event"])
    )
    return sent


def queued() -> list[list]:
    """The store_attachment runs waiting in the task queue, as their arguments."""
    rows = DBTaskResult.objects.filter(task_path__endswith="store_attachment")
    return sorted(row.args_kwargs["args"] for row in rows)


def deliver(raw: bytes, via: str = "smtp") -> Inbound:
    accepted = store(raw, to=[ADDRESS], sender="", via=via)
    drain()
    return Inbound.objects.get(pk=accepted.id)


def test_i18_the_mail_is_filed_at_once_and_its_files_follow_when_the_store_works_again(
    inbox, anna, client, disk, pushed, django_capture_on_commit_callbacks
):
    disk.broken()
    row = deliver(eml(MAIL))

    assert row.status == Inbound.Status.PROCESSED, row.error
    message = Message.objects.get()
    assert "beschadigde doos" in message.text  # the customer's words are filed
    [parsed] = parse(bytes(row.payload))
    pending = list(message.attachments.order_by("part"))
    assert [(a.filename, a.state, a.part, a.file.name) for a in pending] == [
        (safe(item.filename), "pending", part, "") for part, item in enumerate(parsed.attachments)
    ]
    assert sorted(a.filename for a in pending) == FILES
    assert all(a.size > 0 and a.error for a in pending)
    assert queued() == [[pending[0].pk], [pending[1].pk]]

    client.force_login(anna)  # the agent sees the message now, files marked as on their way
    page = client.get(f"/conversations/{message.conversation_id}/")
    assert page.status_code == 200
    assert message.text.split()[0] in page.text
    assert page.text.count("bijlage wordt nog opgeslagen") == 2

    disk.repaired()
    with django_capture_on_commit_callbacks(execute=True):
        assert [store_attachment.call(pk) for [pk] in queued()] == ["stored", "stored"]
    assert pushed.count(events.MESSAGE_UPDATED) == 2

    sent = {safe(a.filename): a.content for a in parsed.attachments}
    for attachment in message.attachments.all():
        assert attachment.state == "stored" and attachment.error == ""
        with attachment.file.open("rb") as f:
            assert f.read() == sent[attachment.filename]  # the very bytes the customer sent
    assert disk.files() == FILES

    # a second run of the same task (a worker that died after storing) stores nothing again
    assert [store_attachment.call(pk) for [pk] in queued()] == ["stored", "stored"]
    assert disk.files() == FILES
    page = client.get(f"/conversations/{message.conversation_id}/timeline/")
    assert "bijlage wordt nog opgeslagen" not in page.text and FILES[1] in page.text


def test_i18_a_store_that_stays_broken_ends_failed_visibly_after_the_last_try(
    inbox, anna, client, disk, pushed, django_capture_on_commit_callbacks
):
    disk.broken()
    deliver(eml(MAIL))
    first = Attachment.objects.order_by("part").first()

    states = []
    for attempt in range(MAX_ATTEMPTS):
        with django_capture_on_commit_callbacks(execute=True):
            states.append(store_attachment.call(first.pk, attempt))
    assert states == ["pending"] * (MAX_ATTEMPTS - 1) + ["failed"]
    # each failed try but the last put the next one in the queue, later each time
    retries = DBTaskResult.objects.filter(args_kwargs__args__0=first.pk).exclude(
        args_kwargs__args=[first.pk]
    )
    assert sorted(r.args_kwargs["args"][1] for r in retries) == list(range(1, MAX_ATTEMPTS))
    runs = sorted(retries, key=lambda r: r.args_kwargs["args"][1])
    assert all(a.run_after < b.run_after for a, b in zip(runs, runs[1:], strict=False))
    first.refresh_from_db()
    assert (first.state, first.attempts) == ("failed", MAX_ATTEMPTS) and first.error
    assert pushed.count(events.MESSAGE_UPDATED) == 1  # the inbox learns it failed

    client.force_login(anna)
    page = client.get(f"/conversations/{first.message.conversation_id}/")
    assert page.status_code == 200
    assert "bijlage kon niet worden opgeslagen" in page.text
    assert "bijlage wordt nog opgeslagen" in page.text  # the other one is still on its way

    disk.repaired()  # a failed attachment stays failed: nobody stores it behind the agent's back
    assert store_attachment.call(first.pk, 0) == "failed"
    assert disk.files() == []


def test_i18_a_duplicate_delivery_never_files_or_stores_an_attachment_twice(inbox, disk):
    disk.broken()
    raw = eml(MAIL)
    row = deliver(raw)
    assert deliver(raw).pk == row.pk  # the same mail by SMTP again: a duplicate, no row
    assert deliver(raw, via="imap").pk == row.pk  # and by IMAP: the same key
    # the worker filed the row and died before marking it done (two files on SQLite,
    # intake/router.py): the row is claimed and filed again
    Inbound.objects.filter(pk=row.pk).update(status=Inbound.Status.ACCEPTED)
    drain()
    assert Inbound.objects.get(pk=row.pk).status == Inbound.Status.PROCESSED

    assert Message.objects.count() == 1
    assert Attachment.objects.count() == 2
    assert len(queued()) == 2  # the second filing rolled back, and its tasks with it

    disk.repaired()
    for _ in range(2):  # each task delivered twice, as a queue may
        for [pk] in queued():
            store_attachment.call(pk)
    assert disk.files() == FILES
    assert Attachment.objects.filter(state="stored").count() == 2


def test_i18_an_erased_raw_mail_fails_the_attachment_at_once(inbox, disk):
    disk.broken()
    row = deliver(eml(MAIL))
    Inbound.objects.filter(pk=row.pk).update(payload=b"")  # what erasure and retention do
    disk.repaired()
    [pk] = queued()[0]
    assert store_attachment.call(pk) == "failed"
    assert "no longer kept" in Attachment.objects.get(pk=pk).error
    assert disk.files() == []


def test_i18_a_write_the_disk_cuts_short_leaves_no_file_behind(inbox, disk):
    deliver(eml("plain_nl.eml"))
    message = Message.objects.get()

    class CutShort(ContentFile):
        def chunks(self, chunk_size=None):
            yield b"%PDF-1.7 the first part reached the disk"
            raise OSError(errno.ENOSPC, "No space left on device")

    attachment = add_attachment(message, "factuur.pdf", b"x" * 100, "application/pdf")
    assert attachment.state == "stored"
    files_before = disk.files()

    from bereikbaar.conversations import attachments

    with pytest.raises(OSError):
        attachments._write(Attachment(message=message, filename="kapot.pdf"), CutShort(b""))
    assert disk.files() == files_before  # no truncated kapot.pdf


def test_a_channel_that_cannot_find_its_files_again_still_fails_the_filing(inbox, disk):
    deliver(eml("plain_nl.eml"))
    message = Message.objects.get()
    message.channel = "api"  # registered no store_later(): the OSError goes up, to quarantine
    disk.broken()
    with pytest.raises(OSError):
        add_attachment(message, "foto.jpg", b"\xff\xd8\xff", "image/jpeg")
    assert not Attachment.objects.exists()
