"""GDPR: export everything about one contact, erase it, and never silently re-create it.

Like merge(), this floor handles what it owns (the contact, identities, consents, preferences,
merge history) and higher floors register *sections* for what they own (conversations,
messages, attachments): an exporter that returns that contact's data and an eraser that removes
or anonymises it. A *blocker* may refuse an erasure (an active phone call) with a reason.

Erased identities leave a tombstone: an HMAC of "kind:value" keyed by SECRET_KEY, so the
database keeps no readable trace, yet :func:`is_erased` tells intake that a late webhook
redelivery of an old message belongs to an erased person.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bereikbaar.contacts import erasure_log, provider_erasure
from bereikbaar.contacts.audit import audit
from bereikbaar.contacts.models import (
    AuditEntry,
    Consent,
    Contact,
    ErasedIdentity,
    Identity,
    MergeRecord,
    Preference,
)
from bereikbaar.contacts.normalise import InvalidIdentity, normalise

ERASED_NAME = ""


class EraseBlocked(RuntimeError):
    """The contact cannot be erased now; the message says why."""


@dataclass(frozen=True)
class Section:
    export: Callable[[Contact], object]
    erase: Callable[[Contact], dict[str, int]]
    blocker: Callable[[Contact], str | None] = lambda contact: None


_SECTIONS: dict[str, Section] = {}


def register_section(name: str, section: Section) -> None:
    _SECTIONS[name] = section


def _digest(kind: str, value: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def is_erased(kind: str, value: str) -> bool:
    """Was an identity with this value erased? For intake: drop (or quarantine) a redelivered
    message of an erased person instead of creating them again."""
    try:
        value = normalise(kind, value)
    except InvalidIdentity:
        return False
    kinds = ("phone", "whatsapp") if kind in ("phone", "whatsapp") else (kind,)
    digests = [_digest(k, value) for k in kinds]
    return ErasedIdentity.objects.filter(digest__in=digests).exists()


def export(contact: Contact, by=None, ip: str | None = None) -> dict:
    """Everything about ``contact`` as JSON-ready data; other people appear only as roles.
    Audited with the actor and ``ip``, the address the request came from."""
    data = {
        "contact": {
            "id": contact.pk,
            "name": contact.name,
            "language": contact.language,
            "created_at": contact.created_at.isoformat(),
        },
        "identities": [
            {
                "kind": i.kind,
                "value": i.value,
                "verified": i.verified,
                "created_at": i.created_at.isoformat(),
            }
            for i in contact.identities.order_by("pk")
        ],
        "consents": [
            {
                "channel": c.channel,
                "address": c.address,
                "granted": c.granted,
                "source": c.source,
                "text_shown": c.text_shown,
                "at": c.at.isoformat(),
                "recorded_at": c.recorded_at.isoformat(),
            }
            for c in contact.consents.order_by("at", "pk")
        ],
        "preferences": _preference(contact),
        "merged_records": [
            {"merged_contact": m.merged_id, "at": m.created_at.isoformat()}
            for m in MergeRecord.objects.filter(survivor=contact, undone_at__isnull=True)
        ],
    }
    for name, section in _SECTIONS.items():
        data[name] = section.export(contact)
    audit(by, AuditEntry.Action.EXPORT, contact.pk, {"sections": sorted(data)}, ip=ip)
    return data


def _preference(contact: Contact) -> dict | None:
    p = Preference.objects.filter(contact=contact).first()
    if p is None:
        return None
    return {
        "preferred": p.preferred,
        "never": p.never,
        "quiet_start": p.quiet_start.isoformat() if p.quiet_start else None,
        "quiet_end": p.quiet_end.isoformat() if p.quiet_end else None,
        "language": p.language,
    }


def erase(contact: Contact | int, by=None, reason: str = "") -> dict[str, int]:
    """Remove or anonymise everything personal about the contact; returns counts per part.

    The contact row stays (anonymous, ``erased_at`` set) so ids in audit and statistics still
    resolve; contacts merged into it are erased too (they are the same person).
    """
    pk = contact if isinstance(contact, int) else contact.pk
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cur:  # overwrite freed pages, so erased text is not on disk
            cur.execute("PRAGMA secure_delete = ON")
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=pk)
        if contact.erased_at:
            raise EraseBlocked(f"contact #{pk} is al gewist")
        if contact.merged_into_id:
            raise EraseBlocked(
                f"contact #{pk} is samengevoegd met #{contact.merged_into_id}; wis dat contact"
            )
        people = [contact, *Contact.objects.filter(merged_into=contact)]
        held = _held_conversations(people)
        if held:
            raise EraseBlocked(
                _(
                    "Contact #%(contact)s kan niet gewist worden: gesprek %(ids)s valt onder een "
                    "juridische bewaarplicht. Een beheerder moet die eerst opheffen."
                )
                % {"contact": pk, "ids": ", ".join(f"#{c}" for c in held)}
            )
        for person in people:
            for name, section in _SECTIONS.items():
                why = section.blocker(person)
                if why:
                    raise EraseBlocked(f"{name}: {why}")
        counts: dict[str, int] = {}
        for person in people:
            for name, n in _erase_one(person).items():
                counts[name] = counts.get(name, 0) + n
        audit(by, AuditEntry.Action.ERASE, pk, {"counts": counts, "reason": reason})
    return counts


def _held_conversations(people: list[Contact]) -> list[int]:
    """Ids of these contacts' conversations under a legal hold. Read through the reverse
    relation the conversations floor declares (``Contact.conversations``), so this floor
    imports nothing above it; the hold is the one thing an erasure request must not override."""
    return sorted(
        pk
        for person in people
        for pk in person.conversations.filter(legal_hold=True).values_list("pk", flat=True)
    )


def _erase_one(contact: Contact) -> dict[str, int]:
    counts: dict[str, int] = {}
    # The providers' copies first, while the rows still name them; deleted later by a task.
    counts["provider_copies"] = provider_erasure.collect(contact)
    # Sections next: they may find their rows by the contact's identities.
    for section in _SECTIONS.values():
        for part, n in section.erase(contact).items():
            counts[part] = counts.get(part, 0) + n
    identities = list(Identity.objects.filter(contact=contact))
    digests = [_digest(i.kind, i.value) for i in identities]
    ErasedIdentity.objects.bulk_create(
        [ErasedIdentity(digest=d) for d in digests], ignore_conflicts=True
    )
    transaction.on_commit(partial(erasure_log.append, contact.pk, digests))
    counts["identities"] = Identity.objects.filter(contact=contact).delete()[0]
    counts["consents"] = Consent.objects.filter(contact=contact).delete()[0]
    counts["preferences"] = Preference.objects.filter(contact=contact).delete()[0]
    contact.name = ERASED_NAME
    contact.erased_at = timezone.now()
    contact.save(update_fields=["name", "erased_at"])
    return counts


def reapply_erasures(source=None, dry_run: bool = False) -> list[int]:
    """After restoring a backup: erase every contact that owns an identity the erasure journal
    names (contacts/erasure_log.py), and put the tombstones back. Returns the contacts' ids."""
    wanted = erasure_log.digests(source)
    if not wanted:
        return []
    found = sorted(
        {
            contact_id
            for contact_id, kind, value in Identity.objects.filter(
                contact__erased_at__isnull=True
            ).values_list("contact_id", "kind", "value")
            if _digest(kind, value) in wanted
        }
    )
    if dry_run:
        return found
    for contact_id in found:
        contact = Contact.objects.get(pk=contact_id)
        target = contact.merged_into_id or contact_id
        if not Contact.objects.filter(pk=target, erased_at__isnull=True).exists():
            continue  # erased already, through the contact it was merged into
        erase(target, reason="erasure journal, after a restore")
    ErasedIdentity.objects.bulk_create(
        [ErasedIdentity(digest=d) for d in wanted], ignore_conflicts=True
    )
    return found
