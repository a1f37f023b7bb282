import threading

import pytest
from django.db import connection

from bereikbaar.contacts.models import Contact, Identity
from bereikbaar.contacts.resolve import resolve


def test_it_finds_a_contact_by_any_identity_spelling(db):
    first = resolve([("phone", "06-12345678")], name="Jan")
    again = resolve([("phone", "0031 6 1234 5678")])
    assert again.pk == first.pk
    assert Contact.objects.count() == 1


def test_it_adds_new_identities_to_the_contact_found(db):
    contact = resolve([("email", "jan@example.nl")])
    resolve([("email", "JAN@example.nl"), ("phone", "+31612345678")])
    assert sorted(contact.identities.values_list("kind", flat=True)) == ["email", "phone"]


def test_it_fills_a_missing_name_but_never_overwrites_one(db):
    contact = resolve([("email", "jan@example.nl")])
    resolve([("email", "jan@example.nl")], name="Jan de Vries")
    resolve([("email", "jan@example.nl")], name="Iemand Anders")
    contact.refresh_from_db()
    assert contact.name == "Jan de Vries"


@pytest.mark.django_db(transaction=True)
def test_two_first_messages_at_once_make_one_contact():
    barrier = threading.Barrier(4)
    results, errors = [], []

    def first_contact():
        try:
            barrier.wait()
            results.append(resolve([("phone", "06-87654321")], name="Nieuw").pk)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first_contact) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(results)) == 1
    assert Identity.objects.filter(value="+31687654321").count() == 1
