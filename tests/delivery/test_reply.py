"""Replies go out through the outbox task to the API channel's real callback (an HTTP server)."""

import pytest
from django_tasks_db.models import DBTaskResult

from bereikbaar.channels.api.sender import signature
from bereikbaar.conversations.models import Message
from bereikbaar.delivery.reply import ReplyRefused, note, reply
from bereikbaar.delivery.tasks import send_message
from bereikbaar.intake.ingest import ingest
from bereikbaar.intake.message import InboundMessage


@pytest.fixture
def conversation(service, anna):
    return ingest(
        InboundMessage(
            channel="api",
            provider_id="in-1",
            identities=[("email", "klant@example.nl")],
            text="Hallo?",
        )
    ).conversation


def test_a_reply_is_stored_and_its_send_enqueued_together(conversation, anna):
    message = reply(conversation, anna, "Goedemiddag, we kijken ernaar.")
    assert message.delivery_status == Message.Delivery.QUEUED
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [message.pk]
    conversation.refresh_from_db()
    assert conversation.first_response_at == message.created_at


def test_the_task_posts_a_signed_reply_to_the_callback(conversation, anna, callback):
    message = reply(conversation, anna, "Uw pakket komt morgen.")
    assert send_message.call(message.pk) == Message.Delivery.SENT
    headers, body, raw = callback.received[0]
    assert body["text"] == "Uw pakket komt morgen."
    assert body["to"] == [{"kind": "email", "value": "klant@example.nl"}]
    assert headers["X-Bereikbaar-Signature"] == signature("s3cret", raw)
    message.refresh_from_db()
    assert message.delivery_status == Message.Delivery.SENT


def test_running_the_task_again_never_sends_twice(conversation, anna, callback):
    message = reply(conversation, anna, "Eén keer.")
    send_message.call(message.pk)
    send_message.call(message.pk)
    assert len(callback.received) == 1


def test_a_server_error_is_retried_later(conversation, anna, callback):
    callback.status = 503
    message = reply(conversation, anna, "Probeer opnieuw")
    DBTaskResult.objects.all().delete()
    assert send_message.call(message.pk) == Message.Delivery.QUEUED
    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs["args"] == [message.pk, 1]
    assert retry.run_after is not None
    message.refresh_from_db()
    assert "503" in message.delivery_error


def test_a_refusal_is_permanent_and_shown(conversation, anna, callback):
    callback.status = 422
    message = reply(conversation, anna, "Geweigerd")
    DBTaskResult.objects.all().delete()
    assert send_message.call(message.pk) == Message.Delivery.FAILED
    assert not DBTaskResult.objects.exists()


def test_empty_replies_and_unknown_channels_are_refused(conversation, anna):
    with pytest.raises(ReplyRefused):
        reply(conversation, anna, "   ")
    with pytest.raises(ReplyRefused):
        reply(conversation, anna, "hallo", channel="postduif")
    assert not Message.objects.filter(direction="outbound").exists()


def test_a_note_is_never_sent(conversation, anna):
    note(conversation, anna, "Klant belde ook al")
    assert not DBTaskResult.objects.exists()
    assert Message.objects.get(direction="note").text == "Klant belde ook al"
