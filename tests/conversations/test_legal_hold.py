"""L7: a conversation under a legal hold survives retention (counted as held, dry or not) until
an administrator lifts the hold in the Django admin, where setting and lifting are audited."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from bereikbaar.conversations import retention
from bereikbaar.conversations.models import AccessEntry, Conversation, RetentionPolicy
from tests.conversations.test_retention import alive, case

pytestmark = pytest.mark.django_db


def hold(conv: Conversation, reason: str = "rechtszaak 2026/17") -> None:
    Conversation.objects.filter(pk=conv.pk).update(legal_hold=True, legal_hold_reason=reason)


def test_retention_keeps_held_conversations_and_says_how_many(db):
    RetentionPolicy.objects.create(channel="email", months=6)
    held, free, young_held = case("a@example.nl", 9), case("b@example.nl", 9), case("c@x.nl", 1)
    hold(held)
    hold(young_held)  # not due anyway: not counted as skipped
    dry = retention.apply(dry_run=True)
    assert (dry.counts["conversations"], dry.counts["held"]) == (1, 1)
    assert list(retention.due()) == [(free.pk, str(RetentionPolicy.objects.get()))]
    run = retention.apply()
    assert (run.counts["conversations"], run.counts["held"]) == (1, 1)
    assert alive(held, free, young_held) == [True, False, True]
    Conversation.objects.filter(pk=held.pk).update(legal_hold=False)
    assert retention.apply().counts == {**run.counts, "held": 0}
    assert alive(held) == [False]


def test_the_command_reports_the_held_conversations(db):
    RetentionPolicy.objects.create(channel="email", months=6)
    hold(case("a@example.nl", 9))
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out, stderr=StringIO())
    assert "Would delete 0 conversations" in out.getvalue()
    assert "Kept 1 conversations under a legal hold." in out.getvalue()


def form(conv: Conversation, **changes) -> dict:
    """The admin change form as the browser posts it (datetimes split in date and time)."""
    data = {
        "contact": conv.contact_id,
        "subject": conv.subject,
        "status": conv.status,
        "priority": conv.priority,
        "team": "",
        "assignee": "",
        "tags": "[]",
        "last_inbound_channel": "",
        "legal_hold_reason": conv.legal_hold_reason,
    }
    for name in ("last_message_at", "first_response_at", "resolved_at"):
        data |= {f"{name}_0": "", f"{name}_1": ""}
    if conv.legal_hold:
        data["legal_hold"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def admin_client(alice) -> Client:
    client = Client(REMOTE_ADDR="192.0.2.44")
    client.force_login(alice)
    return client


def test_an_admin_sets_and_lifts_a_hold_and_both_are_audited(admin_client, db):
    conv = case("a@example.nl", 0, status="open")
    url = f"/admin/conversations/conversation/{conv.pk}/change/"
    response = admin_client.post(url, form(conv, legal_hold="on", legal_hold_reason="FIOD"))
    assert response.status_code == 302, response.content.decode()[-3000:]
    conv.refresh_from_db()
    assert conv.legal_hold and conv.legal_hold_reason == "FIOD"
    assert admin_client.post(url, form(conv, subject="ander onderwerp")).status_code == 302
    assert admin_client.post(url, form(conv, legal_hold=None)).status_code == 302
    conv.refresh_from_db()
    assert not conv.legal_hold
    rows = AccessEntry.objects.order_by("id").values_list(
        "action", "actor__username", "conversation_id", "ip", "detail"
    )
    assert list(rows) == [
        ("hold_set", "alice", conv.pk, "192.0.2.44", {"reason": "FIOD"}),
        ("hold_cleared", "alice", conv.pk, "192.0.2.44", {"reason": "FIOD"}),
    ]


def test_a_hold_needs_a_reason(admin_client, db):
    conv = case("a@example.nl", 0, status="open")
    url = f"/admin/conversations/conversation/{conv.pk}/change/"
    response = admin_client.post(url, form(conv, legal_hold="on", legal_hold_reason="  "))
    assert response.status_code == 200
    assert "Geef een reden voor de bewaarplicht." in response.content.decode()
    conv.refresh_from_db()
    assert not conv.legal_hold and not AccessEntry.objects.exists()


def test_admins_read_the_audit_trail_and_nobody_edits_it(admin_client, anna, db):
    entry = AccessEntry.objects.create(
        actor=anna, action="refused", conversation_id=42, route="GET /x", ip="192.0.2.1"
    )
    listing = admin_client.get("/admin/conversations/accessentry/?q=42")
    assert listing.status_code == 200 and "192.0.2.1" in listing.content.decode()
    assert admin_client.get("/admin/conversations/accessentry/?q=abc").status_code == 200
    assert admin_client.get("/admin/conversations/accessentry/add/").status_code == 403
    change = f"/admin/conversations/accessentry/{entry.pk}/change/"
    assert admin_client.get(change).status_code == 200  # a read-only view
    admin_client.post(change, {"conversation_id": 1, "ip": "192.0.2.2"})
    delete = f"/admin/conversations/accessentry/{entry.pk}/delete/"
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert (entry.conversation_id, entry.ip) == (42, "192.0.2.1")
