"""Catalogue G3 / H14: an agent taken off a team while the inbox is open stops getting that
team's events on the open socket within a few seconds, and the next request for one of its
conversations is a 404. Through the real ASGI stack, the real publish-after-commit path and the
real team membership; only the recheck interval is shortened, so the test need not wait."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import Client

from bereikbaar.asgi import application
from bereikbaar.contacts.models import Contact
from bereikbaar.conversations.models import Conversation
from bereikbaar.delivery.reply import note
from bereikbaar.inbox.consumers import InboxConsumer
from bereikbaar.routing.models import AgentProfile
from tests.conftest import make_agent

pytestmark = pytest.mark.django_db(transaction=True)

RECHECK = 0.3  # seconds; production rechecks less often (InboxConsumer.RECHECK_SECONDS)


def session_cookie(user) -> tuple[bytes, bytes]:
    client = Client()
    client.force_login(user)
    return (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())


def connect(cookie) -> WebsocketCommunicator:
    return WebsocketCommunicator(
        application, "/ws/inbox/", headers=[(b"origin", b"http://localhost"), cookie]
    )


def case_of(team) -> Conversation:
    contact = Contact.objects.create(name=f"Klant van {team.name}")
    return Conversation.objects.create(contact=contact, team=team, subject="Vraag")


def test_g3_h14_an_agent_taken_off_a_team_stops_getting_its_events(
    service, billing, alice, monkeypatch
):
    monkeypatch.setattr(InboxConsumer, "RECHECK_SECONDS", RECHECK)
    dora = make_agent("dora", service, billing)
    billing_case, service_case = case_of(billing), case_of(service)
    as_dora = Client()
    as_dora.force_login(dora)
    assert as_dora.get(f"/conversations/{billing_case.pk}/").status_code == 200

    cookie = session_cookie(dora)

    async def body():
        await get_channel_layer().flush()
        ws = connect(cookie)
        assert (await ws.connect())[0]
        await database_sync_to_async(note)(billing_case, alice, "Voor Billing")
        seen = await ws.receive_json_from(timeout=2)
        assert seen["payload"]["conversation_id"] == billing_case.pk

        profile = await database_sync_to_async(AgentProfile.objects.get)(user=dora)
        await database_sync_to_async(profile.teams.remove)(billing)
        await asyncio.sleep(RECHECK + 0.1)

        await database_sync_to_async(note)(billing_case, alice, "Niet meer voor Dora")
        await database_sync_to_async(note)(service_case, alice, "Wel voor Dora")
        seen = await ws.receive_json_from(timeout=2)
        assert seen["payload"]["conversation_id"] == service_case.pk
        assert await ws.receive_nothing(timeout=0.3)
        await ws.disconnect()

    async_to_sync(body)()
    assert as_dora.get(f"/conversations/{billing_case.pk}/").status_code == 404


def test_g3_a_deactivated_agent_stops_getting_events(service, alice, monkeypatch):
    monkeypatch.setattr(InboxConsumer, "RECHECK_SECONDS", RECHECK)
    dora = make_agent("dora", service)
    case = case_of(service)

    cookie = session_cookie(dora)

    async def body():
        await get_channel_layer().flush()
        ws = connect(cookie)
        assert (await ws.connect())[0]
        dora.is_active = False
        await database_sync_to_async(dora.save)()
        await asyncio.sleep(RECHECK + 0.1)
        await database_sync_to_async(note)(case, alice, "Niet meer voor Dora")
        output = await ws.receive_output(timeout=2)
        assert output == {"type": "websocket.close", "code": 4401}

    async_to_sync(body)()
