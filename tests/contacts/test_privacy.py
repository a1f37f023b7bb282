"""GDPR: export is complete and only about the person; erasure leaves nothing readable."""

import json
from pathlib import Path

import pytest
from django.db import connection

from bereikbaar.contacts.merge import merge
from bereikbaar.contacts.models import AuditEntry, Contact, ErasedIdentity
from bereikbaar.contacts.privacy import EraseBlocked, erase, export, is_erased
from bereikbaar.contacts.resolve import resolve
from bereikbaar.conversations.attachments import add_attachment
from bereikbaar.conversations.models import Attachment, Conversation, Message

SECRET = "Hoefijzerlaan-negentien"


def story(email="karin@example.nl", text=f"Ik woon op de {SECRET} en mijn pakket is weg"):
    contact = resolve([("email", email), ("phone", "0612345678")], name="Karin Geheim")
    conv = Conversation.objects.create(contact=contact, subject=text[:40])
    m = Message.objects.create(conversation=conv, direction="inbound", channel="email", text=text)
    Message.objects.create(conversation=conv, direction="note", channel="email", text="Bram zei x")
    add_attachment(m, "foto.jpg", b"\xff\xd8 foto van " + SECRET.encode(), "image/jpeg")
    return contact, conv, m


def test_export_has_everything_about_the_person_and_nobody_else(db, alice):
    karin, conv, _ = story()
    other = resolve([("email", "ander@example.nl")], name="Ander Persoon")
    Conversation.objects.create(contact=other, subject="iets van iemand anders")
    data = export(karin, by=alice)
    blob = json.dumps(data)
    assert data["contact"]["name"] == "Karin Geheim"
    assert {i["kind"] for i in data["identities"]} == {"email", "phone"}
    [c] = data["conversations"]
    assert [m["from"] for m in c["messages"]] == ["klant"]  # the internal note is left out
    assert c["messages"][0]["attachments"][0]["filename"] == "foto.jpg"
    assert "Ander" not in blob and "ander@example.nl" not in blob and "Bram" not in blob
    assert AuditEntry.objects.filter(action="export", contact_id=karin.pk, actor=alice).exists()


def test_erase_removes_personal_data_and_leaves_a_tombstone(db, alice):
    karin, conv, m = story()
    path = Path(Attachment.objects.get().file.path)
    assert path.exists()
    counts = erase(karin, by=alice, reason="verzoek klant")
    karin.refresh_from_db()
    m.refresh_from_db()
    assert karin.name == "" and karin.erased_at
    assert karin.identities.count() == 0
    assert m.text == "" and SECRET not in Conversation.objects.get().subject
    assert not Attachment.objects.exists() and not path.exists()
    assert counts["identities"] == 2 and counts["attachments"] == 1
    assert is_erased("email", "KARIN@example.nl") and is_erased("whatsapp", "+31 6 12345678")
    assert not is_erased("email", "iemand@example.nl")
    assert "karin" not in "".join(ErasedIdentity.objects.values_list("digest", flat=True))
    assert AuditEntry.objects.filter(action="erase", contact_id=karin.pk).exists()
    with pytest.raises(EraseBlocked, match="al gewist"):
        erase(karin)


def test_contacts_merged_into_it_are_erased_too(db):
    karin, _, _ = story()
    wa = resolve([("whatsapp", "+31687654321")], name="Karin")
    merge(karin, wa)
    with pytest.raises(EraseBlocked, match="samengevoegd"):
        erase(wa)
    erase(karin)
    assert is_erased("whatsapp", "+31687654321")
    assert Contact.objects.get(pk=wa.pk).erased_at


def test_erasing_during_an_active_call_is_refused(db):
    karin, conv, _ = story()
    Message.objects.create(
        conversation=conv,
        direction="inbound",
        channel="phone",
        text="Inkomend gesprek",
        extra={"call": {"state": "answered"}},
    )
    with pytest.raises(EraseBlocked, match="telefoongesprek"):
        erase(karin)
    karin.refresh_from_db()
    assert karin.name == "Karin Geheim" and karin.identities.count() == 2  # nothing lost


@pytest.mark.django_db(transaction=True)
def test_erased_strings_are_gone_from_the_database_file():
    if connection.vendor != "sqlite":
        pytest.skip("the file check is for the embedded SQLite database")
    name = Path(connection.settings_dict["NAME"])

    def file_bytes() -> bytes:
        with connection.cursor() as cur:
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return b"".join(p.read_bytes() for p in name.parent.glob(name.name + "*"))

    karin, _, _ = story()
    assert SECRET.encode() in file_bytes()  # the check can see it
    erase(karin)
    raw = file_bytes()
    for s in (SECRET, "karin@example.nl", "+31612345678", "Karin Geheim"):
        assert s.encode() not in raw, s


def test_a_late_redelivery_does_not_re_create_an_erased_person(post_inbound, run_intake):
    post_inbound("late-1", "Waar blijft mijn pakket?", email="weg@example.nl", name="Weg Persoon")
    run_intake()
    erase(Contact.objects.get())
    post_inbound("late-1", "Waar blijft mijn pakket?", email="weg@example.nl", name="Weg Persoon")
    run_intake()
    assert not Contact.objects.filter(erased_at__isnull=True).exists()
    assert is_erased("email", "weg@example.nl")  # what intake asks before filing a new one


def test_erasure_blanks_the_raw_payloads_intake_kept(post_inbound, run_intake):
    from bereikbaar.intake.models import Inbound

    post_inbound("raw-1", f"Ik woon op de {SECRET}", email="raw@example.nl", name="Raw Persoon")
    post_inbound("raw-2", "Andere klant, ander verhaal", email="ander@example.nl")
    run_intake()
    assert SECRET.encode() in bytes(Inbound.objects.get(dedupe_key="raw-1").payload)
    counts = erase(Contact.objects.get(identities__value="raw@example.nl"))
    assert counts["raw_payloads"] == 1
    assert bytes(Inbound.objects.get(dedupe_key="raw-1").payload) == b""
    assert b"ander verhaal" in bytes(Inbound.objects.get(dedupe_key="raw-2").payload)
    data = export(Contact.objects.get(identities__value="ander@example.nl"))
    assert [r["channel"] for r in data["raw_payloads"]] == ["api"]
