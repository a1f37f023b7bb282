"""resolve(): from the identities a message carries to the one contact they belong to."""

from django.db import IntegrityError, transaction

from bereikbaar.contacts.models import Contact, Identity
from bereikbaar.contacts.normalise import normalise


def resolve(identities: list[tuple[str, str]], name: str = "", language: str = "") -> Contact:
    """The contact owning any of these identities, else a new one owning all of them.

    Identities not yet known are added to the contact found. Two first messages from one new
    person racing here make one contact: the loser of the unique index retries and finds it.
    """
    wanted = [(kind, normalise(kind, value)) for kind, value in identities]
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _resolve_once(wanted, name, language)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _resolve_once(wanted: list[tuple[str, str]], name: str, language: str) -> Contact:
    known = {}
    for kind, value in wanted:
        identity = Identity.objects.select_related("contact").filter(kind=kind, value=value).first()
        if identity:
            known[(kind, value)] = identity
    if known:
        contact = next(iter(known.values())).contact
        if name and not contact.name:
            contact.name = name
            contact.save(update_fields=["name"])
    else:
        contact = Contact.objects.create(name=name, language=language or "nl")
    for kind, value in wanted:
        if (kind, value) not in known:
            Identity.objects.create(contact=contact, kind=kind, value=value)
    return contact
