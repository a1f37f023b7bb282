"""The simulator's WhatsApp, SMS and phone customers go the real way in, over HTTP.

The form is posted with Django's test client; the simulator then POSTs, signed, to a live server
(pytest-django's, in this process: BEREIKBAAR_SIMULATOR_URL points the simulator at it), whose
real webhook views check the signature and accept. The intake queue is drained here.
"""

import json
import time

import pytest
from django.test import override_settings

from bereikbaar.channels.sms.models import Account as SmsAccount
from bereikbaar.channels.sms.simulate import sms_webhook
from bereikbaar.channels.voice.models import Call, Line
from bereikbaar.channels.whatsapp.models import Account as WhatsAppAccount
from bereikbaar.channels.whatsapp.simulate import text_webhook
from bereikbaar.contacts.models import Identity
from bereikbaar.conversations.models import Message
from bereikbaar.demo.self_http import Target, post
from bereikbaar.intake.models import Inbound
from bereikbaar.realtime import events

CUSTOMER = "+31612345678"
CTI_TOKEN = "pbx-simulator-test"


@pytest.fixture
def simulator(client, anna, live_server):
    """The agent's browser on the simulator, pointed at the live server; returns post(**form)."""
    client.force_login(anna)
    with override_settings(BEREIKBAAR_SIMULATOR_URL=live_server.url):

        def send(**fields):
            return client.post("/simulator/", {"name": "Karin Klant", **fields})

        yield send


@pytest.fixture
def target(live_server) -> Target:
    return Target(connect=live_server.url, host=live_server.url.split("//", 1)[1])


@pytest.fixture
def whatsapp(db) -> WhatsAppAccount:
    return WhatsAppAccount.objects.create(
        phone_number_id="106540352242922",
        app_secret="echte-app-secret",
        verify_token="v",
        access_token="t",
        api_base="http://127.0.0.1:9",
    )


@pytest.fixture
def twilio(db) -> SmsAccount:
    return SmsAccount.objects.create(
        account_sid="AC" + "1" * 32,
        auth_token="echte-auth-token",
        number="+3197010203040",
        api_base="http://127.0.0.1:9",
    )


@pytest.fixture
def line(service) -> Line:
    return Line.objects.create(name="Klantenservice", token=CTI_TOKEN, number="+31201234567")


@pytest.fixture
def published(monkeypatch):
    sent = []
    monkeypatch.setattr(
        "bereikbaar.realtime.publish.send_now",
        lambda groups, message: sent.append((groups, message)),
    )
    return sent


def test_whatsapp_goes_through_the_signed_webhook(simulator, whatsapp, target, run_intake):
    response = simulator(channel="whatsapp", address="06-12345678", text="Mijn omvormer piept")
    assert response.status_code == 302
    inbound = Inbound.objects.get()
    assert inbound.channel == "whatsapp"
    payload = json.loads(bytes(inbound.payload))
    assert payload["object"] == "whatsapp_business_account"
    run_intake()
    message = Message.objects.get()
    assert (message.channel, message.direction) == ("whatsapp", "inbound")
    assert message.text == "Mijn omvormer piept"
    assert Identity.objects.filter(kind="whatsapp", value=CUSTOMER).exists()

    # the same webhook signed with any other secret is refused by that same endpoint
    forged = WhatsAppAccount(phone_number_id=whatsapp.phone_number_id, app_secret="geraden")
    body, headers = text_webhook(forged, CUSTOMER, "Vals bericht")
    status, _ = post(target, "/channels/whatsapp/webhook", body, headers)
    assert status == 401
    assert Inbound.objects.count() == 1


def test_a_webhook_that_refuses_shows_on_the_page(simulator, whatsapp, monkeypatch):
    """Proof the message takes the HTTP path: the webhook's own check can stop it."""
    monkeypatch.setattr("bereikbaar.channels.whatsapp.views.valid", lambda *a: False)
    response = simulator(channel="whatsapp", address="0612345678", text="Hallo")
    assert response.status_code == 400
    assert "weigerde het WhatsApp-bericht (401)" in response.content.decode()
    assert not Inbound.objects.exists()


def test_sms_goes_through_the_twilio_signed_webhook(simulator, twilio, target, run_intake):
    response = simulator(channel="sms", address="0612345678", text="Wanneer komt de monteur?")
    assert response.status_code == 302
    inbound = Inbound.objects.get()
    assert inbound.channel == "sms" and inbound.dedupe_key.startswith("SM")
    run_intake()
    message = Message.objects.get()
    assert (message.channel, message.text) == ("sms", "Wanneer komt de monteur?")
    assert message.conversation.contact.identities.filter(value=CUSTOMER).exists()

    forged = SmsAccount(account_sid=twilio.account_sid, auth_token="geraden", number=twilio.number)
    body, headers = sms_webhook(forged, CUSTOMER, "Vals", base_url=target.base_url)
    status, _ = post(target, "/channels/twilio/sms", body, headers)
    assert status == 403
    assert Inbound.objects.count() == 1


def test_a_call_pops_the_screen_and_the_buttons_answer_and_hang_up(
    simulator, client, line, anna, run_intake, published
):
    response = simulator(channel="phone", address="06 12345678", then="wait")
    assert response.status_code == 302
    run_intake()
    call = Call.objects.get()
    assert (call.state, call.number) == ("ringing", CUSTOMER)
    ringing = [m for _, m in published if m["event"] == events.CALL_RINGING]
    assert [m["payload"] for m in ringing] == [{"call_id": call.pk}]
    assert "gaat over" in client.get("/simulator/gesprek/").content.decode()

    client.post("/simulator/gesprek/", {"action": "answer", "agent": "anna"})
    run_intake()
    call.refresh_from_db()
    assert (call.state, call.answered_by) == ("answered", anna)
    assert "met anna" in client.get("/simulator/gesprek/").content.decode()

    client.post("/simulator/gesprek/", {"action": "hangup"})
    run_intake()
    call.refresh_from_db()
    assert (call.state, call.outcome) == ("ended", "answered")
    message = Message.objects.get(channel="phone")
    assert message.pk == call.message_id
    assert "Aangenomen door: anna" in message.text
    assert Inbound.objects.filter(channel="phone").count() == 3
    fragment = client.get("/simulator/gesprek/").content.decode()
    assert "beantwoord" in fragment and "Ophangen" not in fragment
    again = client.post("/simulator/gesprek/", {"action": "hangup"}, follow=True)
    assert "Dat kan niet meer" in again.content.decode()
    assert Inbound.objects.filter(channel="phone").count() == 3


def test_a_call_rings_for_the_chosen_pause_then_the_customer_hangs_up(simulator, line, run_intake):
    response = simulator(channel="phone", address="0612345678", ring_seconds=1, then="hangup")
    assert response.status_code == 302
    deadline = time.monotonic() + 10
    while Inbound.objects.filter(channel="phone").count() < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    run_intake()
    call = Call.objects.get()
    assert call.state == "ended" and call.outcome in ("missed", "abandoned")
    assert (call.ended_at - call.started_at).total_seconds() >= 1


def test_a_channel_not_set_up_says_how(simulator, client, db):
    response = simulator(channel="whatsapp", address="0612345678", text="Hallo")
    assert response.status_code == 400
    page = response.content.decode()
    assert "bereikbaar channel add whatsapp" in page
    assert "bereikbaar channel add cti" in page  # the set-up list
    assert "nepgegevens" not in page  # an agent gets the command, not the button
    response = simulator(channel="phone", address="0612345678")
    assert "bereikbaar channel add cti" in response.content.decode()
    assert not Inbound.objects.exists()


def test_a_whatsapp_customer_needs_a_phone_number(simulator, whatsapp):
    response = simulator(channel="whatsapp", address="karin@voorbeeld.nl", text="Hallo")
    assert response.status_code == 400
    assert "heeft een telefoonnummer nodig" in response.content.decode()


def test_staff_may_create_a_labelled_demo_channel(client, alice, anna):
    client.force_login(alice)
    page = client.get("/simulator/").content.decode()
    assert "Maak een demo-WhatsApp-nummer met nepgegevens" in page
    response = client.post("/simulator/demo-kanaal/", {"channel": "whatsapp"}, follow=True)
    assert "Demokanaal aangemaakt (nepgegevens" in response.content.decode()
    assert WhatsAppAccount.objects.get().api_base == "http://127.0.0.1:9"
    assert client.post("/simulator/demo-kanaal/", {"channel": "fax"}).status_code == 400

    client.force_login(anna)
    assert client.post("/simulator/demo-kanaal/", {"channel": "sms"}).status_code == 403
    assert not SmsAccount.objects.exists()


def test_a_button_before_the_pause_ends_cancels_the_plan(simulator, client, line, run_intake):
    simulator(channel="phone", address="0612345678", ring_seconds=2, then="answer:anna")
    fragment = client.get("/simulator/gesprek/").content.decode()
    assert "Gepland: over 2 s: opnemen door anna" in fragment
    client.post("/simulator/gesprek/", {"action": "hangup"})
    time.sleep(2.5)  # the planned answer would have come by now
    run_intake()
    assert Inbound.objects.filter(channel="phone").count() == 2
    call = Call.objects.get()
    assert call.state == "ended" and call.answered_by is None
