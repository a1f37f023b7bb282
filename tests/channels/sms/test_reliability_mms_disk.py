"""Catalogue I18 for MMS media: a full disk (the attachment store or the temporary file fails
with a real OSError from the file system) is retried with the media back-off, named as our
disk (not as Twilio trouble), lands once the disk works again and tells the open inbox; a disk
that stays broken fails the download visibly; a download failed while it ran keeps no file."""

from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult

from bereikbaar.channels.sms import media as media_module
from bereikbaar.channels.sms.media import MAX_ATTEMPTS, fetch_media
from bereikbaar.channels.sms.models import MediaDownload
from bereikbaar.conversations.models import Attachment, Message
from bereikbaar.realtime import events

from .conftest import JPEG, form

MEDIA_ID = "ME0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f"  # the inbound_mms fixture's media


@pytest.fixture
def disk(settings, tmp_path):
    """The attachment store: `disk.broken()` makes every write fail, `disk.repaired()` heals;
    `disk.no_temp()` makes the temporary file of a download impossible."""
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
            settings.FILE_UPLOAD_TEMP_DIR = None

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
def mms(post_sms, run_intake, twilio, service) -> MediaDownload:
    twilio.media[MEDIA_ID] = ("image/jpeg", JPEG)
    params = form("inbound_mms")
    params["MediaUrl0"] = params["MediaUrl0"].replace("https://api.twilio.com", twilio.base)
    assert post_sms(params).status_code == 200
    run_intake()
    return MediaDownload.objects.get()


def retries() -> list[list]:
    rows = DBTaskResult.objects.filter(task_path__endswith="sms.media.fetch_media")
    return sorted(r.args_kwargs["args"] for r in rows if r.args_kwargs["args"][1:])


@pytest.mark.parametrize("broken", ["broken", "no_temp"])
def test_i18_a_full_disk_is_retried_and_the_file_lands_when_it_works_again(
    mms, disk, pushed, django_capture_on_commit_callbacks, broken
):
    getattr(disk, broken)()
    assert fetch_media.call(mms.pk) == "pending"
    mms.refresh_from_db()
    assert mms.attempts == 1 and "disk" in mms.error and "Twilio" not in mms.error
    assert retries() == [[mms.pk, 1]]
    assert not Attachment.objects.exists() and disk.files() == []

    disk.repaired()
    with django_capture_on_commit_callbacks(execute=True):
        assert fetch_media.call(mms.pk, 1) == "done"
    attachment = Message.objects.get().attachments.get()
    with attachment.file.open("rb") as f:
        assert f.read() == JPEG
    assert pushed.count(events.MESSAGE_UPDATED) == 1  # the open inbox shows the file
    mms.refresh_from_db()
    assert (mms.status, mms.error, mms.attachment_id) == ("done", "", attachment.pk)


def test_i18_a_disk_that_stays_full_fails_the_download_visibly(
    mms, disk, pushed, django_capture_on_commit_callbacks
):
    disk.broken()
    with django_capture_on_commit_callbacks(execute=True):
        states = [fetch_media.call(mms.pk, attempt) for attempt in range(MAX_ATTEMPTS)]
    assert states == ["pending"] * (MAX_ATTEMPTS - 1) + ["failed"]
    mms.refresh_from_db()
    assert (mms.status, mms.attempts) == ("failed", MAX_ATTEMPTS) and "disk" in mms.error
    assert pushed.count(events.MESSAGE_UPDATED) == 1  # told once, when it failed for good
    disk.repaired()  # failed stays failed: nothing is stored behind the agent's back
    assert fetch_media.call(mms.pk, 0) == "failed"
    assert not Attachment.objects.exists() and disk.files() == []


def test_i18_a_download_failed_while_it_ran_keeps_no_file(mms, disk, monkeypatch):
    fetched = media_module.fetch

    def failed_meanwhile(download):
        result = fetched(download)
        MediaDownload.objects.filter(pk=download.pk).update(status="failed", error="gewist")
        return result

    monkeypatch.setattr(media_module, "fetch", failed_meanwhile)
    assert fetch_media.call(mms.pk) == "failed"
    mms.refresh_from_db()
    assert (mms.status, mms.error, mms.attachment_id) == ("failed", "gewist", None)
    assert not Attachment.objects.exists() and disk.files() == []
    assert retries() == []
