"""POST /api/v1/inbound: accepted durably (202), idempotent by external_id, filed into one
conversation per person whatever the spelling of their number, and bad input refused with a
4xx JSON error before anything is stored."""

import json

import pytest
from django.conf import settings

from bereikbaar.contacts.models import Contact, Identity
from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.intake.models import Inbound
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db


def test_accepted_202_then_processed(post_inbound, run_intake, client, token, anna):
    response = post_inbound("ext-1", "Waar blijft mijn pakket?")
    assert response.status_code == 202
    data = response.json()
    assert data == {"id": data["id"], "duplicate": False, "status": "accepted"}
    run_intake()
    status = client.get(
        f"/api/v1/inbound/{data['id']}", headers={"Authorization": f"Bearer {token}"}
    ).json()
    conversation = Conversation.objects.get()
    assert status["processed"] is True
    assert status["status"] == "processed"
    assert status["conversation_id"] == conversation.pk
    assert status["message_ids"] == [Message.objects.get().pk]


def test_duplicate_external_id_same_id_one_message(post_inbound, run_intake):
    first = post_inbound("ext-dup", "Hallo").json()
    second = post_inbound("ext-dup", "Hallo").json()
    assert second["id"] == first["id"]
    assert second["duplicate"] is True
    run_intake()
    assert post_inbound("ext-dup", "Hallo").json()["id"] == first["id"]
    run_intake()
    assert Inbound.objects.count() == 1
    assert Message.objects.count() == 1


def test_inbound_status_unknown_id_is_404(admin_api):
    assert_error(admin_api.get("/inbound/987654"), 404, "not_found")


def test_inbound_status_needs_a_token(api_as, post_inbound):
    inbound_id = post_inbound("ext-2").json()["id"]
    assert_error(api_as(None).get(f"/inbound/{inbound_id}"), 401, "unauthenticated")


def test_one_person_whatever_the_phone_spelling(post_inbound, run_intake):
    for n, phone in enumerate(["06-12345678", "+31612345678", "0031 6 1234 5678"]):
        assert post_inbound(f"tel-{n}", f"bericht {n}", phone=phone).status_code == 202
        run_intake()
    assert Contact.objects.count() == 1
    assert Identity.objects.get().value == "+31612345678"
    assert Conversation.objects.count() == 1
    assert Message.objects.filter(conversation=Conversation.objects.get()).count() == 3


def test_email_then_phone_of_one_contact_is_one_conversation(post_inbound, run_intake):
    contact = Contact.objects.create(name="Karin Klant")
    Identity.objects.create(contact=contact, kind="email", value="karin@example.nl")
    Identity.objects.create(contact=contact, kind="phone", value="+31612345678")
    post_inbound("mail-1", "Per mail", email="KARIN@example.nl")
    run_intake()
    post_inbound("tel-1", "Nu per telefoon", phone="06 12345678")
    run_intake()
    assert Contact.objects.count() == 1
    conversation = Conversation.objects.get()
    assert conversation.contact_id == contact.pk
    assert conversation.messages.count() == 2


def test_html_is_sanitised(client, token, run_intake):
    body = {
        "external_id": "html-1",
        "from": {"email": "klant@example.nl"},
        "text": "hoi",
        "html": "<p>hoi</p><script>alert(1)</script><img src=x onerror=alert(1)>",
    }
    response = client.post(
        "/api/v1/inbound",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 202
    run_intake()
    html = Message.objects.get().html
    assert "<p>hoi</p>" in html
    assert "script" not in html.lower()
    assert "onerror" not in html.lower()
    assert "alert" not in html


GOOD = {"external_id": "x-1", "from": {"email": "klant@example.nl"}, "text": "Hallo"}


def without(key):
    return {k: v for k, v in GOOD.items() if k != key}


BAD_BODIES = [
    pytest.param(b"{not json", "invalid", id="malformed-json"),
    pytest.param(b"\xff\xfe", "invalid", id="not-utf8"),
    pytest.param(b"", "invalid", id="empty"),
    pytest.param(b"[1, 2]", "invalid", id="array"),
    pytest.param(b'"text"', "invalid", id="string"),
    pytest.param(b"null", "invalid", id="null"),
    pytest.param(json.dumps(without("external_id")).encode(), "external_id", id="no-external-id"),
    pytest.param(json.dumps({**GOOD, "external_id": 7}).encode(), "external_id", id="id-int"),
    pytest.param(json.dumps({**GOOD, "text": 42}).encode(), "text", id="text-int"),
    pytest.param(json.dumps({**GOOD, "text": ["a"]}).encode(), "text", id="text-list"),
    pytest.param(json.dumps(without("text")).encode(), "text", id="no-text"),
    pytest.param(json.dumps(without("from")).encode(), "from", id="no-from"),
    pytest.param(json.dumps({**GOOD, "from": {"name": "X"}}).encode(), "from", id="from-no-ids"),
    pytest.param(json.dumps({**GOOD, "from": "a@b.nl"}).encode(), "from", id="from-string"),
    pytest.param(
        json.dumps({**GOOD, "from": {"email": "geen-adres"}}).encode(), "email", id="bad-email"
    ),
    pytest.param(
        json.dumps({**GOOD, "from": {"phone": "bel me"}}).encode(), "phone", id="bad-phone"
    ),
]


@pytest.mark.parametrize(("raw", "mentions"), BAD_BODIES)
def test_bad_input_is_400_and_stores_nothing(client, token, raw, mentions):
    response = client.post(
        "/api/v1/inbound",
        data=raw,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    error = assert_error(response, 400)
    assert mentions in error["message"] or mentions == "invalid", error
    assert Inbound.objects.count() == 0


def test_oversize_body_is_413_and_stores_nothing(client, token):
    big = {**GOOD, "text": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)}
    response = client.post(
        "/api/v1/inbound",
        data=json.dumps(big),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert_error(response, 413, "too_large")
    assert Inbound.objects.count() == 0


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-token"),
        pytest.param({"Authorization": "Bearer bk_wrong"}, id="wrong-token"),
        pytest.param({"Authorization": "Basic YWxpY2U6Z2VoZWlt"}, id="basic-auth"),
        pytest.param({"Authorization": "Bearer "}, id="empty-token"),
    ],
)
def test_no_or_wrong_token_is_401_and_stores_nothing(client, token, headers):
    response = client.post(
        "/api/v1/inbound",
        data=json.dumps(GOOD),
        content_type="application/json",
        headers=headers,
    )
    assert_error(response, 401, "unauthenticated")
    assert Inbound.objects.count() == 0


def test_inactive_users_token_is_401(client, token, alice):
    alice.is_active = False
    alice.save()
    response = client.post(
        "/api/v1/inbound",
        data=json.dumps(GOOD),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert_error(response, 401)
    assert Inbound.objects.count() == 0


def test_get_on_inbound_is_405_json(admin_api):
    assert_error(admin_api.call("GET", "/inbound"), 405, "method_not_allowed")
