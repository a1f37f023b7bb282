"""L5: a restored backup cannot bring an erased person back. Each committed erasure is
journalled (keyed hashes only) beside the database; after a restore, reapply_erasures erases
the person again and puts the tombstones back."""

import io
import json

import pytest
from django.core.management import call_command

from bereikbaar.contacts import erasure_log
from bereikbaar.contacts.models import Contact, ErasedIdentity, Identity
from bereikbaar.contacts.privacy import erase, is_erased
from bereikbaar.contacts.resolve import resolve
from bereikbaar.conversations.models import Conversation, Message


@pytest.fixture
def journal(tmp_path, settings):
    settings.BEREIKBAAR_ERASURE_LOG = str(tmp_path / "elders" / "erasures.jsonl")
    return tmp_path / "elders" / "erasures.jsonl"


def karin():
    contact = resolve([("email", "karin@example.nl"), ("phone", "0612345678")], name="Karin")
    conversation = Conversation.objects.create(contact=contact, subject="Mijn adres")
    Message.objects.create(
        conversation=conversation, direction="inbound", channel="email", text="Hoefijzerlaan 19"
    )
    return contact


def restore_from_backup():
    """What a backup from before the erasure holds: Karin as she was, and no tombstones."""
    ErasedIdentity.objects.all().delete()
    return karin()


@pytest.mark.django_db(transaction=True)
def test_an_erasure_is_journalled_after_commit_without_personal_data(journal):
    contact = karin()
    erase(contact, reason="verzoek klant")
    [line] = journal.read_text().splitlines()
    entry = json.loads(line)
    assert entry["contact"] == contact.pk and len(entry["digests"]) == 2
    assert "karin" not in line and "0612345678" not in line and "+316" not in line


@pytest.mark.django_db(transaction=True)
def test_reapplying_after_a_restore_erases_the_person_again(journal):
    erase(karin())
    restored = restore_from_backup()
    bystander = resolve([("email", "iemand@example.nl")], name="Iemand")
    assert not is_erased("email", "karin@example.nl")  # the restore lost the tombstone

    out = io.StringIO()
    call_command("reapply_erasures", "--dry-run", stdout=out)
    assert f"1 contact(s) would be erased: {restored.pk}" in out.getvalue()
    assert Contact.objects.get(pk=restored.pk).erased_at is None  # a dry run changes nothing

    call_command("reapply_erasures", stdout=io.StringIO())
    restored.refresh_from_db()
    assert restored.erased_at is not None and restored.name == ""
    assert not Identity.objects.filter(contact=restored).exists()
    assert Message.objects.get(conversation__contact=restored).text == ""
    assert is_erased("email", "karin@example.nl") and is_erased("phone", "+31612345678")
    bystander.refresh_from_db()
    assert bystander.erased_at is None and bystander.name == "Iemand"

    out = io.StringIO()
    call_command("reapply_erasures", stdout=out)  # again: nothing left to do
    assert "0 contact(s) erased again" in out.getvalue()


@pytest.mark.django_db
def test_no_journal_says_so(journal):
    err = io.StringIO()
    call_command("reapply_erasures", stderr=err, stdout=io.StringIO())
    assert "no erasure journal" in err.getvalue()
    assert erasure_log.digests(journal) == set()
