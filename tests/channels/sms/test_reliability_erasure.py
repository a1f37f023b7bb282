"""Catalogue L4 for Twilio: a message replayed from Twilio's console after its sender was erased
(same MessageSid; a replay may add parameters, so the bytes differ) brings nothing back."""

import pytest

from bereikbaar.contacts.models import Contact
from bereikbaar.contacts.privacy import erase
from bereikbaar.conversations.models import Message
from bereikbaar.intake.models import Inbound

from .conftest import form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("replay", ["same form", "extra parameter"])
def test_l4_a_replayed_sms_after_erasure_brings_nothing_back(post_sms, run_intake, service, replay):
    params = form("inbound_sms")
    assert post_sms(params).status_code == 200
    run_intake()
    erase(Contact.objects.get())

    again = params if replay == "same form" else {**params, "ReplayedFrom": "console"}
    assert post_sms(again).status_code == 200
    run_intake()

    assert not Contact.objects.filter(erased_at__isnull=True).exists()
    assert not Message.objects.exclude(text="").exists()
    kept = b"".join(bytes(p) for p in Inbound.objects.values_list("payload", flat=True))
    assert b"monteur" not in kept and b"31612345678" not in kept
