"""Identity and privacy over the REST API: suggestions, merge and undo, case links and undo,
preferences, GDPR export and erasure. Mount with ``api.add_router("/", identity_router)``.

Logic lives in contacts/ and stories/; this module only maps requests to it and errors to the
one error shape.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from bereikbaar.api.errors import ApiError
from bereikbaar.contacts.merge import MergeError, merge, unmerge
from bereikbaar.contacts.models import Contact, MergeRecord
from bereikbaar.contacts.preferences import allowed_channels
from bereikbaar.contacts.privacy import EraseBlocked, erase, export
from bereikbaar.contacts.suggest import suggestions
from bereikbaar.conversations import access_log
from bereikbaar.routing.access import visible_conversations
from bereikbaar.stories.caselink import LinkError, candidates, link, unlink
from bereikbaar.stories.models import CaseLink

router = Router(tags=["identity"])


class MergeIn(Schema):
    other: int
    name: str | None = None
    language: str | None = None


class MergeOut(Schema):
    merge_id: int
    survivor: int
    merged: int
    moved: dict
    fields: dict


class LinkIn(Schema):
    other: int


class LinkOut(Schema):
    link_id: int
    case: int
    joined: int
    signal: str
    explanation: str
    evidence: list[str]


def _contact(pk: int) -> Contact:
    contact = Contact.objects.filter(pk=pk).first()
    if contact is None:
        raise ApiError(404, "not_found", f"no contact {pk}")
    return contact


def _admin(request: HttpRequest) -> None:
    if not request.user.is_superuser:
        raise ApiError(403, "forbidden", "only administrators export or erase contacts")


def _merge_out(r: MergeRecord) -> dict:
    return {
        "merge_id": r.pk,
        "survivor": r.survivor_id,
        "merged": r.merged_id,
        "moved": r.moved,
        "fields": r.fields,
    }


def _link_out(r: CaseLink) -> dict:
    return {
        "link_id": r.pk,
        "case": r.case_id,
        "joined": r.joined_id,
        "signal": r.signal,
        "explanation": r.explanation,
        "evidence": r.evidence,
    }


@router.get("/contacts/{int:contact_id}/suggestions")
def get_suggestions(request: HttpRequest, contact_id: int):
    """Contacts that are probably the same person, each with its evidence (never merged)."""
    return {"results": [s.as_dict() for s in suggestions(_contact(contact_id))]}


@router.post("/contacts/{int:contact_id}/merge", response={201: MergeOut})
def post_merge(request: HttpRequest, contact_id: int, body: MergeIn):
    """Merge `other` into this contact; `name`/`language` pick a value on conflict."""
    chosen = {k: v for k, v in {"name": body.name, "language": body.language}.items() if v}
    try:
        record = merge(_contact(contact_id), _contact(body.other), chosen, by=request.user)
    except MergeError as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    return Status(201, _merge_out(record))


@router.post("/merges/{int:merge_id}/undo", response=MergeOut)
def post_unmerge(request: HttpRequest, merge_id: int):
    record = MergeRecord.objects.filter(pk=merge_id).first()
    if record is None:
        raise ApiError(404, "not_found", f"no merge {merge_id}")
    try:
        unmerge(record, by=request.user)
    except MergeError as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    record.refresh_from_db()
    return _merge_out(record)


@router.get("/contacts/{int:contact_id}/channels")
def get_channels(request: HttpRequest, contact_id: int):
    """Which channels outbound may use now, in the customer's order, and why not the others."""
    rules = allowed_channels(_contact(contact_id), timezone.now())
    return {"results": [r.__dict__ for r in rules]}


@router.get("/contacts/{int:contact_id}/export")
def get_export(request: HttpRequest, contact_id: int):
    """Everything about the contact (GDPR access request). Administrators only; audited."""
    _admin(request)
    return export(_contact(contact_id), by=request.user, ip=access_log.client_ip(request))


@router.post("/contacts/{int:contact_id}/erase")
def post_erase(request: HttpRequest, contact_id: int):
    """Erase the contact's personal data (GDPR). Administrators only; audited."""
    _admin(request)
    try:
        counts = erase(_contact(contact_id), by=request.user)
    except EraseBlocked as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    return {"erased": counts}


def _conversation(request: HttpRequest, pk: int):
    conv = visible_conversations(request.user).filter(pk=pk).first()
    if conv is None:
        access_log.refused(request, pk)  # the answer stays the missing id's
        raise ApiError(404, "not_found", f"no conversation {pk}")
    return conv


@router.get("/conversations/{int:conversation_id}/concurrent")
def get_concurrent(request: HttpRequest, conversation_id: int):
    """The contact's other open conversations that are the same contact moment, with why."""
    conv = _conversation(request, conversation_id)
    found = candidates(conv)
    ids = {c.conversation.pk for c in found}
    allowed = set(
        visible_conversations(request.user).filter(pk__in=ids).values_list("pk", flat=True)
    )
    return {
        "results": [
            {
                "conversation": c.conversation.pk,
                "signal": c.signal,
                "explanation": c.explanation,
                "evidence": c.evidence,
            }
            for c in found
            if c.conversation.pk in allowed  # another team's case is not even named
        ]
    }


@router.post("/conversations/{int:conversation_id}/link", response={201: LinkOut})
def post_link(request: HttpRequest, conversation_id: int, body: LinkIn):
    """Join two conversations of one contact into one case (the older one stays)."""
    conv = _conversation(request, conversation_id)
    other = _conversation(request, body.other)
    found = {c.conversation.pk: c for c in candidates(conv)}
    cand = found.get(other.pk)
    case, joined = sorted([conv, other], key=lambda c: (c.created_at, c.pk))
    try:
        record = link(
            case,
            joined,
            cand.signal if cand else CaseLink.Signal.AGENT,
            "",
            cand.evidence if cand else [],
            by=request.user,
        )
    except LinkError as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    return Status(201, _link_out(record))


@router.post("/links/{int:link_id}/undo", response=LinkOut)
def post_unlink(request: HttpRequest, link_id: int):
    record = CaseLink.objects.filter(pk=link_id).first()
    if record is None:
        raise ApiError(404, "not_found", f"no link {link_id}")
    _conversation(request, record.case_id)
    try:
        unlink(record, by=request.user)
    except LinkError as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    return _link_out(record)
