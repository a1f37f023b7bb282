"""The agent hears about the 24-hour window before a reply is stored, not after a failed send."""

import pytest

from bereikbaar.conversations.models import Message
from bereikbaar.delivery.reply import ReplyRefused, reply


def test_a_free_form_reply_outside_the_window_is_refused_before_it_is_stored(customer_writes, anna):
    conversation = customer_writes(ago=25 * 3600).conversation
    with pytest.raises(ReplyRefused, match="24"):
        reply(conversation, anna, "Hallo!", channel="whatsapp")
    assert not Message.objects.filter(direction="outbound").exists()


def test_inside_the_window_the_reply_is_queued(customer_writes, anna):
    conversation = customer_writes(ago=60).conversation
    assert reply(conversation, anna, "Hallo!", channel="whatsapp").delivery_status == "queued"


def test_the_inbox_shows_the_time_left_and_why_a_channel_is_closed(customer_writes, client, anna):
    conversation = customer_writes(ago=3600).conversation
    client.force_login(anna)
    page = client.get(f"/conversations/{conversation.pk}/").content.decode()
    assert "nog 22 u" in page
    late = customer_writes(ago=25 * 3600, sender="31687654321").conversation
    page = client.get(f"/conversations/{late.pk}/").content.decode()
    assert "24-uursvenster gesloten" in page
