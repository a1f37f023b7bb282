"""The preference centre's logic: a signed link per contact, and what outbound may use.

The link carries the contact id signed with Django's signing (salted, timestamped): it cannot
be forged, and expires after :data:`LINK_MAX_AGE`. :func:`allowed_channels` is the one answer
outbound needs: which channels may the organisation use to *start* a message now, in the
customer's order of preference, and why the others are not allowed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core import signing

from bereikbaar.contacts import consent
from bereikbaar.contacts.models import Contact, Preference

SALT = "bereikbaar.contacts.preferences"
LINK_MAX_AGE = dt.timedelta(days=30)
CHANNELS = ("email", "phone", "whatsapp", "sms")
LOCAL = ZoneInfo("Europe/Amsterdam")


class BadLink(ValueError):
    """The preference link is forged, damaged or expired (the message says which)."""


def make_token(contact: Contact) -> str:
    return signing.dumps({"c": contact.pk}, salt=SALT, compress=True)


def contact_for_token(token: str, max_age: dt.timedelta = LINK_MAX_AGE) -> Contact:
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise BadLink("deze link is verlopen; vraag een nieuwe aan") from None
    except signing.BadSignature:
        raise BadLink("deze link is ongeldig") from None
    contact = Contact.objects.filter(pk=data.get("c"), erased_at__isnull=True).first()
    if contact is None:
        raise BadLink("deze link hoort bij geen bestaand contact")
    while contact.merged_into_id:  # merged since the link was sent: the survivor's preferences
        contact = contact.merged_into
    return contact


def preference_for(contact: Contact) -> Preference:
    return Preference.objects.filter(contact=contact).first() or Preference(contact=contact)


def save_preferences(
    contact: Contact,
    preferred: list[str],
    never: list[str],
    quiet_start: dt.time | None,
    quiet_end: dt.time | None,
    language: str,
) -> Preference:
    bad = [c for c in [*preferred, *never] if c not in CHANNELS]
    if bad:
        raise ValueError(f"onbekend kanaal: {', '.join(bad)}")
    if set(preferred) & set(never):
        raise ValueError("een kanaal kan niet tegelijk voorkeur en 'nooit' zijn")
    if (quiet_start is None) != (quiet_end is None):
        raise ValueError("stille uren hebben een begin én een eind nodig")
    pref = preference_for(contact)
    pref.preferred = list(dict.fromkeys(preferred))
    pref.never = list(dict.fromkeys(never))
    pref.quiet_start, pref.quiet_end = quiet_start, quiet_end
    pref.language = language[:8]
    pref.save()
    return pref


@dataclass(frozen=True)
class ChannelRule:
    channel: str
    allowed: bool
    reason: str


def _quiet(pref: Preference, now: dt.datetime) -> bool:
    if pref.quiet_start is None or pref.quiet_end is None:
        return False
    t = now.astimezone(LOCAL).time()
    start, end = pref.quiet_start, pref.quiet_end
    return start <= t < end if start <= end else t >= start or t < end


def allowed_channels(contact: Contact, now: dt.datetime) -> list[ChannelRule]:
    """Every channel, allowed ones first in the customer's order, each with its reason."""
    pref = preference_for(contact)
    kinds = set(contact.identities.values_list("kind", flat=True))
    reachable = {"email": "email", "phone": "phone", "whatsapp": "whatsapp", "sms": "phone"}
    quiet = _quiet(pref, now)
    order = [*pref.preferred, *[c for c in CHANNELS if c not in pref.preferred]]
    rules = []
    for channel in order:
        if channel in pref.never:
            rules.append(ChannelRule(channel, False, "klant wil dit kanaal nooit"))
        elif reachable[channel] not in kinds:
            rules.append(ChannelRule(channel, False, "geen adres of nummer bekend"))
        elif channel in consent.NEEDS_CONSENT and not consent.has_consent(contact, channel):
            rules.append(ChannelRule(channel, False, "geen toestemming (opt-in) geregistreerd"))
        elif quiet and channel in ("phone", "whatsapp", "sms"):
            rules.append(ChannelRule(channel, False, "stille uren van de klant"))
        elif channel in pref.preferred:
            rank = pref.preferred.index(channel) + 1
            rules.append(ChannelRule(channel, True, f"voorkeur {rank} van de klant"))
        else:
            rules.append(ChannelRule(channel, True, "toegestaan"))
    return sorted(rules, key=lambda r: not r.allowed)
