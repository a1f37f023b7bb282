"""L7: an erasure request cannot override a legal hold: erase() refuses with a clear message
(shown by the inbox and the API), changes nothing, and works once the hold is lifted. The
contact audit log is read-only in the admin (L9)."""

import pytest
from django.test import Client

from bereikbaar.api.models import ApiToken
from bereikbaar.contacts.merge import merge
from bereikbaar.contacts.models import AuditEntry, Contact
from bereikbaar.contacts.privacy import EraseBlocked, erase
from bereikbaar.contacts.resolve import resolve
from bereikbaar.conversations.models import Conversation, Message
from tests.contacts.test_privacy import SECRET, story

pytestmark = pytest.mark.django_db


def put_on_hold(conv: Conversation) -> None:
    Conversation.objects.filter(pk=conv.pk).update(legal_hold=True, legal_hold_reason="claim")


def test_erase_refuses_while_a_conversation_is_held_and_changes_nothing(alice):
    karin, conv, m = story()
    put_on_hold(conv)
    message = f"gesprek #{conv.pk} valt onder een juridische bewaarplicht"
    with pytest.raises(EraseBlocked, match=message):
        erase(karin, by=alice)
    karin.refresh_from_db()
    m.refresh_from_db()
    assert karin.name == "Karin Geheim" and karin.erased_at is None
    assert karin.identities.count() == 2 and SECRET in m.text
    assert not AuditEntry.objects.filter(action="erase").exists()
    Conversation.objects.filter(pk=conv.pk).update(legal_hold=False)
    assert erase(karin, by=alice)["messages"] == 2


def test_a_held_conversation_of_a_merged_contact_blocks_too(alice):
    karin, _, _ = story()
    other = resolve([("email", "karin.werk@example.nl")], name="Karin")
    held = Conversation.objects.create(contact=other, subject="oud")
    Message.objects.create(conversation=held, direction="inbound", channel="email", text="x")
    record = merge(karin, other, by=alice)
    Conversation.objects.filter(pk=held.pk).update(contact=other)  # as if it stayed behind
    put_on_hold(held)
    assert record.survivor_id == karin.pk
    with pytest.raises(EraseBlocked, match=f"#{held.pk}"):
        erase(karin, by=alice)
    assert Contact.objects.get(pk=karin.pk).erased_at is None


def test_the_inbox_shows_the_refusal(alice):
    karin, conv, _ = story()
    put_on_hold(conv)
    client = Client()
    client.force_login(alice)
    response = client.post(f"/contacts/{karin.pk}/erase/", {"confirm": str(karin.pk)}, follow=True)
    assert "juridische bewaarplicht" in response.content.decode()
    assert Contact.objects.get(pk=karin.pk).erased_at is None


def test_the_api_answers_409_with_the_reason(client, alice):
    karin, conv, _ = story()
    put_on_hold(conv)
    response = client.post(
        f"/api/v1/contacts/{karin.pk}/erase",
        headers={"Authorization": f"Bearer {ApiToken.issue(alice)}"},
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict" and f"gesprek #{conv.pk}" in error["message"]
    assert Contact.objects.get(pk=karin.pk).erased_at is None


def test_admins_read_the_contact_audit_log_and_nobody_edits_it(alice):
    karin, _, _ = story()
    entry = AuditEntry.objects.create(action="export", contact_id=karin.pk, ip="192.0.2.3")
    client = Client()
    client.force_login(alice)
    listing = client.get("/admin/contacts/auditentry/")
    assert listing.status_code == 200 and "192.0.2.3" in listing.content.decode()
    assert client.get("/admin/contacts/auditentry/add/").status_code == 403
    assert client.get(f"/admin/contacts/auditentry/{entry.pk}/change/").status_code == 200
    delete = f"/admin/contacts/auditentry/{entry.pk}/delete/"
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
