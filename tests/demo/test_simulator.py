"""The customer simulator: the real API-channel path in, agent replies out, signed callbacks."""

import json

import pytest
from django.test import override_settings

from bereikbaar.channels.api.sender import signature
from bereikbaar.contacts.models import Identity
from bereikbaar.conversations.models import Message
from bereikbaar.intake.models import Inbound
from tests.conftest import make_agent

FORM = {"name": "Karin Klant", "address": "06-12345678", "text": "Mijn omvormer staat op rood."}


@pytest.fixture
def agent_client(client, anna):
    client.force_login(anna)
    return client


def test_requires_login(client, db):
    response = client.get("/simulator/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_requires_agent_or_staff(client, django_user_model):
    user = django_user_model.objects.create_user("piet", password="geheim-wachtwoord")
    client.force_login(user)
    assert client.get("/simulator/").status_code == 403


def test_staff_may_use_it(client, alice):
    client.force_login(alice)
    response = client.get("/simulator/")
    assert response.status_code == 200
    assert "Speel een klant" in response.content.decode()


def test_post_goes_the_api_channel_way(agent_client, run_intake):
    response = agent_client.post("/simulator/", FORM)
    assert response.status_code == 302
    inbound = Inbound.objects.get()
    assert inbound.channel == "api"
    assert inbound.dedupe_key.startswith("simulator-")
    payload = json.loads(bytes(inbound.payload))
    assert payload["from"] == {"name": "Karin Klant", "phone": "+31612345678"}

    page = agent_client.get("/simulator/").content.decode()
    assert f"Ontvangen als #{inbound.pk}" in page

    run_intake()
    inbound.refresh_from_db()
    assert inbound.status == Inbound.Status.PROCESSED
    message = Message.objects.get()
    assert message.channel == "api" and message.direction == "inbound"
    assert message.conversation_id == inbound.conversation_id
    assert Identity.objects.get(kind="phone").value == "+31612345678"

    fragment = agent_client.get("/simulator/berichten/").content.decode()
    assert f"/conversations/{inbound.conversation_id}/" in fragment
    assert "Mijn omvormer staat op rood." in fragment


def test_replies_of_agents_are_listed(agent_client, anna, run_intake):
    agent_client.post("/simulator/", {**FORM, "address": "karin@voorbeeld.nl"})
    run_intake()
    conversation = Message.objects.get().conversation
    Message.objects.create(
        conversation=conversation,
        direction="outbound",
        channel="api",
        author=anna,
        text="We sturen morgen een monteur.",
    )
    Message.objects.create(
        conversation=conversation,
        direction="note",
        channel="api",
        author=anna,
        text="Interne notitie: geheim",
    )
    fragment = agent_client.get("/simulator/berichten/").content.decode()
    assert "We sturen morgen een monteur." in fragment
    assert "geheim" not in fragment


def test_second_message_joins_the_same_conversation(agent_client, run_intake):
    agent_client.post("/simulator/", FORM)
    agent_client.post("/simulator/", {**FORM, "text": "Nog een vraag"})
    run_intake()
    assert Inbound.objects.count() == 2
    assert len({m.conversation_id for m in Message.objects.all()}) == 1


def test_invalid_address_is_refused(agent_client):
    response = agent_client.post("/simulator/", {**FORM, "address": "geen nummer"})
    assert response.status_code == 400
    assert "geen geldig telefoonnummer" in response.content.decode()
    assert not Inbound.objects.exists()


def test_assets_are_found_by_the_static_finders():
    from django.contrib.staticfiles import finders

    assert finders.find("demo/simulator.css")
    assert finders.find("demo/simulator.js")


CALLBACK = {"message_id": 12, "conversation_id": 3, "to": [], "text": "Hallo"}


def test_callback_without_secret_accepts(client, db):
    with override_settings(BEREIKBAAR_API_CALLBACK_SECRET=""):
        response = client.post("/simulator/callback", CALLBACK, content_type="application/json")
    assert response.status_code == 200


@override_settings(BEREIKBAAR_API_CALLBACK_SECRET="demo-geheim")
def test_callback_checks_the_signature(client, db):
    body = json.dumps(CALLBACK).encode()
    good = client.post(
        "/simulator/callback",
        body,
        content_type="application/json",
        headers={"X-Bereikbaar-Signature": signature("demo-geheim", body)},
    )
    assert good.status_code == 200
    forged = client.post(
        "/simulator/callback",
        body,
        content_type="application/json",
        headers={"X-Bereikbaar-Signature": signature("iets-anders", body)},
    )
    assert forged.status_code == 403
    missing = client.post("/simulator/callback", body, content_type="application/json")
    assert missing.status_code == 403


def test_callback_refuses_garbage(client, db):
    with override_settings(BEREIKBAAR_API_CALLBACK_SECRET=""):
        assert (
            client.post("/simulator/callback", "nee", content_type="text/plain").status_code == 400
        )
        assert client.get("/simulator/callback").status_code == 405


def test_reply_sent_by_the_api_channel_reaches_the_simulator(
    agent_client, anna, run_intake, live_server
):
    """The real sender posts to the simulator's callback; the page marks the reply delivered."""
    from bereikbaar.channels.api.sender import send

    agent_client.post("/simulator/", FORM)
    run_intake()
    conversation = Message.objects.get().conversation
    reply = Message.objects.create(
        conversation=conversation,
        direction="outbound",
        channel="api",
        author=anna,
        text="Zet de groep even uit en aan.",
    )
    with override_settings(
        BEREIKBAAR_API_CALLBACK_URL=f"{live_server.url}/simulator/callback",
        BEREIKBAAR_API_CALLBACK_SECRET="demo-geheim",
    ):
        assert send(reply).startswith(f"api-out-{reply.pk}-200")
    fragment = agent_client.get("/simulator/berichten/").content.decode()
    assert "ontvangen via callback" in fragment


def test_other_agents_may_use_it(client, billing):
    client.force_login(make_agent("bert", billing))
    assert client.get("/simulator/").status_code == 200
