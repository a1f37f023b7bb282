"""The inbox pages: login, list with filters and counts, detail, and the fragments."""

import json
import re

import pytest
from django.test import Client

from bereikbaar.conversations.models import CannedResponse, Conversation, Message
from bereikbaar.routing.casework import set_status
from tests.conftest import make_agent

pytestmark = pytest.mark.django_db


def count(html: str, data_filter: str) -> int:
    """The number shown beside one filter option."""
    match = re.search(
        rf'data-filter="{re.escape(data_filter)}"[^>]*>[^<]*<span class="count">(\d+)</span>',
        html,
    )
    assert match, f"no filter {data_filter} in page"
    return int(match.group(1))


@pytest.mark.parametrize(
    "path", ["/", "/fragments/list/", "/conversations/1/", "/conversations/1/timeline/"]
)
def test_pages_need_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("action", ["reply", "note", "assign", "status", "tags"])
def test_actions_need_login(client, conversation, action):
    response = client.post(f"/conversations/{conversation.pk}/{action}/", {"text": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert conversation.messages.count() == 1


@pytest.mark.parametrize("path", ["/fragments/list/", "/conversations/1/timeline/"])
def test_fragment_after_logout_redirects_whole_page(client, path):
    response = client.get(
        path, headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/?view=mine"}
    )
    assert response["HX-Redirect"] == "/login/?next=/%3Fview%3Dmine"


def test_login_and_logout(client, anna):
    page = client.get("/login/")
    assert page.status_code == 200
    assert b'for="id_username"' in page.content
    wrong = client.post("/login/", {"username": "anna", "password": "fout"})
    assert wrong.status_code == 200
    assert b'role="alert"' in wrong.content
    response = client.post("/login/", {"username": "anna", "password": "geheim-wachtwoord"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_list_shows_visible_conversations(anna_client, conversation):
    html = anna_client.get("/").content.decode()
    assert "Karin Klant" in html
    assert f'href="/conversations/{conversation.pk}/"' in html


def test_list_filters_and_counts(service, anna, anna_client, post_inbound, run_intake):
    for i, email in enumerate(["a@example.nl", "b@example.nl", "c@example.nl"]):
        post_inbound(f"ext-{i}", f"Vraag {i}", email=email, name=f"Klant {i}")
    run_intake()
    first, second, third = Conversation.objects.order_by("id")
    Conversation.objects.filter(pk=first.pk).update(assignee=anna)
    Conversation.objects.filter(pk__in=[second.pk, third.pk]).update(assignee=None)
    set_status(third, Conversation.Status.RESOLVED)

    html = anna_client.get("/").content.decode()
    # Default: active conversations of every view.
    assert count(html, "view-all") == 2
    assert count(html, "view-mine") == 1
    assert count(html, "view-unassigned") == 1
    assert count(html, "status-resolved") == 1
    assert count(html, "status-any") == 3
    assert count(html, "channel-api") == 2
    assert count(html, "channel-email") == 0
    assert count(html, f"team-{service.pk}") == 2

    mine = anna_client.get("/?view=mine").content.decode()
    assert "Klant 0" in mine and "Klant 1" not in mine
    # Counts for the other dimensions follow the chosen view.
    assert count(mine, "status-any") == 1

    unassigned = anna_client.get("/?view=unassigned").content.decode()
    assert "Klant 1" in unassigned and "Klant 0" not in unassigned

    resolved = anna_client.get("/?status=resolved").content.decode()
    assert "Klant 2" in resolved and "Klant 1" not in resolved

    by_channel = anna_client.get("/?channel=email&status=any").content.decode()
    assert "Geen gesprekken" in by_channel

    fragment = anna_client.get("/fragments/list/?view=mine")
    assert fragment.status_code == 200
    assert b"<html" not in fragment.content and b"Klant 0" in fragment.content


def test_bad_filter_values_fall_back(anna_client, conversation):
    response = anna_client.get("/?view=everyone&status=zzz&channel=fax&team=abc")
    assert response.status_code == 200
    assert b"Karin Klant" in response.content


def test_other_team_never_listed(bram_client, conversation):
    html = bram_client.get("/?status=any").content.decode()
    assert "Karin Klant" not in html
    assert count(html, "view-all") == 0
    # A crafted team filter cannot widen what bram sees.
    crafted = bram_client.get(f"/?team={conversation.team_id}").content.decode()
    assert "Karin Klant" not in crafted


def test_detail_shows_timeline_contact_and_forms(
    anna_client, conversation, post_inbound, run_intake
):
    CannedResponse.objects.create(shortcut="excuses", title="Excuses", text="Onze excuses!")
    html = anna_client.get(f"/conversations/{conversation.pk}/").content.decode()
    assert "Mijn pakket is niet aangekomen" in html
    assert "klant@example.nl" in html  # every identity in the contact panel
    assert 'id="reply-text"' in html and 'id="note-text"' in html
    assert 'value="api" selected' in html  # default channel: the last inbound one
    assert 'data-text="Onze excuses!"' in html
    assert 'role="log"' in html and 'aria-live="polite"' in html
    # Routed to anna (online in Service): the assign select shows her chosen.
    assert f'<option value="{conversation.assignee_id}" selected>anna</option>' in html


def test_detail_lists_other_visible_conversations(anna_client, conversation, service, billing):
    other = Conversation.objects.create(contact=conversation.contact, subject="Oud", team=service)
    hidden = Conversation.objects.create(
        contact=conversation.contact, subject="Geheim", team=billing
    )
    html = anna_client.get(f"/conversations/{conversation.pk}/").content.decode()
    assert f"#{other.pk} Oud" in html
    assert "Geheim" not in html and f"/conversations/{hidden.pk}/" not in html


def test_timeline_fragment(anna_client, conversation):
    response = anna_client.get(f"/conversations/{conversation.pk}/timeline/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Mijn pakket is niet aangekomen" in html
    assert "API" in html and "binnenkomend" in html and "ontvangen" in html


def test_reply_creates_queued_outbound(anna, anna_client, conversation):
    response = anna_client.post(
        f"/conversations/{conversation.pk}/reply/", {"text": "We zoeken het uit.", "channel": "api"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/conversations/{conversation.pk}/"
    message = conversation.messages.get(direction=Message.Direction.OUTBOUND)
    assert message.text == "We zoeken het uit."
    assert message.delivery_status == Message.Delivery.QUEUED
    assert message.author == anna and message.channel == "api"
    html = anna_client.get(f"/conversations/{conversation.pk}/timeline/").content.decode()
    assert "We zoeken het uit." in html and "in de wachtrij" in html and "anna" in html


def test_reply_keeps_list_filters(anna_client, conversation):
    response = anna_client.post(
        f"/conversations/{conversation.pk}/reply/", {"text": "Ok", "list_query": "view=mine"}
    )
    assert response["Location"] == f"/conversations/{conversation.pk}/?view=mine"


def test_refused_reply_shows_reason_and_keeps_text(anna_client, conversation):
    response = anna_client.post(
        f"/conversations/{conversation.pk}/reply/", {"text": "Hallo", "channel": "duifpost"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'role="alert"' in html and "duifpost" in html
    assert ">Hallo</textarea>" in html
    empty = anna_client.post(f"/conversations/{conversation.pk}/reply/", {"text": "  "})
    assert empty.status_code == 422
    assert conversation.messages.filter(direction="outbound").count() == 0


def test_note(anna_client, conversation):
    response = anna_client.post(f"/conversations/{conversation.pk}/note/", {"text": "Bel terug"})
    assert response.status_code == 302
    note = conversation.messages.get(direction=Message.Direction.NOTE)
    assert note.text == "Bel terug"
    html = anna_client.get(f"/conversations/{conversation.pk}/timeline/").content.decode()
    assert "interne notitie" in html and "Bel terug" in html


def test_assign_unassign_and_assign_me(anna, anna_client, conversation, service):
    colleague = make_agent("cor", service)
    url = f"/conversations/{conversation.pk}/assign/"
    assert anna_client.post(url, {"assignee": colleague.pk}).status_code == 302
    conversation.refresh_from_db()
    assert conversation.assignee == colleague
    assert anna_client.post(url, {"assignee": ""}).status_code == 302
    conversation.refresh_from_db()
    assert conversation.assignee is None
    assert anna_client.post(url, {"assignee": "me"}).status_code == 302
    conversation.refresh_from_db()
    assert conversation.assignee == anna


def test_assign_to_other_team_is_refused(anna_client, conversation, bram):
    response = anna_client.post(f"/conversations/{conversation.pk}/assign/", {"assignee": bram.pk})
    assert response.status_code == 422
    assert b"bram" in response.content
    conversation.refresh_from_db()
    assert conversation.assignee != bram
    unknown = anna_client.post(f"/conversations/{conversation.pk}/assign/", {"assignee": 9999})
    assert unknown.status_code == 422


def test_status(anna_client, conversation):
    url = f"/conversations/{conversation.pk}/status/"
    assert anna_client.post(url, {"status": "resolved"}).status_code == 302
    conversation.refresh_from_db()
    assert conversation.status == "resolved" and conversation.resolved_at
    bad = anna_client.post(url, {"status": "weg"})
    assert bad.status_code == 422
    conversation.refresh_from_db()
    assert conversation.status == "resolved"


def test_tags(anna_client, conversation):
    url = f"/conversations/{conversation.pk}/tags/"
    assert anna_client.post(url, {"tags": "Pakket, retour ,, pakket"}).status_code == 302
    conversation.refresh_from_db()
    assert conversation.tags == ["pakket", "retour"]
    html = anna_client.get(f"/conversations/{conversation.pk}/").content.decode()
    assert 'value="pakket, retour"' in html


@pytest.mark.parametrize(
    "method, suffix, data",
    [
        ("get", "", None),
        ("get", "timeline/", None),
        ("post", "reply/", {"text": "Hallo", "channel": "api"}),
        ("post", "note/", {"text": "Notitie"}),
        ("post", "assign/", {"assignee": "me"}),
        ("post", "status/", {"status": "resolved"}),
        ("post", "tags/", {"tags": "x"}),
    ],
)
def test_other_team_gets_404_everywhere(bram_client, conversation, method, suffix, data):
    url = f"/conversations/{conversation.pk}/{suffix}"
    send = getattr(bram_client, method)
    response = send(url, data) if data else send(url)
    assert response.status_code == 404
    conversation.refresh_from_db()
    assert conversation.messages.count() == 1
    assert conversation.status == "open" and conversation.tags == []
    assert conversation.assignee is None or conversation.assignee.username == "anna"


def test_list_fragment_open_param_ignores_invisible(bram_client, conversation):
    response = bram_client.get(f"/fragments/list/?open={conversation.pk}")
    assert response.status_code == 200
    assert b"Karin Klant" not in response.content


def test_admin_sees_everything(alice, conversation):
    client = Client()
    client.force_login(alice)
    assert client.get(f"/conversations/{conversation.pk}/").status_code == 200


def test_script_in_inbound_never_renders(
    anna_client, service, anna, token, client, run_intake, post_inbound
):
    body = {
        "external_id": "xss-1",
        "from": {"email": "boef@example.nl", "name": "<script>alert('naam')</script>"},
        "text": "zie bijlage",
        "html": "<p>Hallo <b>daar</b></p><script>alert('html')</script>"
        '<img src=x onerror="alert(1)"><a href="javascript:alert(2)">klik</a>',
    }
    response = client.post(
        "/api/v1/inbound",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 202
    post_inbound("xss-2", "<script>alert('tekst')</script>", email="boef@example.nl")
    run_intake()
    conversation = Conversation.objects.get()
    for url in (
        f"/conversations/{conversation.pk}/",
        f"/conversations/{conversation.pk}/timeline/",
        "/",
    ):
        html = anna_client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "onerror" not in html and "javascript:alert" not in html
    timeline = anna_client.get(f"/conversations/{conversation.pk}/timeline/").content.decode()
    assert "<b>daar</b>" in timeline  # sanitised html keeps its harmless markup
    assert "&lt;script&gt;alert(&#x27;tekst&#x27;)&lt;/script&gt;" in timeline  # text escaped


def test_language_switch_to_english(anna_client, conversation):
    dutch = anna_client.get("/").content.decode()
    assert "Gesprekken" in dutch and '<html lang="nl">' in dutch
    response = anna_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    english = anna_client.get("/").content.decode()
    assert '<html lang="en">' in english
    assert "Conversations" in english and "Gesprekken" not in english
    assert "Unassigned" in english
    detail = anna_client.get(f"/conversations/{conversation.pk}/").content.decode()
    assert "Send reply" in detail and "Internal note" in detail
