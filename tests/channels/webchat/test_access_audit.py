"""H1 on the agents' chat typing socket: another team's agent opening /ws/webchat/agent/<id>/
is closed exactly like for a conversation that does not exist, and the audit log records the
refusal with the socket's route and the ASGI client's address (never a forwarded header); a
missing id writes no line."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from bereikbaar.asgi import application
from bereikbaar.contacts.models import Contact
from bereikbaar.conversations.models import AccessEntry, Conversation

from .conftest import run

pytestmark = pytest.mark.django_db(transaction=True)


def agent_socket(user, path: str, ip: str = "192.0.2.7") -> WebsocketCommunicator:
    client = Client()
    client.force_login(user)
    headers = [
        (b"origin", b"http://localhost"),
        (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
        (b"x-forwarded-for", b"198.51.100.1"),
    ]
    ws = WebsocketCommunicator(application, path, headers=headers)
    ws.scope["client"] = (ip, 50000)
    return ws


async def close_code(user, path: str) -> dict:
    ws = await database_sync_to_async(agent_socket)(user, path)
    await ws.connect()
    closed = await ws.receive_output(timeout=2)
    await ws.wait()
    return closed


@pytest.fixture
def chat(service) -> Conversation:
    contact = Contact.objects.create(name="Bezoeker")
    contact.identities.create(kind="webchat", value="visitor-1")
    return Conversation.objects.create(contact=contact, team=service)


def entries() -> list[tuple]:
    rows = AccessEntry.objects.order_by("id")
    return list(rows.values_list("action", "actor__username", "conversation_id", "route", "ip"))


def test_another_teams_chat_is_a_refusal_closed_like_a_missing_one(chat, bram):
    async def body():
        hidden = await close_code(bram, f"/ws/webchat/agent/{chat.pk}/")
        absent = await close_code(bram, f"/ws/webchat/agent/{chat.pk + 1000}/")
        huge = await close_code(bram, f"/ws/webchat/agent/{2**64}/")
        assert hidden == absent == huge == {"type": "websocket.close", "code": 4403}

    run(body)
    route = f"WS /ws/webchat/agent/{chat.pk}/"
    assert entries() == [(AccessEntry.Action.REFUSED, "bram", chat.pk, route, "192.0.2.7")]


def test_the_teams_own_agent_is_let_in_and_writes_no_refusal(chat, anna):
    async def body():
        ws = await database_sync_to_async(agent_socket)(anna, f"/ws/webchat/agent/{chat.pk}/")
        connected, _ = await ws.connect()
        assert connected
        await ws.receive_nothing(timeout=0.2)
        await ws.disconnect()

    run(body)
    assert not AccessEntry.objects.filter(action=AccessEntry.Action.REFUSED).exists()
