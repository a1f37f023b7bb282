"""POST /channels/twilio/sms: signed by Twilio's algorithm, stored once, empty TwiML after."""

import pytest
from twilio.request_validator import RequestValidator

from bereikbaar.contacts.models import Consent
from bereikbaar.conversations.models import Message
from bereikbaar.intake.models import Inbound

from .conftest import AUTH_TOKEN, PUBLIC_URL, form


def test_it_matches_twilios_published_vector():
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert (
        RequestValidator("12345").compute_signature(url, params) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    )


def test_an_inbound_sms_is_stored_and_answered_with_empty_twiml(post_sms, run_intake, service):
    response = post_sms("inbound_sms")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml"
    assert response.content == b'<?xml version="1.0" encoding="UTF-8"?><Response />'
    inbound = Inbound.objects.get()
    assert (inbound.dedupe_key, inbound.order_key) == (
        "SM1f0e2d3c4b5a69788796a5b4c3d2e1f0",
        "phone:+31612345678",
    )
    run_intake()
    message = Message.objects.get()
    assert message.text == "Hoi, mijn monteur is niet gekomen. Kunnen jullie bellen?"
    assert message.channel == "sms"
    assert list(message.conversation.contact.identities.values_list("kind", "value")) == [
        ("phone", "+31612345678")
    ]


def test_sms_and_whatsapp_from_one_number_land_on_one_contact(post_sms, run_intake, service):
    from bereikbaar.intake.ingest import ingest
    from bereikbaar.intake.message import InboundMessage

    first = ingest(
        InboundMessage(
            channel="whatsapp",
            provider_id="wamid.X",
            identities=[("whatsapp", "+31612345678"), ("phone", "+31612345678")],
            text="via WhatsApp",
        )
    )
    post_sms("inbound_sms")
    run_intake()
    sms = Message.objects.get(channel="sms")
    assert sms.conversation.contact_id == first.conversation.contact_id


def test_a_retried_sms_is_stored_once(post_sms, run_intake, service):
    assert post_sms("inbound_sms").status_code == 200
    params = form("inbound_sms") | {"I-Twilio-Idempotency-Token": "other"}
    assert post_sms(params).status_code == 200
    run_intake()
    assert Inbound.objects.count() == 1
    assert Message.objects.count() == 1


@pytest.mark.parametrize("signature", ["", "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", "bm9wZQ=="])
def test_it_refuses_a_forged_or_missing_signature(post_sms, signature):
    assert post_sms("inbound_sms", signature=signature).status_code == 403
    assert not Inbound.objects.exists()


def test_a_tampered_parameter_breaks_the_signature(client, account):
    params = form("inbound_sms")
    signature = RequestValidator(AUTH_TOKEN).compute_signature(
        PUBLIC_URL + "/channels/twilio/sms", params
    )
    params["Body"] = "Stuur het geld naar …"
    response = client.post(
        "/channels/twilio/sms", data=params, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 403


def test_a_new_unknown_parameter_still_validates(post_sms, run_intake, service):
    assert post_sms(form("inbound_sms") | {"FooBar": "1"}).status_code == 200
    run_intake()
    assert Message.objects.get()


def test_without_a_public_url_the_request_url_is_used(client, account, run_intake, service):
    account.public_url = ""
    account.save()
    params = form("inbound_sms")
    signature = RequestValidator(AUTH_TOKEN).compute_signature(
        "http://testserver/channels/twilio/sms", params
    )
    response = client.post(
        "/channels/twilio/sms", data=params, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 200


def test_an_oversize_body_gets_413(post_sms):
    assert post_sms({"Body": "x" * (2 * 1024 * 1024), "MessageSid": "SMx"}).status_code == 413


def test_a_body_without_message_sid_gets_400(post_sms):
    assert post_sms({"Body": "hallo", "From": "+31612345678"}).status_code == 400


def test_get_is_not_allowed(client, account):
    assert client.get("/channels/twilio/sms").status_code == 405


@pytest.mark.parametrize("name", ["inbound_stop"])
def test_stop_records_an_opt_out_at_once(post_sms, run_intake, service, name):
    post_sms(name)
    run_intake()
    consent = Consent.objects.get()
    assert (consent.channel, consent.address, consent.granted) == ("sms", "+31612345678", False)
    assert consent.contact == Message.objects.get().conversation.contact  # the one register


def test_a_dutch_afmelden_opts_out_too(post_sms, run_intake, service):
    post_sms(form("inbound_sms") | {"Body": "Afmelden"})
    run_intake()
    assert Consent.objects.get(channel="sms").granted is False
