"""reply() and note(): an agent's answer is stored and its sending enqueued in one transaction."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
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
) -> Message:
    """Store an agent's reply and enqueue its sending, or refuse at once with the reason.

    `prechecked`: the caller applied its own, stricter rules (a WhatsApp template outside the
    24-hour window), so the channel's free-form precheck does not apply.
    """
    text = text.strip()
    if not text:
        raise ReplyRefused("an empty reply cannot be sent")
    channel = channel or default_channel(conversation)
    reason = refusal(channel, conversation)
    if reason and not (prechecked and channel in channels_with_sender()):
        raise ReplyRefused(reason)
    with transaction.atomic():
        message = Message.objects.create(
            conversation=conversation,
            direction=Message.Direction.OUTBOUND,
            channel=channel,
            text=text,
            author=author,
            delivery_status=Message.Delivery.QUEUED,
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
