"""Catalogue L3/L4: after a WhatsApp customer is erased, Meta redelivering one of their old
messages (same wamid, within its retry window) neither re-creates the person nor brings their
words back: not as a message, and not in the raw copy intake keeps of the webhook."""

import json
import time

import pytest

from bereikbaar.contacts.models import Contact
from bereikbaar.contacts.privacy import erase
from bereikbaar.conversations.models import Message
from bereikbaar.intake.models import Inbound

from .conftest import text_payload

pytestmark = pytest.mark.django_db

SECRET = "Hoefijzerlaan negentien"


@pytest.mark.parametrize("envelope", ["same bytes", "re-serialised"])
def test_l4_a_redelivered_wamid_after_erasure_brings_nothing_back(
    post_webhook, run_intake, service, envelope
):
    body = text_payload("wamid.ERASED1", f"Ik woon op de {SECRET}", time.time() - 60)
    assert post_webhook(body).status_code == 200
    run_intake()
    erase(Contact.objects.get())

    again = body if envelope == "same bytes" else json.dumps(json.loads(body), indent=1).encode()
    assert post_webhook(again).status_code == 200
    run_intake()

    assert not Contact.objects.filter(erased_at__isnull=True).exists()
    assert not Message.objects.filter(text__contains=SECRET).exists()
    kept = b"".join(bytes(p) for p in Inbound.objects.values_list("payload", flat=True))
    assert SECRET.encode() not in kept
    assert b"31612345678" not in kept


def test_l4_a_new_message_from_an_erased_number_is_a_new_contact_and_is_kept(
    post_webhook, run_intake, service
):
    """Erasure is not a block list: the person may write again, and is then filed again."""
    post_webhook(text_payload("wamid.OLD", f"Ik woon op de {SECRET}", time.time() - 60))
    run_intake()
    erase(Contact.objects.get())
    post_webhook(text_payload("wamid.NEW", "Ik ben er weer", time.time()))
    run_intake()
    assert Message.objects.get(provider_id="wamid.NEW").text == "Ik ben er weer"
    assert Contact.objects.filter(erased_at__isnull=True).count() == 1
