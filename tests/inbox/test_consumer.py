"""The /ws/inbox/ socket through the real ASGI stack: origin check, session auth, team groups."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import Client

from bereikbaar.asgi import application
from bereikbaar.delivery.reply import note
from bereikbaar.routing.access import team_group

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://localhost")


def session_cookie(user) -> tuple[bytes, bytes]:
    client = Client()
    client.force_login(user)
    return (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())


def socket(*headers) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, "/ws/inbox/", headers=[ORIGIN, *headers])


def event(name: str, **payload) -> dict:
    return {"type": "inbox.event", "event": name, "payload": payload, "at": 0.0}


def run(coroutine_function):
    """Run an async test body in one event loop (DB calls go to this thread, as in a server)."""
    async_to_sync(coroutine_function)()


def test_anonymous_is_closed_with_4401(db):
    async def body():
        ws = socket()
        connected, _ = await ws.connect()
        assert connected
        closed = await ws.receive_output(timeout=2)
        assert closed == {"type": "websocket.close", "code": 4401}
        await ws.disconnect()

    run(body)


def test_foreign_origin_is_refused(anna):
    cookie = session_cookie(anna)

    async def body():
        ws = WebsocketCommunicator(
            application, "/ws/inbox/", headers=[(b"origin", b"https://evil.example"), cookie]
        )
        connected, _ = await ws.connect()
        assert not connected

    run(body)


def test_agent_gets_own_team_events_only(anna, service, billing):
    cookie = session_cookie(anna)

    async def body():
        layer = get_channel_layer()
        await layer.flush()
        ws = socket(cookie)
        connected, _ = await ws.connect()
        assert connected
        await layer.group_send(
            team_group(billing.pk), event("conversation.created", conversation_id=99)
        )
        await layer.group_send(
            team_group(service.pk), event("conversation.created", conversation_id=7)
        )
        assert await ws.receive_json_from(timeout=2) == {
            "event": "conversation.created",
            "payload": {"conversation_id": 7},
        }
        assert await ws.receive_nothing(timeout=0.2)
        await ws.send_json_to({"type": "ping"})
        assert (await ws.receive_json_from(timeout=2))["event"] == "pong"
        await ws.disconnect()
        # After disconnect the group no longer holds this socket.
        await layer.group_send(
            team_group(service.pk), event("conversation.created", conversation_id=8)
        )

    run(body)


def test_admin_receives_admin_group(alice, service):
    cookie = session_cookie(alice)

    async def body():
        layer = get_channel_layer()
        await layer.flush()
        ws = socket(cookie)
        assert (await ws.connect())[0]
        await layer.group_send("admins", event("message.updated", conversation_id=1))
        assert (await ws.receive_json_from(timeout=2))["event"] == "message.updated"
        await ws.disconnect()

    run(body)


def test_domain_write_reaches_the_socket(anna, conversation):
    """A note saved through delivery.note() is published after commit and arrives here."""
    cookie = session_cookie(anna)

    async def body():
        from channels.db import database_sync_to_async

        layer = get_channel_layer()
        await layer.flush()
        ws = socket(cookie)
        assert (await ws.connect())[0]
        message = await database_sync_to_async(note)(conversation, anna, "Even bellen")
        received = await ws.receive_json_from(timeout=2)
        assert received["event"] == "message.created"
        assert received["payload"]["conversation_id"] == conversation.pk
        assert received["payload"]["message_id"] == message.pk
        await ws.disconnect()

    run(body)
