"""reply() and note(): an agent's answer is stored and its sending enqueued in one transaction."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.delivery.senders import channels_with_sender, refusal
from bereikbaar.delivery.tasks import send_message
from bereikbaar.realtime import events
from bereikbaar.realtime.publish import publish
from bereikbaar.routing.access import groups_for


class ReplyRefused(ValueError):
    """The reply cannot go out this way (empty, unknown channel); says why for the agent."""


def default_channel(conversation: Conversation) -> str:
    """The channel of the customer's last inbound message."""
    return conversation.last_inbound_channel or "api"


def reply(
    conversation: Conversation,
    author: AbstractBaseUser,
    text: str,
    channel: str = "",
    *,
    prechecked: bool = False,
    client_key: str = "",
) -> Message:
    """Store an agent's reply and enqueue its sending, or refuse at once with the reason.

    `prechecked`: the caller applied its own, stricter rules (a WhatsApp template outside the
    24-hour window), so the channel's free-form precheck does not apply.
    `client_key`: the author's idempotency key. The same key again (a double click, a retried
    request, two at once) returns the reply already stored and sends nothing twice.
    """
    text = text.strip()
    if not text:
        raise ReplyRefused("an empty reply cannot be sent")
    client_key = client_key.strip()[:64]
    if client_key:
        earlier = _earlier(conversation, author, client_key, text)
        if earlier is not None:
            return earlier
    channel = channel or default_channel(conversation)
    reason = refusal(channel, conversation)
    if reason and not (prechecked and channel in channels_with_sender()):
        raise ReplyRefused(reason)
    try:
        return _store(conversation, author, text, channel, client_key or None)
    except IntegrityError:
        earlier = _earlier(conversation, author, client_key, text) if client_key else None
        if earlier is None:
            raise
        return earlier  # the same key committed first, a moment ago


def _earlier(conversation, author, client_key: str, text: str) -> Message | None:
    earlier = Message.objects.filter(author=author, client_key=client_key).first()
    if earlier is not None and (earlier.conversation_id != conversation.pk or earlier.text != text):
        raise ReplyRefused("this idempotency key was already used for another reply")
    return earlier


def _store(conversation, author, text: str, channel: str, client_key: str | None) -> Message:
    with transaction.atomic():
        message = Message.objects.create(
            conversation=conversation,
            direction=Message.Direction.OUTBOUND,
            channel=channel,
            text=text,
            author=author,
            delivery_status=Message.Delivery.QUEUED,
            client_key=client_key,
        )
        fields = ["last_message_at"]
        conversation.last_message_at = message.created_at
        if conversation.first_response_at is None:
            conversation.first_response_at = message.created_at
            fields.append("first_response_at")
        conversation.save(update_fields=fields)
        send_message.enqueue(message.pk)
        _announce(conversation, message)
    return message


def note(conversation: Conversation, author: AbstractBaseUser, text: str) -> Message:
    text = text.strip()
    if not text:
        raise ReplyRefused("an empty note cannot be saved")
    with transaction.atomic():
        message = Message.objects.create(
            conversation=conversation,
            direction=Message.Direction.NOTE,
            channel=conversation.last_inbound_channel or "api",
            text=text,
            author=author,
        )
        _announce(conversation, message)
    return message


def _announce(conversation: Conversation, message: Message) -> None:
    publish(
        events.MESSAGE_CREATED,
        {
            "conversation_id": conversation.pk,
            "message_id": message.pk,
            "direction": message.direction,
            "channel": message.channel,
            "at": timezone.now().isoformat(),
        },
        groups_for(conversation),
    )
