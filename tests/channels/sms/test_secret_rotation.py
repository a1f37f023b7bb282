"""Reliability catalogue A12 and A7's secondary auth token for the Twilio SMS webhook
(docs/reliability-map.md): signed by the official twilio RequestValidator with the previous
token, accepted only until `previous_valid_until`; the current token always."""

from datetime import timedelta

import pytest
from django.utils import timezone
from twilio.request_validator import RequestValidator

from bereikbaar.conversations.models import Message
from bereikbaar.intake.models import Inbound

from .conftest import AUTH_TOKEN, FORM, PUBLIC_URL, form

PATH = "/channels/twilio/sms"
OLD_TOKEN = "the-token-before-the-rotation-0000"


def rotate(account, until):
    account.previous_auth_token = OLD_TOKEN
    account.previous_valid_until = until
    account.save()


def post_signed(client, token: str, params: dict):
    signature = RequestValidator(token).compute_signature(PUBLIC_URL + PATH, params)
    return client.post(PATH, data=params, headers={"X-Twilio-Signature": signature})


def test_a12_the_previous_token_is_accepted_within_the_window_and_filed_once(
    client, account, run_intake, service
):
    rotate(account, timezone.now() + timedelta(hours=1))
    params = form("inbound_sms")
    assert post_signed(client, OLD_TOKEN, params).status_code == 200
    assert post_signed(client, OLD_TOKEN, params).status_code == 200  # the same MessageSid again
    run_intake()
    assert Inbound.objects.count() == 1
    assert Message.objects.get().text.startswith("Hoi, mijn monteur is niet gekomen")


@pytest.mark.parametrize("until", [timedelta(seconds=-1), timedelta(days=-30), None])
def test_a12_after_the_window_the_previous_token_is_403_and_nothing_stored(
    client, account, run_intake, until
):
    rotate(account, None if until is None else timezone.now() + until)
    response = post_signed(client, OLD_TOKEN, form("inbound_sms"))
    assert response.status_code == 403
    run_intake()
    assert not Inbound.objects.exists()
    assert not Message.objects.exists()


@pytest.mark.parametrize("until", [timedelta(hours=1), timedelta(seconds=-1), None])
def test_a12_the_current_token_always_works(client, account, run_intake, service, until):
    rotate(account, None if until is None else timezone.now() + until)
    assert post_signed(client, AUTH_TOKEN, form("inbound_sms")).status_code == 200
    run_intake()
    assert Message.objects.count() == 1


def test_a7_twilios_secondary_token_is_the_previous_token_during_promotion(
    client, account, run_intake, service
):
    """Twilio's console: create a secondary token, promote it. Until the promotion has reached
    every webhook, Twilio may sign with either; the old primary is kept as "previous"."""
    secondary = "the-secondary-token-now-primary-00"
    account.previous_auth_token, account.auth_token = account.auth_token, secondary
    account.previous_valid_until = timezone.now() + timedelta(minutes=30)
    account.save()
    params = form("inbound_sms")
    status = dict(params, MessageSid="SMstatus0001", MessageStatus="delivered")
    status.pop("Body")
    assert post_signed(client, AUTH_TOKEN, params).status_code == 200  # the old primary
    assert post_signed(client, secondary, status).status_code == 200  # the promoted one
    tampered = dict(params, Body="veranderd", MessageSid="SMtampered01")
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + PATH, params)
    response = client.post(
        PATH, data=tampered, content_type=FORM, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 403  # the extra token does not loosen the signature
    assert Inbound.objects.count() == 2


def test_a12_the_admin_shows_the_rotation_fields_and_how_to_rotate(admin_client, account):
    response = admin_client.get(f"/admin/channel_sms/account/{account.pk}/change/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="previous_auth_token"' in page
    assert 'name="previous_valid_until_0"' in page
    assert "Sleutelwissel" in page
    assert "zet het huidige token bij" in page
