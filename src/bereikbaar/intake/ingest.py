"""ingest(): from "a message arrived" to "it is in the contact's story, routed and pushed"."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from bereikbaar.contacts.resolve import resolve
from bereikbaar.conversations.attachments import add_attachment
from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.conversations.sanitise import sanitise_html
from bereikbaar.intake.message import InboundMessage
from bereikbaar.realtime import events
from bereikbaar.realtime.publish import publish
from bereikbaar.routing.access import groups_for
from bereikbaar.routing.assign import route


def ingest(inbound: InboundMessage) -> Message:
    """File one message; a message already filed under its provider id is returned as it is."""
    existing = Message.objects.filter(
        channel=inbound.channel, provider_id=inbound.provider_id
    ).first()
    if existing:
        return existing
    with transaction.atomic():
        contact = resolve(inbound.identities, name=inbound.sender_name, language=inbound.language)
        conversation, created = _open_conversation(contact, inbound)
        try:
            with transaction.atomic():
                message = Message.objects.create(
                    conversation=conversation,
                    direction=Message.Direction.INBOUND,
                    channel=inbound.channel,
                    provider_id=inbound.provider_id,
                    text=inbound.text,
                    html=sanitise_html(inbound.html) if inbound.html else "",
                    delivery_status=Message.Delivery.RECEIVED,
                )
        except IntegrityError:  # filed meanwhile by another worker: same message
            return Message.objects.get(channel=inbound.channel, provider_id=inbound.provider_id)
        for attachment in inbound.attachments:
            add_attachment(
                message, attachment.filename, attachment.content, attachment.content_type
            )
        _touch(conversation, message, created)
    return message


def _open_conversation(contact, inbound: InboundMessage) -> tuple[Conversation, bool]:
    """The contact's active conversation on any channel — one story — else a new one."""
    conversation = (
        Conversation.objects.select_for_update()
        .filter(contact=contact, status__in=Conversation.ACTIVE)
        .order_by("-last_message_at", "-id")
        .first()
    )
    if conversation:
        return conversation, False
    subject = inbound.subject or inbound.text.strip().split("\n")[0][:120]
    conversation = Conversation.objects.create(contact=contact, subject=subject)
    route(conversation)
    return conversation, True


def _touch(conversation: Conversation, message: Message, created: bool) -> None:
    conversation.last_message_at = message.created_at or timezone.now()
    conversation.last_inbound_channel = message.channel
    fields = ["last_message_at", "last_inbound_channel"]
    if conversation.status != Conversation.Status.OPEN:
        conversation.status = Conversation.Status.OPEN
        fields.append("status")
    conversation.save(update_fields=fields)
    groups = groups_for(conversation)
    if created:
        publish(events.CONVERSATION_CREATED, {"conversation_id": conversation.pk}, groups)
    else:
        publish(
            events.CONVERSATION_UPDATED,
            {"conversation_id": conversation.pk, "fields": fields},
            groups,
        )
    publish(
        events.MESSAGE_CREATED,
        {
            "conversation_id": conversation.pk,
            "message_id": message.pk,
            "direction": message.direction,
            "channel": message.channel,
        },
        groups,
    )
