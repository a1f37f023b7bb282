"""The webhook: handshake, signature before anything else, stored once, 200 after commit."""

import hashlib
import hmac
import json

import pytest

from bereikbaar.channels.whatsapp.signature import sign, valid
from bereikbaar.conversations.models import Message
from bereikbaar.intake.models import Inbound

from .conftest import APP_SECRET, VERIFY_TOKEN, fixture


def test_it_matches_the_published_hmac_vector():
    expected = "0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914"
    assert sign("secret", b"test") == f"sha256={expected}"
    assert valid(b"test", f"sha256={expected}", ["other", "secret"])
    assert not valid(b"test", expected, ["secret"])  # the prefix is part of the header


def test_it_answers_the_handshake_with_the_challenge(client, account):
    params = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    response = client.get("/channels/whatsapp/webhook", params)
    assert response.status_code == 200
    assert response.content == b"1158201444"


@pytest.mark.parametrize("token", ["wrong", ""])
def test_it_refuses_the_handshake_with_a_wrong_token(client, account, token):
    params = {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "1"}
    assert client.get("/channels/whatsapp/webhook", params).status_code == 403


def test_it_accepts_a_signed_webhook_and_files_it(post_webhook, run_intake, service):
    response = post_webhook("text")
    assert response.status_code == 200
    assert Inbound.objects.get().order_key == "phone:+31612345678"
    run_intake()
    message = Message.objects.get()
    assert message.text.startswith("Hallo, mijn pakket is niet bezorgd 😕")
    contact = message.conversation.contact
    assert contact.name == "Sanne de Vries"
    assert set(contact.identities.values_list("kind", "value")) == {
        ("whatsapp", "+31612345678"),
        ("phone", "+31612345678"),
    }


@pytest.mark.parametrize("signature", ["", "sha256=" + "0" * 64, "sha1=abc", "garbage"])
def test_it_refuses_a_forged_or_missing_signature(post_webhook, signature):
    response = post_webhook("text", signature=signature)
    assert response.status_code == 401
    assert not Inbound.objects.exists()


def test_it_checks_the_signature_over_the_raw_bytes(post_webhook, run_intake, service):
    raw = fixture("text")
    reserialised = json.dumps(json.loads(raw)).encode()  # \u escapes instead of UTF-8
    assert reserialised != raw
    assert post_webhook(raw, signature=sign(APP_SECRET, reserialised)).status_code == 401
    assert post_webhook(raw).status_code == 200


def test_it_refuses_a_body_signed_with_another_secret(post_webhook):
    body = fixture("text")
    forged = "sha256=" + hmac.new(b"not-the-secret", body, hashlib.sha256).hexdigest()
    assert post_webhook(body, signature=forged).status_code == 401


def test_it_answers_400_to_malformed_json(post_webhook):
    for body in [b"{not json", b"[1, 2]", b"\xff\xfe"]:
        assert post_webhook(body).status_code == 400
    assert not Inbound.objects.exists()


def test_it_answers_413_to_a_10_mb_body(post_webhook):
    body = b'{"object": "whatsapp_business_account", "pad": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    response = post_webhook(body)
    assert response.status_code == 413
    assert not Inbound.objects.exists()


def test_it_stores_a_webhook_delivered_twice_once(post_webhook, run_intake, service):
    assert post_webhook("text").status_code == 200
    assert post_webhook("text").status_code == 200
    run_intake()
    assert Inbound.objects.count() == 1
    assert Message.objects.count() == 1


def test_it_stores_each_wamid_once_when_a_batch_is_resent(post_webhook, run_intake, service):
    assert post_webhook("batch").status_code == 200
    run_intake()
    # Meta re-sends the batch re-packed: other bytes, the same wamids, plus one new message
    data = json.loads(fixture("batch"))
    value = data["entry"][0]["changes"][0]["value"]
    value["messages"].append(
        {
            "from": "31612345678",
            "id": "wamid.BATCH-3",
            "timestamp": "1764000300",
            "type": "text",
            "text": {"body": "Derde"},
        }
    )
    resent = json.dumps(data, indent=4).encode()
    assert post_webhook(resent).status_code == 200
    run_intake()
    assert Inbound.objects.count() == 2
    assert sorted(Message.objects.values_list("provider_id", flat=True)) == [
        "wamid.BATCH-1",
        "wamid.BATCH-2",
        "wamid.BATCH-3",
    ]
    assert not Inbound.objects.filter(status=Inbound.Status.QUARANTINED).exists()


def test_an_error_only_webhook_is_accepted_and_files_nothing(post_webhook, run_intake):
    assert post_webhook("errors_only").status_code == 200
    run_intake()
    assert Inbound.objects.get().status == Inbound.Status.PROCESSED
    assert not Message.objects.exists()


def test_other_methods_are_refused_without_a_500(client, account):
    assert client.put("/channels/whatsapp/webhook").status_code == 405
