"""Probable matches: contacts that may be the same person, with the evidence, never merged.

Exact matches on normalised identities are resolved automatically by resolve(); everything
weaker is *suggested* to the agent here, who decides (merge() then does the work):

- the same name and a phone number whose national digits agree but that was stored differently
  (a number parsed under another country, a WhatsApp id vs a phone identity);
- a message text (a chat visitor typing an e-mail address, an e-mail signature with a phone
  number) naming an identity another contact owns: :func:`from_text`, which higher floors call
  with message texts (contacts never reads messages itself).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bereikbaar.contacts.models import Contact, Identity
from bereikbaar.contacts.normalise import InvalidIdentity, normalise

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d[\d \-().]{7,16}\d")
_NATIONAL_DIGITS = 9


@dataclass
class Suggestion:
    contact: Contact
    evidence: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"contact_id": self.contact.pk, "name": self.contact.name, "evidence": self.evidence}


def _fold_name(name: str) -> str:
    return " ".join(name.lower().split())


def _tail(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return digits[-_NATIONAL_DIGITS:] if len(digits) >= _NATIONAL_DIGITS else ""


def identities_in_text(text: str) -> list[tuple[str, str]]:
    """Normalised (kind, value) pairs of the e-mail addresses and phone numbers in ``text``."""
    found: list[tuple[str, str]] = []
    for m in _EMAIL.finditer(text or ""):
        try:
            found.append(("email", normalise("email", m.group(0).strip("."))))
        except InvalidIdentity:
            continue
    for m in _PHONE.finditer(text or ""):
        try:
            found.append(("phone", normalise("phone", m.group(0))))
        except InvalidIdentity:
            continue
    return list(dict.fromkeys(found))


def _live(qs):
    return qs.filter(contact__merged_into__isnull=True, contact__erased_at__isnull=True)


def from_text(contact: Contact, text: str) -> list[Suggestion]:
    """Other contacts owning an identity that ``contact`` wrote in ``text``."""
    out: dict[int, Suggestion] = {}
    for kind, value in identities_in_text(text):
        kinds = ["phone", "whatsapp"] if kind == "phone" else [kind]
        owners = _live(Identity.objects.filter(kind__in=kinds, value=value)).exclude(
            contact=contact
        )
        for identity in owners.select_related("contact"):
            s = out.setdefault(identity.contact_id, Suggestion(identity.contact))
            s.evidence.append(f"noemt {value} in een bericht; dat is {identity} van dit contact")
    return list(out.values())


def suggestions(contact: Contact) -> list[Suggestion]:
    """Contacts that are probably ``contact`` too, each with its evidence."""
    out: dict[int, Suggestion] = {}
    mine = list(contact.identities.all())
    phones = [i for i in mine if i.kind in ("phone", "whatsapp")]
    # The same number under the other kind (phone vs WhatsApp) of another contact.
    for p in phones:
        other_kind = "whatsapp" if p.kind == "phone" else "phone"
        for identity in _live(Identity.objects.filter(kind=other_kind, value=p.value)).exclude(
            contact=contact
        ):
            s = out.setdefault(identity.contact_id, Suggestion(identity.contact))
            s.evidence.append(f"zelfde nummer {p.value} als {p.kind} en als {identity.kind}")
    # The same name, and a number whose national digits agree but is stored differently.
    name = _fold_name(contact.name)
    if name and len(name.split()) >= 2 and phones:
        tails = {_tail(p.value): p.value for p in phones if _tail(p.value)}
        same_name = Contact.objects.filter(
            name__iexact=contact.name.strip(), merged_into__isnull=True, erased_at__isnull=True
        ).exclude(pk=contact.pk)
        for other in same_name.prefetch_related("identities")[:50]:
            for identity in other.identities.all():
                tail = _tail(identity.value) if identity.kind in ("phone", "whatsapp") else ""
                if tail in tails and identity.value != tails[tail]:
                    s = out.setdefault(other.pk, Suggestion(other))
                    s.evidence.append(
                        f"zelfde naam '{contact.name}' en nummer {identity.value} verschilt "
                        f"alleen in schrijfwijze van {tails[tail]}"
                    )
    return list(out.values())
