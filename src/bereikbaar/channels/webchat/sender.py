"""The web chat sender: a reply is pushed to every open socket of the visitor it is for.

A visitor who is not connected reads it in their history on the next connect, so the push is
the fast path, not the record. Delivered and read come back from the widget as receipts.
"""

from bereikbaar.channels.webchat.groups import outbound_id, visitor_group
from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.delivery.senders import SendError
from bereikbaar.realtime.publish import send_now


def author_name(message: Message) -> str:
    author = message.author
    if author is None:
        return ""
    return author.get_full_name() or author.get_username()


def as_widget_item(message: Message) -> dict:
    """How the widget shows one message; inbound ones carry the client id it was sent with."""
    if message.direction == Message.Direction.INBOUND:
        client_id = (message.provider_id or "").partition(":")[2]
        return {
            "id": client_id,
            "direction": "inbound",
            "text": message.text,
            "at": message.created_at.isoformat() if message.created_at else "",
        }
    return {
        "id": outbound_id(message.pk),
        "direction": "outbound",
        "text": message.text,
        "author": author_name(message),
        "status": message.delivery_status,
        "at": message.created_at.isoformat() if message.created_at else "",
    }


def visitors_of(message: Message) -> list[str]:
    return list(
        message.conversation.contact.identities.filter(kind="webchat").values_list(
            "value", flat=True
        )
    )


def precheck(conversation: Conversation) -> str:
    """Why a chat reply cannot reach this customer (asked before it is stored), or ""."""
    if not conversation.contact.identities.filter(kind="webchat").exists():
        return "deze klant heeft nooit gechat: antwoord via een ander kanaal"
    return ""


def send(message: Message) -> str:
    visitors = visitors_of(message)
    if not visitors:
        raise SendError("deze klant heeft geen chatbezoeker om naar te sturen", permanent=True)
    # The id first: the open widget sends its read receipt at once, and the receipt must find
    # the message rather than wait as an early status for the delivery task to commit.
    Message.objects.filter(pk=message.pk).update(provider_id=outbound_id(message.pk))
    push = {"type": "chat.message", "message": as_widget_item(message)}
    send_now([visitor_group(v) for v in visitors], push)
    return outbound_id(message.pk)
