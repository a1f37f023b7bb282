"""The central consent register: per contact and channel, opt-in and opt-out with time, source
and the text shown; history is immutable and the latest entry counts.

It is the only one. The channels (channels/whatsapp, channels/sms) keep no consent rows of
their own: their keyword parsing stays with them (it is channel text), but what a STOP or an
opt-in form records, and what their senders ask before starting a conversation, goes through
here, so the contact page, the preference centre, delivery and the senders always agree.

Per contact and channel, not per number: the latest entry for (contact, channel) counts,
whichever of the contact's numbers it came from. The providers keep opt-outs per number, but a
person who texts STOP from one of their numbers has told us to stop on that channel, and the
senders pick a number for the contact themselves (window.numbers, sender.phone_of), so a
per-number state would let a STOP on one number be bypassed by sending to another. The number
is still kept on each entry (``address``) for the record and so it follows its identity back
when a merge is undone.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from bereikbaar.contacts.models import Consent, Contact

#: Channels on which the organisation may only start a conversation with an opt-in.
NEEDS_CONSENT = frozenset({"whatsapp", "sms"})


def record(
    contact: Contact,
    channel: str,
    granted: bool,
    source: str,
    text_shown: str = "",
    *,
    address: str = "",
    at: datetime | None = None,
) -> Consent:
    """Add one opt-in (granted) or opt-out: ``source`` says how (form, keyword, agent),
    ``text_shown`` what the customer saw, ``at`` when they gave it (default: now)."""
    return Consent.objects.create(
        contact=contact,
        channel=channel,
        address=address,
        granted=granted,
        source=source[:200],
        text_shown=text_shown,
        at=at or timezone.now(),
    )


def record_once(
    contact: Contact,
    channel: str,
    granted: bool,
    source: str,
    *,
    address: str,
    at: datetime | None = None,
) -> Consent:
    """record(), unless the same entry is already there: a provider redelivering a webhook
    must not add a second STOP. The same entry is the same channel, number, state and source
    (and time, when the provider gives one), whichever contact it has moved to since."""
    same = Consent.objects.filter(
        channel=channel, address=address, granted=granted, source=source[:200]
    )
    if at is not None:
        same = same.filter(at=at)
    return same.first() or record(contact, channel, granted, source, address=address, at=at)


def latest(contact: Contact, channel: str) -> Consent | None:
    return Consent.objects.filter(contact=contact, channel=channel).order_by("-at", "-pk").first()


def has_consent(contact: Contact, channel: str) -> bool:
    """The latest entry is an opt-in."""
    entry = latest(contact, channel)
    return bool(entry and entry.granted)


def opted_out(contact: Contact, channel: str) -> bool:
    """The latest entry is an opt-out (no entry at all is not an opt-out)."""
    entry = latest(contact, channel)
    return entry is not None and not entry.granted


def history(contact: Contact) -> list[Consent]:
    return list(Consent.objects.filter(contact=contact).order_by("at", "pk"))
