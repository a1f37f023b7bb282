"""The contact page: suggestions, merge and undo, case links and undo, export and erase."""

import json

from bereikbaar.contacts.models import AuditEntry, Contact, MergeRecord
from bereikbaar.contacts.resolve import resolve
from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.stories.models import CaseLink


def test_agent_merges_a_suggestion_and_undoes_it(client, alice):
    client.force_login(alice)
    a = resolve([("phone", "0612345678")], name="Karin de Vries")
    b = resolve([("whatsapp", "+31612345678")], name="Karin")
    page = client.get(f"/contacts/{a.pk}/")
    assert page.status_code == 200
    assert "zelfde nummer +31612345678" in page.content.decode()
    assert AuditEntry.objects.filter(action="view", contact_id=a.pk).exists()
    response = client.post(f"/contacts/{a.pk}/merge/", {"other": b.pk, "name": "Karin de Vries"})
    assert response.status_code == 302
    record = MergeRecord.objects.get()
    assert client.get(f"/contacts/{b.pk}/").status_code == 302  # merged: goes to the survivor
    client.post(f"/merges/{record.pk}/undo/")
    assert Contact.objects.get(pk=b.pk).merged_into_id is None
    bad = client.post(f"/contacts/{a.pk}/merge/", {"other": a.pk}, follow=True)
    assert "zichzelf" in bad.content.decode()


def test_case_link_shown_with_its_explanation_and_undone_by_one_click(client, alice):
    client.force_login(alice)
    k = resolve([("email", "k@example.nl")], name="K")
    c1 = Conversation.objects.create(contact=k, subject="a")
    Message.objects.create(
        conversation=c1, direction="inbound", channel="email", text="Waar blijft 482913?"
    )
    c2 = Conversation.objects.create(contact=k, subject="b")
    Message.objects.create(
        conversation=c2,
        direction="inbound",
        channel="whatsapp",
        text="waar blijft mn pakket 482913",
    )
    fragment = client.get(f"/conversations/{c2.pk}/links/").content.decode()
    assert "ook gevraagd via e-mail" in fragment
    client.post(f"/conversations/{c2.pk}/link/", {"other": c1.pk})
    link = CaseLink.objects.get()
    assert link.case_id == c1.pk and link.signal == "same_question"
    assert (
        "ook gevraagd via WhatsApp" in client.get(f"/conversations/{c1.pk}/links/").content.decode()
    )
    client.post(f"/links/{link.pk}/unlink/")
    assert c2.messages.count() == 1


def test_only_admins_export_and_erase(client, anna, alice):
    k = resolve([("email", "k@example.nl")], name="Karin")
    client.force_login(anna)
    assert client.get(f"/contacts/{k.pk}/export/").status_code == 302
    assert client.post(f"/contacts/{k.pk}/erase/", {"confirm": k.pk}).status_code == 302
    assert Contact.objects.get(pk=k.pk).name == "Karin"
    client.force_login(alice)
    data = json.loads(client.get(f"/contacts/{k.pk}/export/").content)
    assert data["identities"][0]["value"] == "k@example.nl"
    client.post(f"/contacts/{k.pk}/erase/", {"confirm": "verkeerd"})
    assert Contact.objects.get(pk=k.pk).name == "Karin"
    client.post(f"/contacts/{k.pk}/erase/", {"confirm": str(k.pk)})
    assert Contact.objects.get(pk=k.pk).erased_at
