"""H1/L9 over the API: a token opening a conversation is audited (once per ten minutes), every
refused conversation id (another team's) is audited with route and address while the answer
stays the missing id's 404, and an export keeps the address it came from."""

from datetime import timedelta

import pytest

from bereikbaar.contacts.models import AuditEntry
from bereikbaar.conversations.models import AccessEntry
from tests.api.conftest import assert_error
from tests.api.test_permissions import ROUTES

pytestmark = pytest.mark.django_db


def lines() -> list[tuple]:
    return list(
        AccessEntry.objects.order_by("id").values_list(
            "action", "actor__username", "conversation_id", "route", "ip"
        )
    )


def test_a_token_opening_a_conversation_is_audited_once_per_ten_minutes(api_as, anna, conversation):
    as_anna, pk = api_as(anna), conversation.pk
    for _ in range(3):
        assert as_anna.get(f"/conversations/{pk}").status_code == 200
        assert as_anna.get(f"/conversations/{pk}/messages").status_code == 200
    assert lines() == [("opened", "anna", pk, f"GET /api/v1/conversations/{pk}", "127.0.0.1")]
    AccessEntry.objects.update(at=AccessEntry.objects.get().at - timedelta(minutes=10, seconds=1))
    as_anna.get(f"/conversations/{pk}/messages")
    assert [line[3] for line in lines()] == [
        f"GET /api/v1/conversations/{pk}",
        f"GET /api/v1/conversations/{pk}/messages",
    ]


def test_writing_is_not_opening(api_as, anna, conversation):
    api_as(anna).post(f"/conversations/{conversation.pk}/note", {"text": "notitie"})
    assert lines() == []


@pytest.mark.parametrize(("method", "suffix", "body"), ROUTES)
def test_every_refused_conversation_id_is_audited(api_as, bram, conversation, method, suffix, body):
    as_bram, pk = api_as(bram), conversation.pk
    assert_error(as_bram.call(method, f"/conversations/{pk}{suffix}", body), 404, "not_found")
    assert_error(as_bram.call(method, f"/conversations/{pk + 1000}{suffix}", body), 404)
    assert lines() == [
        ("refused", "bram", pk, f"{method} /api/v1/conversations/{pk}{suffix}", "127.0.0.1")
    ]


def test_the_identity_routes_audit_a_refused_conversation_too(api_as, bram, conversation):
    as_bram, pk = api_as(bram), conversation.pk
    assert_error(as_bram.get(f"/conversations/{pk}/concurrent"), 404)
    assert_error(as_bram.post(f"/conversations/{pk}/link", {"other": pk}), 404)
    assert [(a, c, r) for a, _, c, r, _ in lines()] == [
        ("refused", pk, f"GET /api/v1/conversations/{pk}/concurrent"),
        ("refused", pk, f"POST /api/v1/conversations/{pk}/link"),
    ]


@pytest.mark.parametrize("pk", ["0", str(2**63), "99999999999999999999999"])
def test_ids_no_row_can_have_are_a_404_and_no_line(api_as, bram, conversation, pk):
    response = api_as(bram).get(f"/conversations/{pk}")
    assert_error(response, 404)
    assert lines() == []


def test_an_export_keeps_the_source_address(client, admin_api, conversation):
    response = client.get(
        f"/api/v1/contacts/{conversation.contact_id}/export",
        headers=admin_api.headers(),
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="export")
    assert (entry.actor.username, entry.contact_id, entry.ip) == (
        "alice",
        conversation.contact_id,
        "203.0.113.9",
    )
