"""Reliability catalogue D3/D5 for WhatsApp (docs/reliability-map.md): hostile text in fields
that are not the body (profile.name, a document's filename) never renders as markup."""

import json

from bereikbaar.conversations.models import Conversation

from .conftest import fixture

NAME = "<img src=x onerror=alert('naam')>"
FILENAME = "<svg onload=alert(1)>invoice\u202efdp.exe"


def test_d3_profile_name_and_filename_are_escaped_in_every_inbox_view(
    post_webhook, run_intake, client, anna
):
    data = json.loads(fixture("document"))
    value = data["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["profile"]["name"] = NAME
    value["messages"][0]["document"]["filename"] = FILENAME
    assert post_webhook(json.dumps(data).encode()).status_code == 200
    run_intake()
    conversation = Conversation.objects.get()
    assert conversation.contact.name == NAME  # stored as sent: escaping is the renderer's job
    client.force_login(anna)
    for url in (
        "/",
        f"/conversations/{conversation.pk}/",
        f"/conversations/{conversation.pk}/timeline/",
    ):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "<img src=x" not in html and "<svg onload" not in html, url
    assert "&lt;img src=x onerror=alert(&#x27;naam&#x27;)&gt;" in html


def test_d5_a_filename_never_carries_bidi_controls(post_webhook, run_intake, service):
    from bereikbaar.conversations.attachments import add_attachment
    from bereikbaar.conversations.models import Message

    data = json.loads(fixture("document"))
    data["entry"][0]["changes"][0]["value"]["messages"][0]["document"]["filename"] = FILENAME
    assert post_webhook(json.dumps(data).encode()).status_code == 200
    run_intake()
    message = Message.objects.get()
    assert "\u202e" not in message.text and "invoicefdp.exe" in message.text
    stored = add_attachment(message, FILENAME, b"MZ", "application/octet-stream")
    assert "\u202e" not in stored.filename
