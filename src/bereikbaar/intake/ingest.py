"""ingest(): from "a message arrived" to "it is in the contact's story, routed and pushed"."""

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from bereikbaar.contacts.models import Contact
from bereikbaar.contacts.resolve import resolve
from bereikbaar.conversations.attachments import add_attachment
from bereikbaar.conversations.delivery_status import record_status
from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.conversations.sanitise import sanitise_html
from bereikbaar.intake.message import DeliveryUpdate, InboundMessage
from bereikbaar.realtime import events
from bereikbaar.realtime.publish import publish
from bereikbaar.routing.access import groups_for
from bereikbaar.routing.triage import on_inbound
from bereikbaar.sqlrows import first, insert, update

AUTOMATED_TAG = "automatisch"


def ingest(inbound: InboundMessage) -> Message:
    """File one message; a message already filed under its provider id is returned as it is.

    A message seen before is rare, so it is not looked up first: its INSERT hits the unique
    (channel, provider id) index and everything this call did is rolled back to its savepoint.
    """
    try:
        with transaction.atomic():
            return _file(inbound)
    except IntegrityError:
        existing = Message.objects.filter(
            channel=inbound.channel, provider_id=inbound.provider_id
        ).first()
        if existing is None:
            raise
        return existing


def _file(inbound: InboundMessage) -> Message:
    contact = resolve(inbound.identities, name=inbound.sender_name, language=inbound.language)
    conversation, created = _conversation_for(contact, inbound)
    message = Message(
        conversation=conversation,
        direction=Message.Direction.INBOUND,
        channel=inbound.channel,
        provider_id=inbound.provider_id,
        text=inbound.text,
        html=sanitise_html(inbound.html) if inbound.html else "",
        delivery_status=Message.Delivery.RECEIVED,
        extra=inbound.extra,
    )
    insert(message)
    for item in inbound.attachments:
        add_attachment(message, item.filename, item.content, item.content_type)
    routed = on_inbound(conversation, message, created)
    _touch(conversation, message, created, reopen=not inbound.automated, also=routed)
    return message


def apply_update(update: DeliveryUpdate) -> Message | None:
    """A provider's status for a message we sent; it only ever moves forward."""
    message = record_status(
        update.channel, update.provider_id, update.status, update.error, update.reference
    )
    if message is not None:
        publish(
            events.MESSAGE_UPDATED,
            {
                "conversation_id": message.conversation_id,
                "message_id": message.pk,
                "delivery_status": message.delivery_status,
            },
            groups_for(message.conversation),
        )
    return message


def _conversation_for(contact: Contact, inbound: InboundMessage) -> tuple[Conversation, bool]:
    """Thread by what the message answers, then a quoted case number, then the contact's open
    case on any channel (one story); otherwise a new case."""

    def active():  # built only when a hint names a case: the ORM's filter() is not free
        return Conversation.objects.select_for_update().filter(contact=contact)

    if inbound.references:
        answered = (
            Message.objects.filter(
                provider_id__in=inbound.references, conversation__contact=contact
            )
            .order_by("-id")
            .first()
        )
        if answered:
            return _with(active().get(pk=answered.conversation_id), contact), False
    if inbound.conversation_ref:
        quoted = active().filter(pk=inbound.conversation_ref).first()
        if quoted:
            return _with(quoted, contact), False
    if conversation := _current(contact):
        return _with(conversation, contact), False
    subject = inbound.subject or inbound.text.strip().split("\n")[0][:120]
    tags = [AUTOMATED_TAG] if inbound.automated else []
    conversation = insert(Conversation(contact=contact, subject=subject, tags=tags))
    return conversation, True


# The contact's latest active case, locked: asked for nearly every message, and the ORM took
# twenty times as long to build this query as the database to answer it (bench/ingest.py).
_CURRENT = (
    "SELECT * FROM conversations_conversation WHERE contact_id = %s AND status IN ({statuses})"
    " ORDER BY last_message_at DESC, id DESC LIMIT 1{lock}"
)


def _current(contact: Contact) -> Conversation | None:
    sql = _CURRENT.format(
        statuses=", ".join(["%s"] * len(Conversation.ACTIVE)),
        lock=" FOR UPDATE" if connection.features.has_select_for_update else "",
    )
    return first(Conversation, sql, [contact.pk, *map(str, Conversation.ACTIVE)])


def _with(conversation: Conversation, contact: Contact) -> Conversation:
    conversation.contact = contact  # already loaded by resolve(): no second read
    return conversation


def _touch(
    conversation: Conversation, message: Message, created: bool, reopen: bool, also: list[str]
) -> None:
    """One UPDATE for everything this message changed on the case (routing's changes too)."""
    conversation.last_message_at = message.created_at or timezone.now()
    conversation.last_inbound_channel = message.channel
    fields = ["last_message_at", "last_inbound_channel"]
    if reopen and conversation.status != Conversation.Status.OPEN:
        conversation.status = Conversation.Status.OPEN
        conversation.resolved_at = None
        fields += ["status", "resolved_at"]
    update(conversation, [*fields, *also])
    groups = groups_for(conversation)
    if created:
        publish(events.CONVERSATION_CREATED, {"conversation_id": conversation.pk}, groups)
    else:
        payload = {"conversation_id": conversation.pk, "fields": fields}
        publish(events.CONVERSATION_UPDATED, payload, groups)
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
