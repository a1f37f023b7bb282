"""The search box of the inbox and `q` of the API: one field for whatever an agent has at hand.

A case number ("#1234"), an e-mail address, a phone number in any spelling (06-12345678,
+31 6 1234 5678 and 0031612345678 find the same person, as identities are stored), or words:
then a conversation matches when every word is in the contact's name, one of their
identities, the subject or any message of the case (notes included: agents search for agents).
Callers narrow `visible_conversations(user)` with it (inbox/filters.py, api/conversations.py),
so it finds nothing of another team.
"""

import re

from django.db.models import Exists, OuterRef, Q

from bereikbaar.contacts.models import Identity
from bereikbaar.contacts.normalise import InvalidIdentity, normalise_email, normalise_phone
from bereikbaar.conversations.models import Message

MAX_LENGTH = 100
MAX_WORDS = 5
_CASE = re.compile(r"#\s*(\d{1,12})")
_PHONE = re.compile(r"[+(]?\d[\d\s().-]{6,}\d")


def clean(q: str) -> str:
    return " ".join(q.split())[:MAX_LENGTH]


def matching(q: str) -> Q:
    """The conversations `q` finds (Q() when there is nothing to search for)."""
    q = clean(q)
    if not q:
        return Q()
    if case := _CASE.fullmatch(q):
        return Q(pk=int(case.group(1)))
    if "@" in q and " " not in q:
        return _identity(_email(q), exact_kinds=("email",))
    if _PHONE.fullmatch(q):
        try:
            return _identity(normalise_phone(q), exact_kinds=("phone", "whatsapp"))
        except InvalidIdentity:
            pass  # digits that are no number: search them as words
    found = Q()
    for word in q.split(" ")[:MAX_WORDS]:
        found &= _word(word)
    return found


def _email(q: str) -> str:
    try:
        return normalise_email(q)
    except InvalidIdentity:
        return q.lower()  # a part of an address: matched as a fragment below


def _identity(value: str, exact_kinds: tuple[str, ...]) -> Q:
    exact = Identity.objects.filter(contact=OuterRef("contact"), kind__in=exact_kinds, value=value)
    fragment = Identity.objects.filter(contact=OuterRef("contact"), value__icontains=value)
    return Q(Exists(exact)) | Q(Exists(fragment))


def _word(word: str) -> Q:
    in_identity = Identity.objects.filter(contact=OuterRef("contact"), value__icontains=word)
    in_message = Message.objects.filter(conversation=OuterRef("pk"), text__icontains=word)
    return (
        Q(contact__name__icontains=word)
        | Q(subject__icontains=word)
        | Q(Exists(in_identity))
        | Q(Exists(in_message))
    )
