"""Reliability catalogue A10 for POST /channels/cti (docs/reliability-map.md): a line with a
signing secret wants X-Bereikbaar-Timestamp and X-Bereikbaar-Signature (hex HMAC-SHA256 of
"timestamp.body"), fresh within 300 s; anything else is 401 and stores nothing. Lines without
a secret work as before. The HMAC here is computed independently of the code under test."""

import argparse
import hashlib
import hmac
import io
import json
import time
from urllib.parse import urlencode

import pytest

from bereikbaar.channels.voice import setup
from bereikbaar.channels.voice.models import Call, Line
from bereikbaar.channels.voice.simulate import call_events, headers
from bereikbaar.intake.models import Inbound

from .conftest import TOKEN

SECRET = "pbx-ondertekengeheim"
URL = "/channels/cti"


@pytest.fixture
def signed_line(line) -> Line:
    line.signing_secret = SECRET
    line.save(update_fields=["signing_secret"])
    return line


def event(call_id: str = "s1") -> bytes:
    body = {"event": "newCall", "callId": call_id, "direction": "in", "from": "0612345678"}
    return json.dumps(body).encode()


def hmac_hex(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def post(client, body: bytes, timestamp: str | None, signature: str | None, **kwargs):
    sent = {"Authorization": f"Bearer {TOKEN}"}
    if timestamp is not None:
        sent["X-Bereikbaar-Timestamp"] = timestamp
    if signature is not None:
        sent["X-Bereikbaar-Signature"] = signature
    kwargs.setdefault("content_type", "application/json")
    return client.post(URL, body, headers=sent, **kwargs)


def test_a10_a_good_signature_is_accepted_and_filed(client, signed_line, run_intake):
    body, now = event(), str(int(time.time()))
    response = post(client, body, now, hmac_hex(SECRET, now, body))
    assert (response.status_code, response.json()) == (200, {})
    run_intake()
    assert Call.objects.get().number == "+31612345678"


def test_a10_a_signed_form_body_is_accepted(client, signed_line, run_intake):
    body = urlencode({"event": "newCall", "callId": "f1", "from": "0612345678"}).encode()
    now = str(int(time.time()))
    form = "application/x-www-form-urlencoded"
    response = post(client, body, now, hmac_hex(SECRET, now, body).upper(), content_type=form)
    assert response.status_code == 200
    run_intake()
    assert Call.objects.get().call_id == "f1"


@pytest.mark.parametrize("skew", [-270, 270])
def test_a10_a_clock_within_300_seconds_is_believed(client, signed_line, skew):
    """(30 s of margin either side of the limit, so a slow machine does not flip a case.)"""
    body, at = event(), str(int(time.time()) + skew)
    assert post(client, body, at, hmac_hex(SECRET, at, body)).status_code == 200
    assert Inbound.objects.count() == 1


def _tampered_body(now):
    return event().replace(b"0612345678", b"0687654321"), now, hmac_hex(SECRET, now, event())


def _wrong_secret(now):
    return event(), now, hmac_hex("een-ander-geheim", now, event())


def _stale(now):
    old = str(int(now) - 330)
    return event(), old, hmac_hex(SECRET, old, event())


def _future(now):
    later = str(int(now) + 330)
    return event(), later, hmac_hex(SECRET, later, event())


def _timestamp_changed(now):
    return event(), str(int(now) + 1), hmac_hex(SECRET, now, event())


def _no_timestamp(now):
    return event(), None, hmac_hex(SECRET, now, event())


def _no_signature(now):
    return event(), now, None


def _not_a_number(now):
    return event(), "gisteren", hmac_hex(SECRET, "gisteren", event())


def _infinite(now):
    return event(), "inf", hmac_hex(SECRET, "inf", event())


@pytest.mark.parametrize(
    "make",
    [
        _tampered_body,
        _wrong_secret,
        _stale,
        _future,
        _timestamp_changed,
        _no_timestamp,
        _no_signature,
        _not_a_number,
        _infinite,
    ],
)
def test_a10_a_bad_signature_or_timestamp_is_401_and_stores_nothing(
    client, signed_line, run_intake, make
):
    body, timestamp, signature = make(str(int(time.time())))
    response = post(client, body, timestamp, signature)
    assert response.status_code == 401
    assert response.json()["error"]  # the views' JSON error, saying which part is wrong
    run_intake()
    assert not Inbound.objects.exists()
    assert not Call.objects.exists()


def test_a10_a_good_signature_does_not_replace_the_token(client, signed_line):
    body, now = event(), str(int(time.time()))
    response = client.post(
        URL,
        body,
        content_type="application/json",
        headers={
            "Authorization": "Bearer not-the-token",
            "X-Bereikbaar-Timestamp": now,
            "X-Bereikbaar-Signature": hmac_hex(SECRET, now, body),
        },
    )
    assert response.status_code == 401
    assert not Inbound.objects.exists()


def test_a10_lines_without_a_secret_work_as_before(client, line, run_intake):
    assert post(client, event("u1"), None, None).status_code == 200
    assert post(client, event("u2"), "1", "junk").status_code == 200  # headers are ignored
    run_intake()
    assert sorted(Call.objects.values_list("call_id", flat=True)) == ["u1", "u2"]


def test_a10_the_simulator_signs_for_a_signed_line(client, signed_line, run_intake):
    body = json.dumps(call_events("0612345678")[0]).encode()
    signed = headers(TOKEN, body, SECRET)  # carries its own Content-Type
    assert client.generic("POST", URL, body, headers=signed).status_code == 200
    unsigned = headers(TOKEN)
    assert "X-Bereikbaar-Signature" not in unsigned
    again = json.dumps({**json.loads(body), "callId": "sim-unsigned"}).encode()
    assert client.generic("POST", URL, again, headers=unsigned).status_code == 401
    assert Inbound.objects.count() == 1


@pytest.mark.django_db
def test_a10_the_signing_secret_can_be_set_and_kept_from_the_command_line():
    out = io.StringIO()
    parser = argparse.ArgumentParser()
    setup.configure(parser)
    assert setup.add(parser.parse_args(["--token", "T9", "--signing-secret", "S"]), out) == 0
    assert Line.objects.get().signing_secret == "S"
    assert "X-Bereikbaar-Signature" in out.getvalue()
    assert setup.add(parser.parse_args(["--token", "T9"]), out) == 0  # a re-run keeps it
    assert Line.objects.get().signing_secret == "S"
    assert setup.add(parser.parse_args(["--token", "T9", "--signing-secret", ""]), out) == 0
    assert Line.objects.get().signing_secret == ""
