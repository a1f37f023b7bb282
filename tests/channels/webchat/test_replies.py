"""Agent replies reach the visitor's socket through delivery and the registered sender; the
widget's receipts mark them delivered and read; typing goes both ways."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from bereikbaar.asgi import application
from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.delivery.reply import reply
from bereikbaar.delivery.tasks import send_message as send_task

from .conftest import intake, open_chat, run, send_message

pytestmark = pytest.mark.django_db(transaction=True)


def agent_socket(user, conversation_id: int) -> WebsocketCommunicator:
    client = Client()
    client.force_login(user)
    cookie = (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())
    return WebsocketCommunicator(
        application,
        f"/ws/webchat/agent/{conversation_id}/",
        headers=[(b"origin", b"http://localhost"), cookie],
    )


@database_sync_to_async
def agent_replies(agent, text: str) -> Message:
    conversation = Conversation.objects.get()
    message = reply(conversation, agent, text, channel="webchat")
    send_task.call(message.pk)  # what the outbox worker runs
    return message


def test_reply_is_pushed_to_the_visitor_and_receipts_come_back(alice, service):
    alice.first_name = "Alice"
    alice.save()

    async def body():
        ws, _ = await open_chat()
        await send_message(ws, "q1", "Waar blijft mijn monteur?")
        await intake()
        sent = await agent_replies(alice, "Hij komt om 14:00 <b>vandaag</b>")
        pushed = await ws.receive_json_from(timeout=5)
        assert pushed["type"] == "message"
        item = pushed["message"]
        assert (item["text"], item["author"], item["direction"]) == (
            "Hij komt om 14:00 <b>vandaag</b>",
            "Alice",
            "outbound",
        )
        await ws.send_json_to({"type": "receipt", "id": item["id"], "status": "delivered"})
        await ws.send_json_to({"type": "receipt", "id": item["id"], "status": "read"})
        await ws.receive_nothing(timeout=0.2)
        await intake()
        message = await database_sync_to_async(Message.objects.get)(pk=sent.pk)
        assert message.delivery_status == "read"
        await ws.disconnect()

    run(body)


def test_another_visitor_cannot_mark_a_reply_read(alice, service):
    async def body():
        ws, _ = await open_chat()
        await send_message(ws, "q1", "Vraag")
        await intake()
        sent = await agent_replies(alice, "Antwoord")
        pushed = await ws.receive_json_from(timeout=5)
        other, _ = await open_chat(ip="192.0.2.9")
        await other.send_json_to(
            {"type": "receipt", "id": pushed["message"]["id"], "status": "read"}
        )
        await other.receive_nothing(timeout=0.2)
        await intake()
        message = await database_sync_to_async(Message.objects.get)(pk=sent.pk)
        assert message.delivery_status == "sent"
        await ws.disconnect()
        await other.disconnect()

    run(body)


def test_typing_both_ways_with_the_agents_name(anna, service):
    anna.first_name = "Anna"
    anna.save()

    async def body():
        ws, _ = await open_chat()
        await send_message(ws, "q1", "Hallo?")
        await intake()
        conversation = await database_sync_to_async(Conversation.objects.get)()
        conversation.team_id = service.pk
        await database_sync_to_async(conversation.save)()
        agent = await database_sync_to_async(agent_socket)(anna, conversation.pk)
        connected, _ = await agent.connect()
        assert connected
        await ws.send_json_to({"type": "typing", "active": True})
        assert await agent.receive_json_from(timeout=5) == {"type": "typing", "active": True}
        await agent.send_json_to({"type": "typing", "active": True})
        seen = await ws.receive_json_from(timeout=5)
        assert seen == {"type": "typing", "active": True, "name": "Anna"}
        await agent.disconnect()
        await ws.disconnect()

    run(body)


def test_an_agent_of_another_team_gets_no_typing_socket(bram, service):
    async def body():
        ws, _ = await open_chat()
        await send_message(ws, "q1", "Hallo?")
        await intake()
        conversation = await database_sync_to_async(Conversation.objects.get)()
        conversation.team_id = service.pk
        await database_sync_to_async(conversation.save)()
        agent = await database_sync_to_async(agent_socket)(bram, conversation.pk)
        await agent.connect()
        assert await agent.receive_output(timeout=2) == {"type": "websocket.close", "code": 4403}
        await ws.disconnect()

    run(body)


def test_a_chat_reply_to_someone_who_never_chatted_is_refused_at_once(alice, service):
    from bereikbaar.contacts.models import Contact
    from bereikbaar.delivery.reply import ReplyRefused

    contact = Contact.objects.create(name="Alleen e-mail")
    conversation = Conversation.objects.create(contact=contact)
    with pytest.raises(ReplyRefused, match="nooit gechat"):
        reply(conversation, alice, "Hallo", channel="webchat")
