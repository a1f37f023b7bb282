"""Reliability catalogue A/B/D/F for the WhatsApp webhook (docs/reliability-map.md): real
HMAC-SHA256 signatures over raw bytes, the handshake's edges, hostile but signed bodies."""

import gzip
import json
from datetime import timedelta

import pytest

from bereikbaar.channels.whatsapp.signature import sign
from bereikbaar.conversations.models import Message
from bereikbaar.intake.models import Inbound

from .conftest import APP_SECRET, VERIFY_TOKEN, fixture, text_payload

URL = "/channels/whatsapp/webhook"


def _with_text(text_json: bytes) -> bytes:
    """The text fixture with its body replaced by a JSON string literal given as raw bytes."""
    raw = fixture("text")
    start = raw.index(b'"body": "') + len(b'"body": ')
    end = raw.index(b'"', start + 1) + 1
    return raw[:start] + text_json + raw[end:]


def test_a1_emoji_rtl_and_escapes_are_stored_byte_exact_and_filed(
    post_webhook, run_intake, service
):
    raw = _with_text('"👩‍👩‍👧 مرحبا \\u00e9\\u0041 \\ud83d\\ude00"'.encode())
    assert post_webhook(raw).status_code == 200
    assert bytes(Inbound.objects.get().payload) == raw  # what Meta signed, as it was
    run_intake()
    assert Message.objects.get().text == "👩‍👩‍👧 مرحبا éA 😀"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda good: good[:-1],  # truncated
        lambda good: good[:40],
        lambda good: "sha1=" + good[7:],
        lambda good: "sha256=" + good[7:].upper()[:-1] + "0",
        lambda good: good + "00",
    ],
)
def test_a2_a_mangled_signature_is_401_and_stores_nothing(post_webhook, mangle):
    body = fixture("text")
    assert post_webhook(body, signature=mangle(sign(APP_SECRET, body))).status_code == 401
    assert not Inbound.objects.exists()


@pytest.mark.parametrize("position", [0, 100, -2])
def test_a3_one_changed_byte_after_signing_is_401(post_webhook, position):
    body = fixture("text")
    signature = sign(APP_SECRET, body)
    changed = bytearray(body)
    changed[position] ^= 0x01
    assert post_webhook(bytes(changed), signature=signature).status_code == 401
    assert not Inbound.objects.exists()


def test_a4_the_challenge_is_echoed_exactly_as_plain_text(client, account):
    params = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "42"}
    response = client.get(URL, params)
    assert (response.status_code, response.content) == (200, b"42")
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN},
        {"hub.verify_token": VERIFY_TOKEN},
        {"hub.mode": "subscribe", "hub.verify_token": "wrong"},
        {"hub.mode": "subscribe"},
    ],
)
def test_a5_a_wrong_handshake_is_403_and_echoes_nothing(client, account, params):
    challenge = "<script>alert(1)</script>"
    response = client.get(URL, params | {"hub.challenge": challenge})
    assert response.status_code == 403
    assert b"script" not in response.content


def test_a5_an_oversized_challenge_is_not_echoed(client, account):
    params = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN}
    response = client.get(URL, params | {"hub.challenge": "1" * 1_000_000})
    assert response.status_code == 400
    assert len(response.content) < 1000


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""],
)
def test_a11_a_signed_body_with_another_content_type_is_still_stored(client, account, content_type):
    body = fixture("text")
    headers = {"X-Hub-Signature-256": sign(APP_SECRET, body)}
    response = client.generic("POST", URL, body, content_type=content_type, headers=headers)
    assert response.status_code == 200
    assert bytes(Inbound.objects.get().payload) == body


def test_a11_a_gzip_body_is_a_clear_400_not_a_500(client, account):
    body = gzip.compress(fixture("text"))
    headers = {"X-Hub-Signature-256": sign(APP_SECRET, body), "Content-Encoding": "gzip"}
    response = client.post(URL, body, content_type="application/json", headers=headers)
    assert response.status_code == 400
    assert not Inbound.objects.exists()


def test_b2_the_same_wamid_a_week_later_is_still_one_message(post_webhook, run_intake, service):
    assert post_webhook(text_payload("wamid.LATE", "Hallo", 1_764_000_000)).status_code == 200
    run_intake()
    week = timedelta(days=8)
    for row in Inbound.objects.all():
        Inbound.objects.filter(pk=row.pk).update(received_at=row.received_at - week)
    # Meta's retry re-packs the batch: other bytes, so only the wamid can recognise it
    late = json.dumps(json.loads(text_payload("wamid.LATE", "Hallo", 1_764_000_000)), indent=1)
    assert post_webhook(late.encode()).status_code == 200
    run_intake()
    assert Message.objects.filter(provider_id="wamid.LATE").count() == 1
    assert not Inbound.objects.filter(status=Inbound.Status.QUARANTINED).exists()


def test_d6_a_lone_surrogate_or_nul_is_filed_with_replacement_characters(
    post_webhook, run_intake, service
):
    raw = _with_text(b'"Hallo \\ud800 en \\u0000 nul"')
    assert post_webhook(raw).status_code == 200
    run_intake()
    assert Inbound.objects.get().status == Inbound.Status.PROCESSED
    assert Message.objects.get().text == "Hallo \ufffd en \ufffd nul"


def test_d7_zwj_emoji_and_a_64_kb_word_are_stored_exactly(post_webhook, run_intake, service):
    text = "👨‍👩‍👧‍👦🏳️‍🌈 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 " + "x" * 65_536
    assert post_webhook(text_payload("wamid.LONG", text, 1_764_000_000)).status_code == 200
    run_intake()
    assert Message.objects.get().text == text


def test_f1_a_3_mb_batch_is_accepted(post_webhook, run_intake, service):
    data = json.loads(fixture("text"))
    message = data["entry"][0]["changes"][0]["value"]["messages"][0]
    message["text"]["body"] = "lang " * 600_000  # 3 MB of text: Meta batches reach this size
    body = json.dumps(data).encode()
    assert len(body) > 3_000_000
    assert post_webhook(body).status_code == 200
    run_intake()
    assert Message.objects.get().provider_id == message["id"]


@pytest.mark.parametrize(
    "body",
    [b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000],
)
def test_f2_json_nested_too_deeply_is_400_not_500(post_webhook, body):
    response = post_webhook(body)
    assert response.status_code == 400
    assert not Inbound.objects.exists()
