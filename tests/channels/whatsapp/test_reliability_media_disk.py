"""Catalogue I18 for WhatsApp media: a full disk (the attachment store or the temporary file
fails with a real OSError from the file system) is retried with the media back-off, lands once
the disk works again and tells the open inbox; a disk that stays broken fails the download
visibly; a download an erasure failed while it ran keeps no file."""

from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult

from bereikbaar.channels.whatsapp import media as media_module
from bereikbaar.channels.whatsapp.erasure import ERASED
from bereikbaar.channels.whatsapp.media import MAX_ATTEMPTS, fetch_media
from bereikbaar.channels.whatsapp.models import MediaDownload
from bereikbaar.conversations.models import Attachment, Message
from bereikbaar.realtime import events

from .conftest import JPEG

MEDIA_ID = "1003383421387256"  # the image fixture's media id


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

        def no_temp(self) -> None:
            settings.FILE_UPLOAD_TEMP_DIR = str(blocker / "tmp")

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
def image(post_webhook, run_intake, graph, service) -> MediaDownload:
    graph.media[MEDIA_ID] = ("image/jpeg", JPEG)
    assert post_webhook("image").status_code == 200
    run_intake()
    return MediaDownload.objects.get()


def retries(download: MediaDownload) -> list[list]:
    rows = DBTaskResult.objects.filter(task_path__endswith="whatsapp.media.fetch_media")
    return sorted(r.args_kwargs["args"] for r in rows if r.args_kwargs["args"][1:])


def test_i18_a_full_store_is_retried_and_the_file_lands_when_the_disk_works_again(
    image, disk, pushed, django_capture_on_commit_callbacks
):
    disk.broken()
    assert fetch_media.call(image.pk) == "pending"
    image.refresh_from_db()
    assert image.attempts == 1 and "disk" in image.error
    assert retries(image) == [[image.pk, 1]]
    assert not Attachment.objects.exists() and disk.files() == []

    disk.repaired()
    with django_capture_on_commit_callbacks(execute=True):
        assert fetch_media.call(image.pk, 1) == "done"
    attachment = Message.objects.get().attachments.get()
    with attachment.file.open("rb") as f:
        assert f.read() == JPEG
    assert pushed.count(events.MESSAGE_UPDATED) == 1  # the open inbox shows the file
    image.refresh_from_db()
    assert (image.status, image.error, image.attachment_id) == ("done", "", attachment.pk)


def test_i18_a_temporary_file_that_cannot_be_written_is_retried(image, disk, settings):
    disk.no_temp()
    assert fetch_media.call(image.pk) == "pending"
    image.refresh_from_db()
    assert "temporary file" in image.error
    assert retries(image) == [[image.pk, 1]]
    settings.FILE_UPLOAD_TEMP_DIR = None  # the system default again
    assert fetch_media.call(image.pk, 1) == "done"


def test_i18_a_disk_that_stays_full_fails_the_download_visibly(
    image, disk, pushed, django_capture_on_commit_callbacks
):
    disk.broken()
    with django_capture_on_commit_callbacks(execute=True):
        states = [fetch_media.call(image.pk, attempt) for attempt in range(MAX_ATTEMPTS)]
    assert states == ["pending"] * (MAX_ATTEMPTS - 1) + ["failed"]
    image.refresh_from_db()
    assert (image.status, image.attempts) == ("failed", MAX_ATTEMPTS) and "disk" in image.error
    assert pushed.count(events.MESSAGE_UPDATED) == 1  # told once, when it failed for good
    assert not Attachment.objects.exists()


def test_i18_a_download_erased_while_it_ran_keeps_no_file(image, disk, monkeypatch):
    fetched = media_module.fetch

    def erased_meanwhile(download):
        result = fetched(download)
        MediaDownload.objects.filter(pk=download.pk).update(status="failed", error=ERASED)
        return result

    monkeypatch.setattr(media_module, "fetch", erased_meanwhile)
    assert fetch_media.call(image.pk) == "failed"
    image.refresh_from_db()
    assert (image.status, image.error, image.attachment_id) == ("failed", ERASED, None)
    assert not Attachment.objects.exists() and disk.files() == []


def test_i18_a_retry_never_revives_a_download_an_erasure_failed(image, disk, monkeypatch):
    def erased_then_unreachable(download):
        MediaDownload.objects.filter(pk=download.pk).update(status="failed", error=ERASED)
        raise media_module.graph.GraphError("the Graph API is unreachable", transient=True)

    monkeypatch.setattr(media_module, "fetch", erased_then_unreachable)
    assert fetch_media.call(image.pk) == "failed"
    assert retries(image) == []
    image.refresh_from_db()
    assert (image.status, image.error) == ("failed", ERASED)
