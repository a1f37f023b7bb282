"""merge() and unmerge(): everything moves in one go, and comes back exactly."""

import threading

import pytest
from django.db import connection

from bereikbaar.contacts import consent
from bereikbaar.contacts.merge import MergeError, merge, unmerge
from bereikbaar.contacts.models import AuditEntry, Contact, Identity, Preference
from bereikbaar.contacts.resolve import resolve
from bereikbaar.conversations.models import Conversation, Message


def person(name, kind, value, text="Waar blijft mijn pakket?", channel=None):
    contact = resolve([(kind, value)], name=name)
    conv = Conversation.objects.create(contact=contact, subject=text[:40])
    Message.objects.create(
        conversation=conv, direction="inbound", channel=channel or kind, text=text
    )
    return contact, conv


def test_it_moves_everything_and_undo_is_exact(db, alice):
    karin, c1 = person("Karin de Vries", "email", "karin@example.nl")
    other, c2 = person("", "whatsapp", "+31612345678", channel="whatsapp")
    consent.record(other, "whatsapp", True, "webformulier", "Mag we u via WhatsApp berichten?")
    Preference.objects.create(contact=other, preferred=["whatsapp"])

    record = merge(karin, other, by=alice)

    assert set(karin.identities.values_list("kind", flat=True)) == {"email", "whatsapp"}
    assert set(karin.conversations.values_list("pk", flat=True)) == {c1.pk, c2.pk}
    assert Message.objects.filter(conversation__contact=karin).count() == 2
    assert consent.has_consent(karin, "whatsapp")
    assert Preference.objects.get(contact=karin).preferred == ["whatsapp"]
    other.refresh_from_db()
    assert other.merged_into_id == karin.pk
    assert record.moved["conversations"] == [c2.pk]
    assert AuditEntry.objects.filter(action="merge", contact_id=karin.pk, actor=alice).exists()

    # Something new arrives for Karin after the merge: undo must leave it alone.
    later = Conversation.objects.create(contact=karin, subject="later")

    restored = unmerge(record, by=alice)

    assert restored.pk == other.pk and restored.merged_into_id is None
    assert list(other.identities.values_list("kind", flat=True)) == ["whatsapp"]
    assert set(karin.conversations.values_list("pk", flat=True)) == {c1.pk, later.pk}
    assert list(other.conversations.values_list("pk", flat=True)) == [c2.pk]
    assert consent.has_consent(other, "whatsapp") and not consent.has_consent(karin, "whatsapp")
    assert not Preference.objects.filter(contact=karin).exists()


def test_fields_are_combined_and_the_agent_picks_on_conflict(db):
    a, _ = person("K. de Vries", "email", "k@example.nl")
    b, _ = person("Karin de Vries", "phone", "0612345678")
    b.language = "en"
    b.save()
    record = merge(a, b, chosen={"name": "Karin de Vries"})
    a.refresh_from_db()
    assert a.name == "Karin de Vries" and a.language == "nl"
    assert record.fields == {"name": ["K. de Vries", "Karin de Vries"]}
    unmerge(record)
    a.refresh_from_db()
    assert a.name == "K. de Vries"


def test_an_empty_field_is_filled_from_the_other(db):
    a, _ = person("", "email", "k@example.nl")
    b, _ = person("Karin", "phone", "0612345678")
    merge(a, b)
    a.refresh_from_db()
    assert a.name == "Karin"


def test_a_choice_must_be_one_of_the_two_values(db):
    a, _ = person("A", "email", "a@example.nl")
    b, _ = person("B", "email", "b@example.nl")
    with pytest.raises(MergeError, match="kies"):
        merge(a, b, chosen={"name": "Iemand anders"})
    with pytest.raises(MergeError, match="onbekende"):
        merge(a, b, chosen={"is_superuser": "1"})
    assert Identity.objects.filter(contact=a).count() == 1


def test_merging_into_itself_is_refused(db):
    a, _ = person("A", "email", "a@example.nl")
    with pytest.raises(MergeError, match="zichzelf"):
        merge(a, a)


def test_circular_and_repeated_merges_are_refused(db):
    a, _ = person("A", "email", "a@example.nl")
    b, _ = person("B", "email", "b@example.nl")
    c, _ = person("C", "email", "c@example.nl")
    merge(a, b)
    with pytest.raises(MergeError, match="al samengevoegd"):
        merge(b, a)  # circular
    with pytest.raises(MergeError, match="al samengevoegd"):
        merge(c, b)  # b is gone already
    record = merge(c, a)  # a chain: a (with b) into c
    with pytest.raises(MergeError, match="eerst"):
        unmerge(a.merges_in.get())  # a is merged into c: undo that first
    unmerge(record)
    with pytest.raises(MergeError, match="al ongedaan"):
        unmerge(record)


def test_a_missing_contact_is_a_clear_error(db):
    a, _ = person("A", "email", "a@example.nl")
    with pytest.raises(MergeError, match="bestaat niet"):
        merge(a, 999_999)


@pytest.mark.django_db(transaction=True)
def test_concurrent_merges_of_the_same_pair_make_one_merge():
    if connection.vendor == "sqlite":
        pass  # SQLite serialises writers; the lock-and-recheck still decides the loser
    a = Contact.objects.create(name="A")
    b = Contact.objects.create(name="B")
    Identity.objects.create(contact=a, kind="email", value="a@example.nl")
    Identity.objects.create(contact=b, kind="email", value="b@example.nl")
    results, barrier = [], threading.Barrier(2)

    def attempt(s, o):
        barrier.wait()
        try:
            merge(s, o)
            results.append("ok")
        except MergeError:
            results.append("refused")
        except Exception as exc:  # a database lock timeout is also a refusal, not a half merge
            results.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=(a.pk, b.pk)),
        threading.Thread(target=attempt, args=(b.pk, a.pk)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1
    merged = Contact.objects.filter(merged_into__isnull=False)
    assert merged.count() == 1
    survivor = Contact.objects.get(merged_into__isnull=True)
    assert survivor.identities.count() == 2


def test_a_stop_sent_after_the_merge_goes_back_with_its_number_on_undo(db):
    karin, _ = person("Karin de Vries", "email", "karin@example.nl")
    other, _ = person("", "whatsapp", "+31612345678", channel="whatsapp")
    consent.record(other, "whatsapp", True, "webformulier", address="+31612345678")
    record = merge(karin, other)
    # meanwhile the number texts STOP (filed on the contact that owns it now) and an agent
    # records a contact-wide SMS opt-in for Karin
    consent.record(karin, "whatsapp", False, "WhatsApp-trefwoord 'STOP'", address="+31612345678")
    consent.record(karin, "sms", True, "agent")

    unmerge(record)

    assert consent.opted_out(other, "whatsapp")  # the opt-out stays with whoever owns the number
    assert consent.latest(karin, "whatsapp") is None
    assert consent.has_consent(karin, "sms")  # new and not about the number: it stays
