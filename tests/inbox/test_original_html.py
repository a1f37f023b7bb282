"""D2: an e-mail's original HTML is shown to its team only, in a sandboxed frame, under headers
that stop it running or loading anything; another team's agent gets the missing id's 404 and
a refusal in the audit log. (Chromium obeying those headers:
tests/browser/test_original_html.py.)"""

import re
from pathlib import Path

import pytest

from bereikbaar.channels.email.receive import store
from bereikbaar.conversations.models import AccessEntry, Conversation, Message
from bereikbaar.intake.models import Inbound

pytestmark = pytest.mark.django_db

HOSTILE = (Path(__file__).resolve().parents[1] / "data" / "email" / "xss_html.eml").read_bytes()
REFUSED = AccessEntry.Action.REFUSED


@pytest.fixture
def mail(service, anna, run_intake) -> Message:
    """The hostile HTML mail of the corpus, filed to Service (the default team)."""
    store(HOSTILE, to=["service@bedrijf.nl"])
    run_intake()
    return Message.objects.get(channel="email")


def page_url(message: Message) -> str:
    return f"/conversations/{message.conversation_id}/messages/{message.pk}/original/"


def html_url(message: Message) -> str:
    return page_url(message) + "html"


def test_the_timeline_links_to_the_original_of_a_mail_with_html(mail, anna_client):
    page = anna_client.get(f"/conversations/{mail.conversation_id}/").content.decode()
    assert f'href="{page_url(mail)}"' in page
    assert "Originele opmaak tonen" in page


def test_the_page_frames_it_sandboxed_with_no_permission(mail, anna_client):
    response = anna_client.get(page_url(mail))
    assert response.status_code == 200
    html = response.content.decode()
    [frame] = re.findall(r"<iframe\b[^>]*>", html)
    assert re.search(r"\ssandbox[\s>]", frame)  # present and empty: every restriction applies
    assert f'src="{html_url(mail)}"' in frame
    assert "allow-" not in html
    assert "Zo stuurde de afzender dit bericht." in html


def test_the_original_is_served_as_sent_under_a_sandboxing_policy(mail, anna_client):
    assert "<script>" not in mail.html  # the timeline's copy is sanitised
    response = anna_client.get(html_url(mail))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>document.location=" in body and 'onclick="steal()"' in body  # the original
    assert response["Content-Type"] == "text/html; charset=utf-8"
    policy = [d.strip() for d in response["Content-Security-Policy"].split(";")]
    walls = {"sandbox", "default-src 'none'", "img-src data:", "style-src 'unsafe-inline'"}
    assert walls <= set(policy)
    assert not any(d.startswith("script-src") for d in policy)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "no-store" in response["Cache-Control"]


def test_once_the_raw_mail_is_blanked_the_sanitised_copy_is_shown_and_said(mail, anna_client):
    Inbound.objects.update(payload=b"")  # what erasure and retention do to the raw copies
    response = anna_client.get(html_url(mail))
    assert response.content.decode() == mail.html
    assert "Content-Security-Policy" in response  # the same walls for the sanitised copy
    assert "niet meer bewaard" in anna_client.get(page_url(mail)).content.decode()


@pytest.mark.parametrize("url", [page_url, html_url])
def test_another_team_gets_the_missing_ids_404_and_an_audit_line(mail, bram_client, url):
    hidden = bram_client.get(url(mail))
    missing_conversation = bram_client.get(
        url(mail).replace(f"/conversations/{mail.conversation_id}/", "/conversations/999999/")
    )
    assert hidden.status_code == missing_conversation.status_code == 404
    assert hidden.content == missing_conversation.content
    rows = AccessEntry.objects.values_list("action", "actor__username", "conversation_id", "route")
    assert list(rows) == [(REFUSED, "bram", mail.conversation_id, f"GET {url(mail)}")]


@pytest.mark.parametrize("url", [page_url, html_url])
def test_a_message_of_another_team_through_ones_own_conversation_is_refused(
    mail, post_inbound, run_intake, bram, bram_client, billing, url
):
    assert post_inbound("ext-9", "Factuurvraag", email="piet@example.nl").status_code == 202
    run_intake()
    own = Conversation.objects.exclude(pk=mail.conversation_id).get()
    own.team = billing
    own.save(update_fields=["team"])
    probe = url(mail).replace(
        f"/conversations/{mail.conversation_id}/", f"/conversations/{own.pk}/"
    )
    absent = probe.replace(f"/messages/{mail.pk}/", "/messages/999999/")
    assert bram_client.get(probe).status_code == bram_client.get(absent).status_code == 404
    rows = AccessEntry.objects.filter(action=REFUSED).values_list("conversation_id", "route")
    assert list(rows) == [(mail.conversation_id, f"GET {probe}")]


def test_a_message_without_html_has_no_original(anna_client, conversation):
    message = conversation.messages.get()
    assert anna_client.get(page_url(message)).status_code == 404
    assert anna_client.get(html_url(message)).status_code == 404
    page = anna_client.get(f"/conversations/{conversation.pk}/").content.decode()
    assert "Originele opmaak tonen" not in page


def test_strangers_must_log_in(mail, client):
    assert client.get(html_url(mail)).status_code == 302
