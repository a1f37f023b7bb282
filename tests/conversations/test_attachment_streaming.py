"""Reliability catalogue E3 (docs/reliability-map.md), the shared part: a download is spooled
to disk in chunks with the size cap enforced while reading; over the cap it is stopped after
cap + 1 bytes and nothing is stored; a body shorter than its Content-Length is not stored;
a body within the cap is stored byte-exact."""

import hashlib
import io
import os
from pathlib import Path

import pytest

from bereikbaar.contacts.resolve import resolve
from bereikbaar.conversations import attachments
from bereikbaar.conversations.attachments import (
    CHUNK,
    AttachmentTooLarge,
    IncompleteBody,
    spool,
    store,
)
from bereikbaar.conversations.models import Conversation, Message

from .body_server import pattern


class Endless:
    """A body that never ends; counts what was read from it."""

    def __init__(self) -> None:
        self.read_bytes = 0
        self.calls = 0

    def read(self, n: int) -> bytes:
        self.calls += 1
        self.read_bytes += n
        return b"x" * n


def test_an_endless_body_is_stopped_at_the_cap_plus_one_byte_and_its_file_removed(monkeypatch):
    made = []
    real = attachments.TemporaryUploadedFile

    def recording(*args):
        made.append(real(*args))
        return made[-1]

    monkeypatch.setattr(attachments, "TemporaryUploadedFile", recording)
    body = Endless()
    with pytest.raises(AttachmentTooLarge):
        spool(body.read, limit=3 * CHUNK + 10)
    assert body.read_bytes == 3 * CHUNK + 11
    assert body.calls == 4  # in chunks, not byte by byte
    assert not os.path.exists(made[0].temporary_file_path())


def test_a_content_length_over_the_cap_is_refused_before_reading():
    body = Endless()
    with pytest.raises(AttachmentTooLarge):
        spool(body.read, limit=100, expected=101)
    assert body.calls == 0


def test_a_body_shorter_than_its_content_length_is_not_kept():
    chunks = iter([b"abc", b""])
    with pytest.raises(IncompleteBody):
        spool(lambda n: next(chunks), limit=100, expected=10)


def test_a_body_at_the_cap_is_stored_byte_exact(db, settings):
    contact = resolve([("email", "klant@example.nl")], name="klant")
    conversation = Conversation.objects.create(contact=contact)
    message = Message.objects.create(
        conversation=conversation, direction="inbound", channel="email", text="bijlage"
    )
    size = 5 * CHUNK + 123
    expected = b"".join(pattern(size))
    read = io.BytesIO(expected).read
    with spool(read, limit=size, expected=size) as spooled:
        attachment = store(message, "foto.jpg", spooled, "image/jpeg")
    attachment.refresh_from_db()
    assert (attachment.filename, attachment.size) == ("foto.jpg", size)
    stored = Path(attachment.file.path)
    assert stored.is_relative_to(Path(settings.STORAGES["default"]["OPTIONS"]["location"]))
    assert hashlib.sha256(stored.read_bytes()).digest() == hashlib.sha256(expected).digest()
