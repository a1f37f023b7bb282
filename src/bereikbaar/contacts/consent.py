"""The central consent register: per contact and channel, opt-in and opt-out with time, source
and the text shown; history is immutable and the latest entry counts.

Channels that keep their own consent rows (channels/whatsapp, channels/sms) can mirror them
here by calling :func:`record` where they store theirs, and delivery asks :func:`has_consent`.
"""

from __future__ import annotations

from bereikbaar.contacts.models import Consent, Contact

#: Channels on which the organisation may only start a conversation with an opt-in.
NEEDS_CONSENT = frozenset({"whatsapp", "sms"})


def record(
    contact: Contact, channel: str, granted: bool, source: str, text_shown: str = ""
) -> Consent:
    return Consent.objects.create(
        contact=contact, channel=channel, granted=granted, source=source, text_shown=text_shown
    )


def latest(contact: Contact, channel: str) -> Consent | None:
    return Consent.objects.filter(contact=contact, channel=channel).order_by("-at", "-pk").first()


def has_consent(contact: Contact, channel: str) -> bool:
    entry = latest(contact, channel)
    return bool(entry and entry.granted)


def history(contact: Contact) -> list[Consent]:
    return list(Consent.objects.filter(contact=contact).order_by("at", "pk"))
