"""Media are fetched by a task through the Graph API stand-in, checked, stored, retried."""

import json

from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from bereikbaar.channels.whatsapp.media import fetch_media
from bereikbaar.channels.whatsapp.models import MediaDownload
from bereikbaar.conversations.models import Message

from .conftest import JPEG, OGG, PDF, fixture


def receive(post_webhook, run_intake, name: str) -> MediaDownload:
    assert post_webhook(name).status_code == 200
    run_intake()
    return MediaDownload.objects.get()


def test_an_image_is_fetched_and_stored_as_an_attachment(post_webhook, run_intake, graph, service):
    graph.media["1003383421387256"] = ("image/jpeg", JPEG)
    download = receive(post_webhook, run_intake, "image")
    assert download.status == "pending"
    assert DBTaskResult.objects.filter(task_path__endswith="fetch_media").count() == 1
    assert fetch_media.call(download.pk) == "done"
    attachment = Message.objects.get().attachments.get()
    assert (attachment.content_type, attachment.size) == ("image/jpeg", len(JPEG))
    assert attachment.filename == "whatsapp-image.jpg"
    assert attachment.file.read() == JPEG
    paths = [r["path"] for r in graph.requests]
    assert paths == ["/v21.0/1003383421387256", "/v21.0/files/1003383421387256"]
    assert {r["auth"] for r in graph.requests} == {"Bearer EAAG-test-token"}


def test_a_document_keeps_its_filename(post_webhook, run_intake, graph, service):
    graph.media["1003383421387259"] = ("application/pdf", PDF)
    download = receive(post_webhook, run_intake, "document")
    fetch_media.call(download.pk)
    assert Message.objects.get().attachments.get().filename == "factuur-2025-11.pdf"


def test_a_voice_note_with_codec_parameters_is_accepted(post_webhook, run_intake, graph, service):
    graph.media["1003383421387257"] = ("audio/ogg; codecs=opus", OGG)
    download = receive(post_webhook, run_intake, "audio")
    assert fetch_media.call(download.pk) == "done"
    assert Message.objects.get().attachments.get().content_type == "audio/ogg"


def test_a_download_that_lies_about_its_type_is_refused(post_webhook, run_intake, graph, service):
    graph.media["1003383421387256"] = ("image/jpeg", PDF)
    download = receive(post_webhook, run_intake, "image")
    assert fetch_media.call(download.pk) == "failed"
    download.refresh_from_db()
    assert "application/pdf" in download.error
    assert not Message.objects.get().attachments.exists()


def test_a_failing_download_is_retried_then_succeeds(post_webhook, run_intake, graph, service):
    graph.media["1003383421387256"] = ("image/jpeg", JPEG)
    download = receive(post_webhook, run_intake, "image")
    graph.queue.append((503, "text/plain", b"busy"))
    assert fetch_media.call(download.pk) == "pending"
    download.refresh_from_db()
    assert (download.attempts, download.error) == (1, "503 HTTP 503")
    retries = DBTaskResult.objects.filter(task_path__endswith="fetch_media")
    assert [download.pk, 1] in [t.args_kwargs["args"] for t in retries]
    assert fetch_media.call(download.pk, 1) == "done"


def test_an_unknown_media_id_fails_visibly(post_webhook, run_intake, graph, service):
    download = receive(post_webhook, run_intake, "image")
    assert fetch_media.call(download.pk) == "failed"
    download.refresh_from_db()
    assert download.error.startswith("100 Unsupported get request")


def test_an_oversize_media_is_refused(post_webhook, run_intake, graph, service):
    graph.media["1003383421387256"] = ("image/jpeg", JPEG)
    download = receive(post_webhook, run_intake, "image")
    with override_settings(BEREIKBAAR_MAX_ATTACHMENT_BYTES=10):
        assert fetch_media.call(download.pk) == "failed"
    download.refresh_from_db()
    assert "limit" in download.error


def test_media_urls_off_the_allowed_hosts_are_not_fetched(
    post_webhook, run_intake, graph, service, monkeypatch
):
    from bereikbaar.channels.whatsapp import graph as graph_module

    download = receive(post_webhook, run_intake, "image")
    monkeypatch.setattr(
        graph_module, "call", lambda *a, **k: {"url": "http://169.254.169.254/latest/meta-data"}
    )
    assert fetch_media.call(download.pk) == "failed"
    download.refresh_from_db()
    assert "refusing" in download.error


def test_a_resent_webhook_schedules_no_second_download(post_webhook, run_intake, graph, service):
    receive(post_webhook, run_intake, "image")
    resent = json.dumps(json.loads(fixture("image")), indent=2).encode()
    assert post_webhook(resent).status_code == 200
    run_intake()
    assert MediaDownload.objects.count() == 1
    assert DBTaskResult.objects.filter(task_path__endswith="fetch_media").count() == 1


def test_the_inbox_sees_a_failed_download_with_its_reason(post_webhook, run_intake, graph, service):
    from bereikbaar.channels.whatsapp.panel import media_for

    download = receive(post_webhook, run_intake, "image")
    fetch_media.call(download.pk)
    [shown] = media_for(Message.objects.get())
    assert shown.status == "failed"
    assert shown.error
