"""Reliability catalogue A12 and A7's secondary auth token for the Twilio voice line
(docs/reliability-map.md): the twilio RequestValidator with the line's previous token passes
only until `previous_valid_until`; the current token always."""

from datetime import timedelta

import pytest
from django.utils import timezone
from twilio.request_validator import RequestValidator

from bereikbaar.channels.voice.models import Call
from bereikbaar.intake.models import Inbound

from .conftest import PUBLIC_URL
from .standins import AUTH_TOKEN

PATH = "/channels/twilio/voice"
OLD_TOKEN = "the-token-before-the-rotation-000"


def rotate(line, until):
    line.previous_auth_token = OLD_TOKEN
    line.previous_valid_until = until
    line.save()


def ringing(**extra) -> dict[str, str]:
    return {
        "AccountSid": "AC" + "0" * 32,
        "CallSid": "CA" + "7" * 32,
        "CallStatus": "ringing",
        "Direction": "inbound",
        "From": "+31612345678",
        "To": "+31201234567",
        **extra,
    }


def post_signed(client, token: str, params: dict):
    signature = RequestValidator(token).compute_signature(PUBLIC_URL + PATH, params)
    return client.post(PATH, params, headers={"X-Twilio-Signature": signature})


def test_a12_the_previous_token_is_accepted_within_the_window_and_filed_once(
    client, twilio_line, run_intake
):
    rotate(twilio_line, timezone.now() + timedelta(hours=1))
    assert post_signed(client, OLD_TOKEN, ringing()).status_code == 200
    assert post_signed(client, OLD_TOKEN, ringing()).status_code == 200  # Twilio's retry
    run_intake()
    assert Inbound.objects.count() == 1
    assert Call.objects.get().number == "+31612345678"


@pytest.mark.parametrize("until", [timedelta(seconds=-1), None])
def test_a12_after_the_window_the_previous_token_is_403_and_nothing_stored(
    client, twilio_line, run_intake, until
):
    rotate(twilio_line, None if until is None else timezone.now() + until)
    assert post_signed(client, OLD_TOKEN, ringing()).status_code == 403
    run_intake()
    assert not Inbound.objects.exists()
    assert not Call.objects.exists()


@pytest.mark.parametrize("until", [timedelta(hours=1), timedelta(seconds=-1)])
def test_a12_the_current_token_always_works(client, twilio_line, run_intake, until):
    rotate(twilio_line, timezone.now() + until)
    assert post_signed(client, AUTH_TOKEN, ringing()).status_code == 200
    run_intake()
    assert Call.objects.count() == 1


def test_a7_the_previous_token_does_not_excuse_a_tampered_parameter(client, twilio_line):
    rotate(twilio_line, timezone.now() + timedelta(hours=1))
    params = ringing()
    signature = RequestValidator(OLD_TOKEN).compute_signature(PUBLIC_URL + PATH, params)
    params["From"] = "+31600000000"
    response = client.post(PATH, params, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403
    assert not Inbound.objects.exists()


def test_a12_the_admin_shows_the_rotation_fields_and_how_to_rotate(admin_client, twilio_line):
    response = admin_client.get(f"/admin/channel_voice/line/{twilio_line.pk}/change/")
    page = response.content.decode()
    assert response.status_code == 200
    for name in ("previous_auth_token", "previous_valid_until_0", "signing_secret"):
        assert f'name="{name}"' in page
    assert "Sleutelwissel" in page
    assert "zet het huidige token bij" in page
