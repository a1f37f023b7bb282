"""Contacts over the REST API: the people, each with every way to reach them.

Contacts are shared by all teams (one person, one record), but the conversations listed with a
contact are only the ones routing.access lets this user see.
"""

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from bereikbaar.api.errors import ApiError
from bereikbaar.api.paging import Paged
from bereikbaar.api.schemas import ContactDetail, ContactOut
from bereikbaar.contacts.models import Contact, Identity
from bereikbaar.contacts.normalise import InvalidIdentity, normalise
from bereikbaar.routing.access import visible_conversations

router = Router(tags=["contacts"])


def search(contacts: QuerySet[Contact], q: str) -> QuerySet[Contact]:
    """Name or identity value contains q; a phone or email in any spelling also matches exactly.

    So "06-12345678" finds the contact stored as +31612345678.
    """
    q = q.replace("\x00", "").strip()  # PostgreSQL refuses NUL in a query parameter
    if not q:
        return contacts
    identity = Q(value__icontains=q)
    for kind in (Identity.Kind.EMAIL, Identity.Kind.PHONE):
        try:
            identity |= Q(value=normalise(kind, q))
        except InvalidIdentity:
            pass
    matching = Identity.objects.filter(identity).values("contact_id")
    return contacts.filter(Q(name__icontains=q) | Q(pk__in=matching))


@router.get("/contacts", response=list[ContactOut])
@paginate(Paged)
def list_contacts(request: HttpRequest, q: Query[str | None] = None):
    """All contacts, newest first; `q` searches names and identity values (email, phone…)."""
    contacts = Contact.objects.prefetch_related("identities").order_by("-created_at", "-id")
    return search(contacts, q or "")


@router.get("/contacts/{int:contact_id}", response=ContactDetail)
def get_contact(request: HttpRequest, contact_id: int):
    """One contact with identities and the conversations visible to you, most recent first."""
    contact = Contact.objects.prefetch_related("identities").filter(pk=contact_id).first()
    if contact is None:
        raise ApiError(404, "not_found", f"no contact {contact_id}")
    contact.conversations_visible = list(
        visible_conversations(request.user)
        .filter(contact=contact)
        .select_related("team", "assignee")
        .order_by("-created_at", "-id")
    )
    return contact
