"""Catalogue L3/L6 for WhatsApp: erasing a customer removes their service window and the file
names of what they sent, stops a download still waiting, and deletes their media at Meta
(`DELETE /{media-id}` → {"success": true}) unless Meta's 7 days are over already."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bereikbaar.channels.whatsapp.media import fetch_media
from bereikbaar.channels.whatsapp.models import CustomerWindow, MediaDownload
from bereikbaar.contacts.models import Contact
from bereikbaar.contacts.privacy import erase, export
from bereikbaar.contacts.provider_copies import ProviderDeletion
from bereikbaar.contacts.provider_erasure import delete_copy

from .conftest import JPEG, PDF, PHONE_NUMBER_ID, fixture, graph_error

pytestmark = pytest.mark.django_db

DIGITS = "612345678"  # Sanne, the fixtures' sender: +31612345678
PIET = "31687654321"
DOCUMENT, IMAGE = "1003383421387259", "1003383421387256"
FILENAME = "factuur-2025-11.pdf"


@pytest.fixture
def meta(graph):
    """The Graph stand-in, answering DELETE /{media-id} as the Cloud API does."""
    graph.server.RequestHandlerClass.do_DELETE = lambda handler: graph.handle(handler, None)
    plain = graph.answer

    def answer(record: dict):
        if record["method"] != "DELETE" or graph.queue:
            return plain(record)
        m = re.fullmatch(r"/v21\.0/(\d+)\?phone_number_id=(\d+)", record["path"])
        if m and m.group(2) == PHONE_NUMBER_ID and graph.media.pop(m.group(1), None):
            return 200, "application/json", b'{"success": true}'
        return graph_error(100, "Unsupported delete request.")

    graph.answer = answer
    return graph


def deletes(graph) -> list[str]:
    return [r["path"] for r in graph.requests if r["method"] == "DELETE"]


def with_id(name: str, wamid: str) -> bytes:
    data = json.loads(fixture(name))
    data["entry"][0]["changes"][0]["value"]["messages"][0]["id"] = wamid
    return json.dumps(data).encode()


@pytest.fixture
def sanne(meta, post_webhook, run_intake, customer_writes):
    meta.media[DOCUMENT] = ("application/pdf", PDF)
    meta.media[IMAGE] = ("image/jpeg", JPEG)
    assert post_webhook(with_id("document", "wamid.DOC")).status_code == 200
    assert post_webhook(with_id("image", "wamid.IMG")).status_code == 200
    run_intake()
    assert fetch_media.call(MediaDownload.objects.get(media_id=DOCUMENT).pk) == "done"
    customer_writes("Hallo, met Piet", sender=PIET)
    return Contact.objects.filter(identities__value="+31612345678").distinct().get()


def rows_text() -> str:
    parts = [list(CustomerWindow.objects.values()), list(MediaDownload.objects.values())]
    return json.dumps(parts, default=str)


def run(row: ProviderDeletion) -> str:
    DBTaskResult.objects.all().delete()
    return delete_copy.call(row.pk)


def test_the_window_and_the_file_names_go_and_piets_window_stays(sanne):
    assert DIGITS in rows_text() and FILENAME in rows_text()
    assert export(sanne)["whatsapp"]["windows"][0]["number"] == "+31612345678"
    counts = erase(sanne)
    assert (counts["whatsapp_windows"], counts["whatsapp_media"]) == (1, 2)
    assert DIGITS not in rows_text() and FILENAME not in rows_text()
    assert list(CustomerWindow.objects.values_list("wa_id", flat=True)) == ["+" + PIET]


def test_a_download_still_waiting_is_never_fetched(sanne, meta):
    waiting = MediaDownload.objects.get(media_id=IMAGE)
    assert waiting.status == "pending"
    erase(sanne)
    fetched = len(meta.requests)
    assert fetch_media.call(waiting.pk) == "failed"
    assert len(meta.requests) == fetched
    assert not MediaDownload.objects.filter(attachment__isnull=False).exists()


def test_media_is_deleted_at_meta(sanne, meta):
    erase(sanne)
    rows = ProviderDeletion.objects.filter(kind="whatsapp_media").order_by("object_id")
    assert [(r.account, r.object_id) for r in rows] == [
        (PHONE_NUMBER_ID, IMAGE),
        (PHONE_NUMBER_ID, DOCUMENT),
    ]
    assert [run(r) for r in rows] == ["done", "done"]
    assert sorted(deletes(meta)) == [
        f"/v21.0/{media}?phone_number_id={PHONE_NUMBER_ID}" for media in (IMAGE, DOCUMENT)
    ]
    assert meta.media == {}
    assert {r.answer for r in ProviderDeletion.objects.all()} == {'200 {"success": true}'}


def test_media_older_than_7_days_is_gone_without_asking(sanne, meta):
    MediaDownload.objects.filter(media_id=DOCUMENT).update(
        created_at=timezone.now() - timedelta(days=7, minutes=1)
    )
    erase(sanne)
    row = ProviderDeletion.objects.get(object_id=DOCUMENT)
    assert run(row) == "gone"
    assert deletes(meta) == []
    row.refresh_from_db()
    assert "expired" in row.answer


def test_an_id_meta_no_longer_has_is_gone(sanne, meta):
    erase(sanne)
    del meta.media[IMAGE]  # deleted meanwhile
    row = ProviderDeletion.objects.get(object_id=IMAGE)
    assert run(row) == "gone"
    assert len(deletes(meta)) == 1


def test_a_graph_outage_is_tried_again_later(sanne, meta):
    erase(sanne)
    row = ProviderDeletion.objects.get(object_id=IMAGE)
    meta.queue.append(graph_error(2, "Service temporarily unavailable", status=503))
    assert run(row) == "pending"
    row.refresh_from_db()
    assert row.attempts == 1 and "Service temporarily unavailable" in row.answer
    assert run(row) == "done"
