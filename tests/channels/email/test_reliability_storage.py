"""Catalogue I18: the attachment store fails (here: its directory cannot be created, a real
OSError from the file system) while a mail with attachments is filed. The 250 was already given
for the committed raw mail, so nothing may be lost: the row is kept whole and visible in
quarantine with the reason, no half-filed message appears, and once the store works again the
same row is filed exactly once, with its attachments."""

import pytest

from bereikbaar.channels.email.receive import store
from bereikbaar.conversations.models import Attachment, Message
from bereikbaar.intake.models import Inbound
from bereikbaar.intake.worker import drain, requeue

from .conftest import ADDRESS, eml

pytestmark = pytest.mark.django_db


def test_i18_a_broken_attachment_store_loses_nothing_and_files_once_after_repair(
    inbox, settings, tmp_path
):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("the disk is not writable here")
    working = settings.STORAGES["default"]["OPTIONS"]["location"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": blocker / "media"}},
    }
    raw = eml("nested_inline_attachment.eml")
    accepted = store(raw, to=[ADDRESS], sender="")
    drain()

    row = Inbound.objects.get(pk=accepted.id)
    assert row.status == Inbound.Status.QUARANTINED
    assert row.error  # the reason is shown, for the admin
    assert bytes(row.payload).endswith(raw)  # the raw mail is kept whole (after our envelope)
    assert not Message.objects.exists() and not Attachment.objects.exists()

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": working}},
    }
    assert requeue([row.pk]) == 1
    drain()
    row.refresh_from_db()
    assert row.status == Inbound.Status.PROCESSED
    [message] = Message.objects.all()
    assert sorted(a.filename for a in message.attachments.all()) == [
        "pakbon_48213__kopie.pdf",
        "schade.png",
    ]
    assert all(a.file.storage.exists(a.file.name) for a in message.attachments.all())
