"""Reliability catalogue A12 for the WhatsApp webhook (docs/reliability-map.md): rotating the
app secret with an overlap window. The previous secret is accepted only until
`previous_valid_until`; the current one always."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from bereikbaar.channels.whatsapp.signature import sign
from bereikbaar.conversations.models import Message
from bereikbaar.intake.models import Inbound

from .conftest import APP_SECRET, text_payload

OLD_SECRET = "the-secret-before-the-rotation"


def rotate(account, until):
    """As the admin's steps say: the old secret into "previous", a date, the new one pasted."""
    account.previous_app_secret = OLD_SECRET
    account.previous_valid_until = until
    account.save()


def test_a12_the_previous_secret_is_accepted_within_the_window_and_filed_once(
    account, post_webhook, run_intake, service
):
    rotate(account, timezone.now() + timedelta(hours=1))
    body = text_payload("wamid.ROT-1", "Gestuurd tijdens de wissel", time.time() - 5)
    assert post_webhook(body, signature=sign(OLD_SECRET, body)).status_code == 200
    assert post_webhook(body, signature=sign(OLD_SECRET, body)).status_code == 200  # Meta's retry
    run_intake()
    assert Inbound.objects.count() == 1
    message = Message.objects.get(channel="whatsapp", provider_id="wamid.ROT-1")
    assert message.text == "Gestuurd tijdens de wissel"


@pytest.mark.parametrize("until", [timedelta(seconds=-1), timedelta(days=-30), None])
def test_a12_after_the_window_the_previous_secret_is_refused_and_nothing_stored(
    account, post_webhook, run_intake, until
):
    rotate(account, None if until is None else timezone.now() + until)
    body = text_payload("wamid.ROT-2", "Te laat", time.time() - 5)
    response = post_webhook(body, signature=sign(OLD_SECRET, body))
    assert response.status_code == 401  # as for any bad signature on this webhook
    assert response.json()["error"] == "bad_signature"
    run_intake()
    assert not Inbound.objects.exists()
    assert not Message.objects.exists()


@pytest.mark.parametrize("until", [timedelta(hours=1), timedelta(seconds=-1), None])
def test_a12_the_current_secret_always_works(account, post_webhook, run_intake, service, until):
    rotate(account, None if until is None else timezone.now() + until)
    body = text_payload("wamid.ROT-3", "Met het nieuwe geheim", time.time() - 5)
    assert post_webhook(body, signature=sign(APP_SECRET, body)).status_code == 200
    run_intake()
    assert Message.objects.get().provider_id == "wamid.ROT-3"


def test_a12_a_window_is_no_master_key_for_other_secrets(account, post_webhook):
    rotate(account, timezone.now() + timedelta(hours=1))
    body = text_payload("wamid.ROT-4", "Vervalst", time.time() - 5)
    assert post_webhook(body, signature=sign("neither-secret", body)).status_code == 401
    assert not Inbound.objects.exists()


def test_a12_the_admin_shows_the_rotation_fields_and_how_to_rotate(admin_client, account):
    response = admin_client.get(f"/admin/channel_whatsapp/account/{account.pk}/change/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="previous_app_secret"' in page
    assert 'name="previous_valid_until_0"' in page  # the admin's date and time inputs
    assert "Sleutelwissel" in page
    assert "zet het huidige geheim bij" in page
