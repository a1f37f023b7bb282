"""Reliability catalogue E3 for MMS media (docs/reliability-map.md): the media is streamed to
storage; a body over the size cap is refused with bounded memory whether its Content-Length
is missing, honest or lying (gzip: a small body on the wire that inflates past the cap), a
broken-off transfer is retried and nothing is half stored, and a normal body is stored
byte-exact."""

import hashlib
import tracemalloc
from pathlib import Path

import pytest

from bereikbaar.channels.sms.media import fetch_media
from bereikbaar.channels.sms.models import MediaDownload
from bereikbaar.conversations.models import Attachment, Message
from tests.conversations.body_server import BodyServer, gzipped_zeros, pattern

from .conftest import JPEG, form

MB = 1024 * 1024
MEDIA = "/2010-04-01/Accounts/AC/Messages/MM/Media/ME1"


@pytest.fixture
def server():
    started = BodyServer()
    yield started
    started.close()


@pytest.fixture
def mms(post_sms, run_intake, twilio, service, server, account):
    """An MMS filed, its media URL on the configured API base's host (127.0.0.1)."""
    assert post_sms(form("inbound_mms")).status_code == 200
    run_intake()
    download = MediaDownload.objects.get()
    MediaDownload.objects.filter(pk=download.pk).update(url=server.base + MEDIA)
    return download


def fetch_measured(download: MediaDownload) -> tuple[str, int]:
    """fetch_media's outcome and the peak of Python memory allocated meanwhile."""
    tracemalloc.start()
    try:
        status = fetch_media.call(download.pk)
        return status, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture
def nothing_stored(settings):
    """A check that no attachment row and no file in storage appeared during the test."""
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    before = {p for p in root.rglob("*") if p.is_file()}

    def check() -> None:
        assert not Attachment.objects.exists()
        assert {p for p in root.rglob("*") if p.is_file()} == before

    return check


@pytest.mark.parametrize("length", ["missing", "honest"])
def test_e3_a_30_mb_body_is_refused_with_bounded_memory(mms, server, nothing_stored, length):
    headers = {"Content-Type": "image/jpeg"}
    if length == "honest":
        headers["Content-Length"] = str(30 * MB)
    server.routes[MEDIA] = lambda: (200, headers, pattern(30 * MB, JPEG))
    status, peak = fetch_measured(mms)
    assert status == "failed"
    mms.refresh_from_db()
    assert "limit" in mms.error
    assert peak < 2 * MB, f"peak {peak} bytes"
    nothing_stored()


def test_e3_a_body_whose_content_length_lies_is_still_capped(mms, server, nothing_stored):
    bomb = gzipped_zeros(30 * MB)
    assert len(bomb) < 100 * 1024  # what Content-Length says is far below the cap
    headers = {
        "Content-Type": "image/jpeg",
        "Content-Encoding": "gzip",
        "Content-Length": str(len(bomb)),
    }
    server.routes[MEDIA] = (200, headers, [bomb])
    status, peak = fetch_measured(mms)
    assert status == "failed"
    mms.refresh_from_db()
    assert "over the limit" in mms.error
    assert peak < 2 * MB, f"peak {peak} bytes"
    nothing_stored()


def test_e3_a_transfer_that_breaks_off_is_retried_and_not_half_stored(mms, server, nothing_stored):
    headers = {"Content-Type": "image/jpeg", "Content-Length": str(MB)}
    server.routes[MEDIA] = (200, headers, [JPEG])
    assert fetch_media.call(mms.pk) == "pending"
    nothing_stored()


def test_e3_a_normal_body_is_stored_byte_exact(mms, server):
    size = 3 * MB + 17
    headers = {"Content-Type": "image/jpeg", "Content-Length": str(size)}
    server.routes[MEDIA] = lambda: (200, headers, pattern(size, JPEG))
    assert fetch_media.call(mms.pk) == "done"
    attachment = Message.objects.get().attachments.get()
    assert (attachment.size, attachment.content_type) == (size, "image/jpeg")
    expected = hashlib.sha256(b"".join(pattern(size, JPEG))).hexdigest()
    assert hashlib.sha256(Path(attachment.file.path).read_bytes()).hexdigest() == expected
