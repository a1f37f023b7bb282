"""H1/L9 in the inbox: opening a conversation is audited (once per user and ten minutes, so the
live timeline re-fetches do not flood the log), a refused one (another team's) is audited with
the route and source address while the agent still gets the missing id's 404, and a contact
export keeps the address it came from."""

from datetime import timedelta

import pytest
from django.test import Client

from bereikbaar.contacts.models import AuditEntry
from bereikbaar.conversations.models import AccessEntry

pytestmark = pytest.mark.django_db

OPENED, REFUSED = AccessEntry.Action.OPENED, AccessEntry.Action.REFUSED


def entries(**filters) -> list[tuple]:
    rows = AccessEntry.objects.filter(**filters).order_by("id")
    return list(rows.values_list("action", "actor__username", "conversation_id", "route", "ip"))


def test_opening_is_audited_once_per_user_and_ten_minutes(anna_client, alice, conversation):
    pk = conversation.pk
    assert anna_client.get(f"/conversations/{pk}/").status_code == 200
    for _ in range(5):  # htmx live refreshes of the timeline
        assert anna_client.get(f"/conversations/{pk}/timeline/").status_code == 200
    assert anna_client.get(f"/conversations/{pk}/").status_code == 200
    assert entries() == [(OPENED, "anna", pk, f"GET /conversations/{pk}/", "127.0.0.1")]

    admin = Client()
    admin.force_login(alice)
    admin.get(f"/conversations/{pk}/timeline/")  # another user: a line of their own
    assert [e[1] for e in entries()] == ["anna", "alice"]

    AccessEntry.objects.update(
        at=AccessEntry.objects.get(actor__username="anna").at - timedelta(minutes=11)
    )
    anna_client.get(f"/conversations/{pk}/timeline/")
    assert [e[1] for e in entries(actor__username="anna")] == ["anna", "anna"]
    assert entries()[-1][3] == f"GET /conversations/{pk}/timeline/"


ROUTES = [
    ("get", ""),
    ("get", "timeline/"),
    ("get", "links/"),
    ("post", "reply/"),
    ("post", "note/"),
    ("post", "status/"),
    ("post", "link/"),
]


@pytest.mark.parametrize(("method", "suffix"), ROUTES)
def test_a_refused_conversation_is_audited_and_answers_like_a_missing_one(
    bram_client, conversation, method, suffix
):
    pk, missing = conversation.pk, conversation.pk + 1000
    send = getattr(bram_client, method)
    hidden = send(f"/conversations/{pk}/{suffix}", {"text": "x"} if method == "post" else None)
    absent = send(f"/conversations/{missing}/{suffix}", {"text": "x"} if method == "post" else None)
    assert hidden.status_code == absent.status_code == 404
    assert hidden.content == absent.content
    route = f"{method.upper()} /conversations/{pk}/{suffix}"
    assert entries() == [(REFUSED, "bram", pk, route, "127.0.0.1")]  # the missing id: no line


def test_the_source_address_is_remote_addr_never_a_forwarded_header(conversation, bram):
    client = Client(REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    client.force_login(bram)
    assert client.get(f"/conversations/{conversation.pk}/").status_code == 404
    assert AccessEntry.objects.get().ip == "192.0.2.7"


def test_agents_see_no_audit_lines_on_the_conversation_or_contact_page(
    anna_client, bram_client, conversation
):
    bram_client.get(f"/conversations/{conversation.pk}/")
    page = anna_client.get(f"/conversations/{conversation.pk}/").content.decode()
    panel = anna_client.get(f"/contacts/{conversation.contact_id}/").content.decode()
    assert AccessEntry.objects.filter(action=REFUSED).exists()
    for html in (page, panel):
        assert "geweigerd" not in html and "bram" not in html and "127.0.0.1" not in html


def test_contact_views_and_exports_keep_the_source_address(alice, conversation):
    client = Client(REMOTE_ADDR="2001:db8::5")
    client.force_login(alice)
    assert client.get(f"/contacts/{conversation.contact_id}/").status_code == 200
    assert client.get(f"/contacts/{conversation.contact_id}/export/").status_code == 200
    rows = AuditEntry.objects.filter(contact_id=conversation.contact_id).order_by("id")
    assert list(rows.values_list("action", "actor__username", "ip")) == [
        ("view", "alice", "2001:db8::5"),
        ("export", "alice", "2001:db8::5"),
    ]
