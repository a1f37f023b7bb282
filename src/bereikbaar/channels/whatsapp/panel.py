"""What the inbox shows for a WhatsApp conversation: the window's time left, whether the reply
box must offer templates instead of free text, and the customer's consent.

reply_box(conversation) sums the window up (agent_box.py renders it in the reply box):
    {"window_open": bool, "ends_at": datetime | None, "seconds_left": int,
     "templates": [Template, …] (offer these when the window is closed),
     "consent": contacts.Consent | None (the latest WhatsApp entry), "opted_out": bool}

media_for(message) lists a message's media downloads (pending, done, failed with the reason).
The consent history itself is the contact page's (contacts.consent.history).
"""

from bereikbaar.channels.whatsapp import consent
from bereikbaar.channels.whatsapp.models import MediaDownload
from bereikbaar.channels.whatsapp.templates import templates_for
from bereikbaar.channels.whatsapp.window import seconds_left, window_ends_at, window_open
from bereikbaar.conversations.models import Conversation, Message


def reply_box(conversation: Conversation) -> dict:
    latest = consent.current(conversation.contact)
    is_open = window_open(conversation)
    return {
        "window_open": is_open,
        "ends_at": window_ends_at(conversation),
        "seconds_left": seconds_left(conversation),
        "templates": [] if is_open else list(templates_for(conversation)),
        "consent": latest,
        "opted_out": latest is not None and not latest.granted,
    }


def media_for(message: Message) -> list[MediaDownload]:
    if message.channel != "whatsapp" or not message.provider_id:
        return []
    return list(MediaDownload.objects.filter(wamid=message.provider_id).order_by("id"))
