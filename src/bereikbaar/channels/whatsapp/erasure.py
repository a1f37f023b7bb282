"""WhatsApp's part of a GDPR export and erasure (catalogue L3): the customer-service window
keeps the person's number (wa_id) and when they last wrote; the media downloads keep the file
names they sent. Registered as a contacts.privacy section, so it runs inside the erasure's
transaction, before the identities it finds the number by are deleted.

The windows go: without the person there is nobody to reply to. The media rows stay with their
ids only (media id, wamid, kind, type, when): the provider deleter (provider_delete.py) reads
them to ask Meta to delete its copy, and the fetch task must find them to know it has nothing
left to fetch; a download still waiting is marked failed, so the file never comes back as an
attachment of the erased person's message.
"""

from __future__ import annotations

from bereikbaar.channels.whatsapp.models import CustomerWindow, MediaDownload
from bereikbaar.contacts.models import Contact
from bereikbaar.contacts.privacy import Section, register_section
from bereikbaar.conversations.models import Message

ERASED = "contact gewist"


def numbers(contact: Contact) -> list[str]:
    """Every number a window may be kept under: WhatsApp and phone identities (both E.164)."""
    kinds = ["whatsapp", "phone"]
    return list(contact.identities.filter(kind__in=kinds).values_list("value", flat=True))


def media_of(contact: Contact):
    wamids = Message.objects.filter(
        conversation__contact=contact, channel="whatsapp", provider_id__isnull=False
    ).values("provider_id")
    return MediaDownload.objects.filter(wamid__in=wamids)


def export_whatsapp(contact: Contact) -> dict:
    windows = CustomerWindow.objects.filter(wa_id__in=numbers(contact)).order_by("pk")
    return {
        "windows": [
            {"number": w.wa_id, "last_inbound_at": w.last_inbound_at.isoformat()} for w in windows
        ],
        "media": [
            {"kind": m.kind, "filename": m.filename, "status": m.status}
            for m in media_of(contact).order_by("pk")
        ],
    }


def erase_whatsapp(contact: Contact) -> dict[str, int]:
    windows = CustomerWindow.objects.filter(wa_id__in=numbers(contact)).delete()[0]
    media = media_of(contact)
    media.filter(status=MediaDownload.Status.PENDING).update(
        status=MediaDownload.Status.FAILED, error=ERASED
    )
    n_media = media.update(filename="", error=ERASED)
    return {"whatsapp_windows": windows, "whatsapp_media": n_media}


def register() -> None:
    register_section("whatsapp", Section(export_whatsapp, erase_whatsapp))
