"""Reliability catalogue A11/F2 for POST /channels/cti (docs/reliability-map.md): hostile
bodies from a PBX holding a valid token get a clear 4xx, never a 500, and store nothing."""

import gzip
import json

import pytest

from bereikbaar.intake.models import Inbound

from .conftest import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_f2_json_nested_too_deeply_is_422_not_500(client, line):
    body = b'{"event": "newCall", "callId": "c1", "x": ' + b"[" * 30_000 + b"]" * 30_000 + b"}"
    response = client.post("/channels/cti", body, content_type="application/json", headers=AUTH)
    assert response.status_code == 422
    assert "nested" in response.json()["error"]
    assert not Inbound.objects.exists()


@pytest.mark.parametrize(
    ("content_type", "body", "extra"),
    [
        ("application/json", gzip.compress(b'{"event": "newCall"}'), {"Content-Encoding": "gzip"}),
        ("text/plain", b"\xff\xfe\x00garbage", {}),
        ("application/xml", b"<event>newCall</event>", {}),
        ("multipart/form-data; boundary=zz", b"--zz\r\nbroken", {}),
    ],
)
def test_a11_odd_encodings_are_4xx_never_500(client, line, content_type, body, extra):
    response = client.generic(
        "POST", "/channels/cti", body, content_type=content_type, headers=AUTH | extra
    )
    assert 400 <= response.status_code < 500
    assert not Inbound.objects.exists()


def test_a11_a_form_body_is_read_like_json(client, line, run_intake):
    response = client.post(
        "/channels/cti",
        {"event": "newCall", "callId": "form-1", "from": "0612345678", "to": "0201234567"},
        headers=AUTH,
    )
    assert response.status_code == 200
    assert json.loads(bytes(Inbound.objects.get().payload))["cti"]["callId"] == "form-1"
