"""Reliability catalogue A7/A9 for the Twilio SMS webhook (docs/reliability-map.md), signed with
the official twilio RequestValidator: proxy URL variants pass, tampering fails."""

import hashlib
import json

import pytest
from twilio.request_validator import RequestValidator

from bereikbaar.intake.models import Inbound

from .conftest import AUTH_TOKEN, PUBLIC_URL, form

PATH = "/channels/twilio/sms"


@pytest.mark.parametrize("public", [PUBLIC_URL, PUBLIC_URL + ":443"])
def test_a7_twilio_signing_with_or_without_the_port_is_accepted(client, account, public):
    params = form("inbound_sms")
    signature = RequestValidator(AUTH_TOKEN).compute_signature(public + PATH, params)
    response = client.post(PATH, data=params, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200


def test_a7_signed_over_http_when_we_are_https_is_refused(client, account):
    params = form("inbound_sms")
    url = PUBLIC_URL.replace("https://", "http://") + PATH
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, params)
    response = client.post(PATH, data=params, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403
    assert not Inbound.objects.exists()


def test_a7_a_removed_parameter_breaks_the_signature(client, account):
    params = form("inbound_sms")
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + PATH, params)
    del params["Body"]
    response = client.post(PATH, data=params, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403


def _json_request(body: bytes, signed_body: bytes) -> tuple[str, str]:
    digest = hashlib.sha256(signed_body).hexdigest()
    query = f"?bodySHA256={digest}"
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + PATH + query, {})
    return PATH + query, signature


def test_a9_an_altered_json_body_is_refused_by_its_body_hash(client, account):
    signed = json.dumps({"MessageSid": "SMjson", "Body": "origineel"}).encode()
    altered = signed.replace(b"origineel", b"veranderd")
    path, signature = _json_request(altered, signed)
    response = client.post(
        path, altered, content_type="application/json", headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 403
    assert not Inbound.objects.exists()


def test_a9_an_intact_json_body_passes_the_signature(client, account):
    body = json.dumps({"MessageSid": "SMjson", "Body": "origineel"}).encode()
    path, signature = _json_request(body, body)
    response = client.post(
        path, body, content_type="application/json", headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code != 403  # past the signature; no form MessageSid: a clear 400
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("text/plain", b"Body=hallo"), ("application/json", b"[[[["), ("", b"\xff\xfe\x00")],
)
def test_a11_odd_content_types_are_4xx_never_500(client, account, content_type, body):
    response = client.generic(
        "POST", PATH, body, content_type=content_type, headers={"X-Twilio-Signature": "eA=="}
    )
    assert 400 <= response.status_code < 500
    assert not Inbound.objects.exists()
