"""The widget script, the full-page chat, the demo site and attachment uploads over HTTP."""

import pytest

from bereikbaar.channels.webchat.tokens import make_token
from bereikbaar.conversations.models import Attachment, Message
from bereikbaar.intake.worker import drain

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
VISITOR = "b" * 32


def test_widget_js_is_one_small_vanilla_script(client):
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert len(response.content) < 30 * 1024
    source = response.content.decode()
    assert "Chat met een mens" in source and "Chat with a person" in source
    assert "innerHTML" not in source  # messages are only ever shown as text


def test_chat_page_and_demo_site_embed_the_widget(client):
    page = client.get("/chat/?lang=en")
    assert page.status_code == 200
    assert b'data-mode="page"' in page.content and b'data-lang="en"' in page.content
    demo = client.get("/demo/site/")
    assert b'<script src="/widget.js" data-lang="nl">' in demo.content


@pytest.fixture
def upload(client):
    def post(content: bytes, name="meter.png", token=None, client_id="up-1"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return client.post(
            "/chat/upload",
            {"file": SimpleUploadedFile(name, content), "client_id": client_id},
            headers={"X-Visitor-Token": token if token is not None else make_token(VISITOR)},
        )

    return post


def test_attachment_is_sniffed_and_filed(upload, service):
    response = upload(PNG, name="meter.jpg")
    assert response.status_code == 202
    assert response["Access-Control-Allow-Origin"] == "*"
    assert upload(PNG, name="meter.jpg").json()["duplicate"] is True
    drain()
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"  # what the bytes are, not the name
    assert Message.objects.get().channel == "webchat"


def test_attachment_checks(upload, settings, db):
    settings.BEREIKBAAR_WEBCHAT_MAX_UPLOAD_BYTES = 1024
    assert upload(b"<script>alert(1)</script>", name="x.png").json()["error"] == "bad_type"
    assert upload(b"MZ\x90\x00" * 10, name="virus.pdf").status_code == 400
    too_big = upload(PNG + b"\x00" * 2048)
    assert (too_big.status_code, too_big.json()["error"]) == (413, "too_large")
    assert upload(PNG, token="forged").status_code == 401
    assert upload(PNG, client_id="bad id!").status_code == 400
