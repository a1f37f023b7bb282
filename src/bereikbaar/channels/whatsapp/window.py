"""The 24-hour customer-service window: free-form replies until 24 hours after the customer's
last inbound WhatsApp message; after that only approved templates.

For the inbox: window_ends_at(conversation) (None = never opened) and seconds_left(conversation)
to show the time left; window_open(conversation) to switch the reply box to templates.
"""

from datetime import datetime, timedelta

from django.db.models import Max
from django.utils import timezone

from bereikbaar.channels.whatsapp.models import CustomerWindow
from bereikbaar.contacts.models import Contact
from bereikbaar.conversations.models import Conversation, Message

WINDOW = timedelta(hours=24)


def numbers(contact: Contact) -> list[str]:
    """The contact's WhatsApp numbers, falling back to their phone numbers."""
    rows = list(
        contact.identities.filter(kind__in=["whatsapp", "phone"]).values_list("kind", "value")
    )
    wa = [value for kind, value in rows if kind == "whatsapp"]
    return wa or [value for kind, value in rows if kind == "phone"]


def last_inbound_at(contact: Contact) -> datetime | None:
    """By the provider's clock (what Meta counts from) when the number is set up here, else
    when we filed the customer's last WhatsApp message."""
    provider = CustomerWindow.objects.filter(wa_id__in=numbers(contact)).aggregate(
        at=Max("last_inbound_at")
    )["at"]
    if provider is not None:
        return provider
    return Message.objects.filter(
        conversation__contact=contact,
        channel="whatsapp",
        direction=Message.Direction.INBOUND,
    ).aggregate(at=Max("created_at"))["at"]


def window_ends_at(conversation: Conversation) -> datetime | None:
    last = last_inbound_at(conversation.contact)
    return last + WINDOW if last else None


def contact_window_open(contact: Contact, now: datetime | None = None) -> bool:
    last = last_inbound_at(contact)
    return last is not None and (now or timezone.now()) < last + WINDOW


def window_open(conversation: Conversation, now: datetime | None = None) -> bool:
    return contact_window_open(conversation.contact, now)


def seconds_left(conversation: Conversation, now: datetime | None = None) -> int:
    ends = window_ends_at(conversation)
    if ends is None:
        return 0
    return max(0, int((ends - (now or timezone.now())).total_seconds()))
