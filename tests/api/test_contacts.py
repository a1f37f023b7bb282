"""Contacts: the shared directory, searchable by name or any identity spelling; a contact's
conversations are filtered to what the asking user may see."""

import pytest

from bereikbaar.contacts.models import Contact, Identity
from bereikbaar.conversations.models import Conversation
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def karin(db):
    contact = Contact.objects.create(name="Karin Klant")
    Identity.objects.create(contact=contact, kind="email", value="Karin@Example.nl")
    Identity.objects.create(contact=contact, kind="phone", value="06-12345678")
    return contact


@pytest.fixture
def piet(db):
    contact = Contact.objects.create(name="Piet Puk")
    Identity.objects.create(contact=contact, kind="email", value="piet@example.nl")
    return contact


def test_list_is_paginated(admin_api, karin, piet):
    data = admin_api.get("/contacts").json()
    assert data["count"] == 2
    assert [c["name"] for c in data["items"]] == ["Piet Puk", "Karin Klant"]  # newest first
    assert admin_api.get("/contacts", limit=1, offset=1).json()["items"][0]["id"] == karin.pk


@pytest.mark.parametrize(
    "q", ["karin", "KLANT", "karin@example", "+31612345678", "06-12345678", "0031 6 1234 5678"]
)
def test_search_by_name_or_identity(admin_api, karin, piet, q):
    data = admin_api.get("/contacts", q=q).json()
    assert [c["id"] for c in data["items"]] == [karin.pk], q


def test_search_without_match(admin_api, karin):
    assert admin_api.get("/contacts", q="niemand").json() == {"items": [], "count": 0}


def test_detail_with_identities_and_visible_conversations(api_as, karin, service, billing, anna):
    mine = Conversation.objects.create(contact=karin, team=service, subject="factuur")
    Conversation.objects.create(contact=karin, team=billing, subject="geheim")
    data = api_as(anna).get(f"/contacts/{karin.pk}").json()
    assert data["name"] == "Karin Klant"
    assert {(i["kind"], i["value"]) for i in data["identities"]} == {
        ("email", "karin@example.nl"),
        ("phone", "+31612345678"),
    }
    assert [c["id"] for c in data["conversations"]] == [mine.pk]


def test_admin_sees_all_conversations_of_a_contact(admin_api, karin, service, billing):
    Conversation.objects.create(contact=karin, team=service)
    Conversation.objects.create(contact=karin, team=billing)
    assert len(admin_api.get(f"/contacts/{karin.pk}").json()["conversations"]) == 2


def test_unknown_contact_is_404(admin_api):
    assert_error(admin_api.get("/contacts/424242"), 404, "not_found")
