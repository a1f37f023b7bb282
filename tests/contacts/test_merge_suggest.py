"""Probable matches are suggested with evidence, never merged on their own."""

from bereikbaar.contacts.models import Contact, Identity
from bereikbaar.contacts.resolve import resolve
from bereikbaar.contacts.suggest import from_text, identities_in_text, suggestions


def test_same_number_as_phone_and_as_whatsapp_is_suggested(db):
    caller = resolve([("phone", "06-12345678")], name="Karin de Vries")
    wa = resolve([("whatsapp", "+31 6 1234 5678")])
    found = suggestions(caller)
    assert [s.contact.pk for s in found] == [wa.pk]
    assert "zelfde nummer +31612345678" in found[0].evidence[0]
    assert Contact.objects.filter(merged_into__isnull=False).count() == 0


def test_same_name_and_a_number_differing_only_in_formatting(db):
    a = resolve([("phone", "06-12345678")], name="Karin de Vries")
    b = Contact.objects.create(name="karin de vries ".title().strip())
    # Stored under Belgian rules by a foreign form: same national digits, other spelling.
    Identity.objects.create(contact=b, kind="phone", value="+32612345678")
    found = suggestions(a)
    assert [s.contact.pk for s in found] == [b.pk]
    assert "alleen in schrijfwijze" in found[0].evidence[0]


def test_a_chat_visitor_typing_a_known_email(db):
    known = resolve([("email", "karin@example.nl")], name="Karin")
    visitor = resolve([("webchat", "visitor-8f2a")])
    found = from_text(visitor, "Hoi, ik ben Karin (KARIN@example.nl), waar blijft mijn pakket?")
    assert [s.contact.pk for s in found] == [known.pk]
    assert "karin@example.nl" in found[0].evidence[0]
    assert from_text(known, "mijn adres is karin@example.nl") == []


def test_identities_in_text_reads_signatures():
    text = "Met vriendelijke groet,\nJan\nT: 06 - 1234 5678\njan@example.nl"
    assert identities_in_text(text) == [("email", "jan@example.nl"), ("phone", "+31612345678")]
