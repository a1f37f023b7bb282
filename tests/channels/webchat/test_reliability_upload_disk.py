"""Catalogue I18 for chat uploads: the upload endpoint only accepts (the file travels inside the
payload intake commits); the store is written when the worker files the message. A full disk
there (a real OSError from the file system) must not quarantine the visitor's message: it is
filed at once with its file pending, and a task stores the very bytes the visitor sent, found
again in the kept payload, once the disk works again (and tells the open inbox). When the
upload cannot even be accepted (a full disk under Django's temporary upload file, a full or
unreachable database), the endpoint answers 507/503 in the widget's JSON shape with a message
the widget shows; the visitor's typed words go by the socket all the same."""

import errno
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.db import OperationalError
from django_tasks_db.models import DBTaskResult

from bereikbaar.channels.webchat import upload as upload_module
from bereikbaar.channels.webchat.pending import MAX_ATTEMPTS, store_attachment
from bereikbaar.channels.webchat.session import take_message
from bereikbaar.channels.webchat.tokens import make_token
from bereikbaar.conversations.models import Attachment, Message
from bereikbaar.intake.models import Inbound
from bereikbaar.intake.worker import drain
from bereikbaar.realtime import events

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
VISITOR = "c" * 32


@pytest.fixture
def disk(settings, tmp_path):
    """The attachment store: `disk.broken()` makes every write fail, `disk.repaired()` heals."""
    working = tmp_path / "media"
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("the disk is not writable here")

    class Disk:
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


@pytest.fixture
def upload(client, service):
    def post(content: bytes = PNG, name: str = "meterkast foto.png", client_id: str = "up-1"):
        response = client.post(
            "/chat/upload",
            {"file": SimpleUploadedFile(name, content), "client_id": client_id},
            headers={"X-Visitor-Token": make_token(VISITOR)},
        )
        assert response.status_code == 202, response.content
        drain()
        return Inbound.objects.get(channel="webchat", dedupe_key=f"{VISITOR}:{client_id}")

    return post


def queued() -> list[list]:
    rows = DBTaskResult.objects.filter(task_path__endswith="webchat.pending.store_attachment")
    return sorted(row.args_kwargs["args"] for row in rows)


def test_i18_the_upload_is_filed_at_once_and_its_file_follows_when_the_disk_works_again(
    upload, disk, pushed, django_capture_on_commit_callbacks
):
    disk.broken()
    row = upload()
    assert row.status == Inbound.Status.PROCESSED, row.error  # not quarantined
    message = Message.objects.get()
    assert message.text == "[bijlage: meterkast foto.png]"
    attachment = message.attachments.get()
    assert (attachment.state, attachment.part, attachment.size) == ("pending", 0, len(PNG))
    assert attachment.file.name == "" and attachment.error
    assert queued() == [[attachment.pk]]

    disk.repaired()
    with django_capture_on_commit_callbacks(execute=True):
        assert store_attachment.call(attachment.pk) == "stored"
    assert pushed.count(events.MESSAGE_UPDATED) == 1
    attachment.refresh_from_db()
    assert (attachment.state, attachment.error) == ("stored", "")
    with attachment.file.open("rb") as f:
        assert f.read() == PNG  # the very bytes the visitor sent
    assert store_attachment.call(attachment.pk) == "stored"  # a second run stores nothing
    assert len(disk.files()) == 1


def test_i18_a_disk_that_stays_full_fails_the_file_visibly(
    upload, disk, pushed, django_capture_on_commit_callbacks
):
    disk.broken()
    upload()
    attachment = Attachment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        states = [store_attachment.call(attachment.pk, n) for n in range(MAX_ATTEMPTS)]
    assert states == ["pending"] * (MAX_ATTEMPTS - 1) + ["failed"]
    retries = sorted(a[1] for a in queued() if a[1:])
    assert retries == list(range(1, MAX_ATTEMPTS))
    assert pushed.count(events.MESSAGE_UPDATED) == 1
    disk.repaired()
    assert store_attachment.call(attachment.pk, 0) == "failed"
    assert disk.files() == []


def test_i18_an_erased_payload_fails_the_file_at_once(upload, disk):
    disk.broken()
    row = upload()
    Inbound.objects.filter(pk=row.pk).update(payload=b"")  # what erasure and retention do
    disk.repaired()
    [[pk]] = queued()
    assert store_attachment.call(pk) == "failed"
    assert "no longer kept" in Attachment.objects.get(pk=pk).error
    assert disk.files() == []


class FullDisk(FileUploadHandler):
    """Django's upload handler as it fails on a full disk: the temporary file cannot be made."""

    def new_file(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


def post_upload(client, lang: str = "nl"):
    return client.post(
        f"/chat/upload?lang={lang}",
        {"file": SimpleUploadedFile("meter.png", PNG), "client_id": "up-9"},
        headers={"X-Visitor-Token": make_token(VISITOR)},
    )


def assert_not_stored(response, status: int, message: str) -> None:
    assert response.status_code == status
    assert response.json() == {"error": "not_stored", "message": message}
    assert response["Retry-After"] == "60" and response["Access-Control-Allow-Origin"] == "*"
    assert not Inbound.objects.exists()  # nothing was accepted, so nothing is lost


DUTCH = "Het kon nu niet worden opgeslagen; probeer het later opnieuw."


def test_i18_an_upload_the_full_disk_cannot_spool_answers_507_the_widget_can_show(
    client, service, settings
):
    settings.FILE_UPLOAD_HANDLERS = [f"{__name__}.FullDisk"]
    assert_not_stored(post_upload(client), 507, DUTCH)
    english = "It could not be stored just now; please try again later."
    assert_not_stored(post_upload(client, "en"), 507, english)


def test_i18_a_broken_temporary_directory_answers_503_and_the_visitors_words_still_go(
    client, service, settings, tmp_path, disk
):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a directory")
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload spooled to a temporary file
    settings.FILE_UPLOAD_TEMP_DIR = str(blocker / "tmp")
    disk.broken()
    assert_not_stored(post_upload(client), 503, DUTCH)
    take_message(VISITOR, {"client_id": "t-1", "text": "Mijn meter loopt terug"}, None, "nl")
    drain()
    assert Message.objects.get().text == "Mijn meter loopt terug"


def test_i18_a_full_database_answers_503_in_the_widgets_shape(client, service, monkeypatch):
    def full(*args, **kwargs):
        raise OperationalError("database or disk is full")

    monkeypatch.setattr(upload_module, "take_message", full)
    assert_not_stored(post_upload(client), 503, DUTCH)
