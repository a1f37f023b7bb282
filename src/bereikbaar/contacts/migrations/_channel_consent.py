"""Copying a channel's own consent rows (per number) into the central register (per contact),
for the WhatsApp and SMS data migrations that then drop the channels' tables.

Not a migration itself (the loader skips modules starting with "_"); it works only on the
historical models it is given, so later changes to the real models do not change it.

Which contact a number's rows go to:
- the contact owning the number as an identity of one of ``kinds`` (WhatsApp: whatsapp, then
  phone; SMS: phone, then whatsapp), as intake would resolve it;
- a number nobody owns gets a new contact with the identities the channel's parser gives its
  senders (WhatsApp: whatsapp + phone; SMS: phone), exactly what resolve() would have made
  when the customer's next message arrived: an opt-out must never be lost, and a per-number
  row without a contact would be invisible to every check that asks per contact;
- a number that is not a possible phone number (none should exist: the parsers check) gets a
  contact without identities, so its rows are kept and visible in the admin;
- a number whose owner was erased (a tombstone in ErasedIdentity) is dropped: those rows
  should have gone with the erasure, and copying them would re-create the person.
Copying twice adds nothing (an identical entry is skipped).
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from bereikbaar.contacts.normalise import InvalidIdentity, normalise


def _digest(kind: str, value: str) -> str:
    """As contacts.privacy._digest: the tombstone of an erased identity."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def copy_in(
    apps, channel_app: str, channel: str, kinds: tuple[str, ...], new_kinds: tuple[str, ...]
) -> dict[str, int]:
    """Copy ``channel_app``'s Consent rows into contacts.Consent; returns counts by outcome
    ("copied", "known" = already there, "new_contact", "erased" = dropped)."""
    Old = apps.get_model(channel_app, "Consent")
    Consent = apps.get_model("contacts", "Consent")
    Contact = apps.get_model("contacts", "Contact")
    Identity = apps.get_model("contacts", "Identity")
    Erased = apps.get_model("contacts", "ErasedIdentity")
    counts = {"copied": 0, "known": 0, "new_contact": 0, "erased": 0}
    contacts: dict[str, object | None] = {}
    for row in Old.objects.order_by("at", "id").iterator():
        try:
            number, give = normalise("phone", row.address), new_kinds
        except InvalidIdentity:  # cannot be an identity: a contact without one keeps the row
            number, give = row.address.strip(), ()
        if number not in contacts:
            contacts[number] = _contact_for(number, kinds, give, Contact, Identity, Erased, counts)
        contact = contacts[number]
        if contact is None:
            counts["erased"] += 1
            continue
        entry = {
            "contact": contact,
            "channel": channel,
            "address": number,
            "granted": row.state == "opt_in",
            "source": row.method[:200],
            "at": row.at,
        }
        if Consent.objects.filter(**entry).exists():
            counts["known"] += 1
            continue
        copied = Consent.objects.create(**entry, text_shown=row.text_shown)
        # auto_now_add set it to now; keep when the channel stored it
        Consent.objects.filter(pk=copied.pk).update(recorded_at=row.recorded_at)
        counts["copied"] += 1
    return counts


def _contact_for(number, kinds, new_kinds, Contact, Identity, Erased, counts):
    by_kind = {i.kind: i for i in Identity.objects.filter(kind__in=kinds, value=number)}
    for kind in kinds:
        if kind in by_kind:
            return by_kind[kind].contact
    if Erased.objects.filter(digest__in=[_digest(k, number) for k in kinds]).exists():
        return None
    contact = Contact.objects.create(name="", language="nl")
    for kind in new_kinds:
        Identity.objects.create(contact=contact, kind=kind, value=number)
    counts["new_contact"] += 1
    return contact


def copy_back(apps, channel_app: str, channel: str) -> None:
    """The reverse: the register's entries for this channel that name a number go back to the
    channel's table and leave the register (before the forward migration it had none)."""
    Old = apps.get_model(channel_app, "Consent")
    Consent = apps.get_model("contacts", "Consent")
    rows = Consent.objects.filter(channel=channel).exclude(address="").order_by("at", "id")
    for row in rows:
        Old.objects.create(
            address=row.address[:32],
            state="opt_in" if row.granted else "opt_out",
            at=row.at,
            method=row.source,
            text_shown=row.text_shown,
        )
    rows.delete()
