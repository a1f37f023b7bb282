"""Reliability catalogue E3 for WhatsApp media (docs/reliability-map.md): the media is streamed
to storage; a body over the size cap is refused with bounded memory whatever its Content-Length
says (missing, or a file_size from the Graph API that lies), a transfer shorter than its
Content-Length is retried and nothing is half stored, and a normal body is stored byte-exact."""

import hashlib
import tracemalloc
from pathlib import Path

import pytest

from bereikbaar.channels.whatsapp import graph as graph_module
from bereikbaar.channels.whatsapp.media import fetch_media
from bereikbaar.channels.whatsapp.models import MediaDownload
from bereikbaar.conversations.models import Attachment, Message
from tests.conversations.body_server import BodyServer, pattern

from .conftest import JPEG

MB = 1024 * 1024


@pytest.fixture
def server():
    started = BodyServer()
    yield started
    started.close()


@pytest.fixture
def download(post_webhook, run_intake, service, server, monkeypatch) -> MediaDownload:
    """An image message filed; the Graph API points its media at /files/1 on `server`, on the
    configured API base's host (127.0.0.1), claiming a small file_size."""
    assert post_webhook("image").status_code == 200
    run_intake()
    info = {"url": f"{server.base}/files/1", "mime_type": "image/jpeg", "file_size": "4096"}
    monkeypatch.setattr(graph_module, "call", lambda *a, **k: info)
    return MediaDownload.objects.get()


@pytest.fixture
def nothing_stored(settings):
    """A check that no attachment row and no file in storage appeared during the test."""
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    before = {p for p in root.rglob("*") if p.is_file()}

    def check() -> None:
        assert not Attachment.objects.exists()
        assert {p for p in root.rglob("*") if p.is_file()} == before

    return check


def test_e3_a_30_mb_body_without_content_length_is_refused_with_bounded_memory(
    download, server, nothing_stored
):
    server.routes["/files/1"] = lambda: (
        200,
        {"Content-Type": "image/jpeg"},
        pattern(30 * MB, JPEG),
    )
    tracemalloc.start()
    try:
        assert fetch_media.call(download.pk) == "failed"
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2 * MB, f"peak {peak} bytes"
    download.refresh_from_db()
    assert "over the limit" in download.error
    assert server.seen == [("/files/1", "Bearer EAAG-test-token")]
    nothing_stored()


def test_e3_a_transfer_shorter_than_its_content_length_is_retried(download, server, nothing_stored):
    headers = {"Content-Type": "image/jpeg", "Content-Length": "4096"}
    server.routes["/files/1"] = (200, headers, [JPEG])
    assert fetch_media.call(download.pk) == "pending"
    download.refresh_from_db()
    assert "broke off" in download.error
    nothing_stored()


def test_e3_a_normal_body_is_stored_byte_exact(download, server):
    size = 3 * MB + 5
    headers = {"Content-Type": "image/jpeg", "Content-Length": str(size)}
    server.routes["/files/1"] = lambda: (200, headers, pattern(size, JPEG))
    assert fetch_media.call(download.pk) == "done"
    attachment = Message.objects.get().attachments.get()
    assert (attachment.size, attachment.content_type) == (size, "image/jpeg")
    expected = hashlib.sha256(b"".join(pattern(size, JPEG))).hexdigest()
    assert hashlib.sha256(Path(attachment.file.path).read_bytes()).hexdigest() == expected
