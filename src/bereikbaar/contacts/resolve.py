"""resolve(): from the identities a message carries to the one contact they belong to."""

from django.db import IntegrityError, transaction

from bereikbaar.contacts.models import Contact, Identity
from bereikbaar.contacts.normalise import normalise
from bereikbaar.sqlrows import instances


def resolve(identities: list[tuple[str, str]], name: str = "", language: str = "") -> Contact:
    """The contact owning any of these identities, else a new one owning all of them.

    Identities not yet known are added to the contact found. Two first messages from one new
    person racing here make one contact: the loser of the unique index retries and finds it.
    """
    wanted = [(kind, normalise(kind, value)) for kind, value in identities]
    known = _known(wanted)
    if known and all(pair in known for pair in wanted):
        # the usual case, a returning customer: nothing to insert, so no race to lose
        return _named(_first(wanted, known), name)
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _resolve_once(wanted, name, language, known)
        except IntegrityError:  # someone else added one of them meanwhile: look again
            if attempt == 2:
                raise
            known = _known(wanted)
    raise AssertionError("unreachable")


# One read for every message: through the ORM (select_related, OR of pairs) it took several
# times what the database needed to answer it (bench/ingest.py, cProfile).
_KNOWN = (
    "SELECT c.*, i.kind AS identity_kind, i.value AS identity_value FROM contacts_contact c"
    " JOIN contacts_identity i ON i.contact_id = c.id WHERE {match}"
)


def _known(wanted: list[tuple[str, str]]) -> dict[tuple[str, str], Contact]:
    """The contacts of the identities already on file, in one query."""
    if not wanted:
        return {}
    match = " OR ".join(["(i.kind = %s AND i.value = %s)"] * len(wanted))
    params = [part for pair in wanted for part in pair]
    found = instances(Contact, _KNOWN.format(match=match), params)
    return {(c.identity_kind, c.identity_value): c for c in found}


def _first(wanted: list[tuple[str, str]], known: dict) -> Contact:
    return next(known[pair] for pair in wanted if pair in known)


def _named(contact: Contact, name: str) -> Contact:
    if name and not contact.name:
        contact.name = name
        contact.save(update_fields=["name"])
    return contact


def _resolve_once(wanted: list[tuple[str, str]], name: str, language: str, known: dict) -> Contact:
    if known:
        contact = _named(_first(wanted, known), name)
    else:
        contact = Contact.objects.create(name=name, language=language or "nl")
    for kind, value in wanted:
        if (kind, value) not in known:
            Identity.objects.create(contact=contact, kind=kind, value=value)
    return contact
