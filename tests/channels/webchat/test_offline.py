"""Outside hours or with nobody online, the visitor leaves a message and picks how to be
answered; the choice is stored where agents see it."""

import pytest

from bereikbaar.contacts.models import Identity, Preference
from bereikbaar.conversations.models import Message

from .conftest import intake, open_chat, run, send_message

pytestmark = pytest.mark.django_db(transaction=True)


def test_nobody_online_offers_leave_a_message(open_now):
    async def body():
        ws, welcome = await open_chat()
        assert welcome["open"] is False
        assert "niemand online" in welcome["wait"]["text"]
        await ws.disconnect()

    run(body)


def test_someone_online_in_hours_is_live_with_a_wait(open_now, anna):
    async def body():
        ws, welcome = await open_chat()
        assert welcome["open"] is True
        assert welcome["wait"]["minutes"] is not None
        await ws.disconnect()

    run(body)


def test_left_message_stores_the_answer_channel_and_address(open_now):
    async def body():
        ws, _ = await open_chat()
        ack = await send_message(
            ws,
            "off-1",
            "Mijn paneel is kapot, bel me morgen",
            answer_via="phone",
            answer_to="06 12345678",
        )
        assert ack["type"] == "ack"
        await ws.disconnect()
        await intake()

    run(body)
    message = Message.objects.get(channel="webchat")
    contact = message.conversation.contact
    assert Preference.objects.get(contact=contact).preferred[0] == "phone"
    phone = Identity.objects.get(kind="phone")
    assert (phone.contact_id, phone.value, phone.verified) == (contact.pk, "+31612345678", False)
    assert "Antwoord graag via telefoon" in message.text
    assert message.extra["answer_via"] == "phone"
