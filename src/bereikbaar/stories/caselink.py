"""Concurrent contacts of one customer become one case: found, linked, explained, undone.

A case link moves the joined conversation's messages into the case's timeline, keeps one
assignee (the case's, else the joined one's), resolves the joined conversation with a tag, and
records all of that in a CaseLink so one click undoes it exactly. The explanation is the
sentence the agent sees: "ook gevraagd via WhatsApp 4 minuten geleden".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from bereikbaar.conversations.models import CHANNELS, Conversation, Message
from bereikbaar.realtime import events
from bereikbaar.realtime.publish import publish
from bereikbaar.stories.models import CaseLink
from bereikbaar.text.similarity import compare

LINKED_TAG = "gekoppeld"
#: A second channel counts as "the same contact moment" within this window.
SECOND_CHANNEL_WINDOW = dt.timedelta(hours=2)
_CHANNEL_NAMES = dict(CHANNELS)


class LinkError(ValueError):
    """The link (or its undo) cannot be made; the message says why."""


@dataclass
class Candidate:
    conversation: Conversation
    signal: str
    explanation: str
    evidence: list[str] = field(default_factory=list)


def ago(then: dt.datetime, now: dt.datetime) -> str:
    minutes = max(0, int((now - then).total_seconds() // 60))
    if minutes < 1:
        return "zojuist"
    if minutes < 60:
        return f"{minutes} minuut geleden" if minutes == 1 else f"{minutes} minuten geleden"
    hours = minutes // 60
    return f"{hours} uur geleden"


def _first_inbound(conversation: Conversation) -> Message | None:
    return (
        conversation.messages.filter(direction=Message.Direction.INBOUND)
        .order_by("created_at", "id")
        .first()
    )


def _inbound_text(conversation: Conversation, limit: int = 3) -> str:
    texts = (
        conversation.messages.filter(direction=Message.Direction.INBOUND)
        .order_by("-created_at", "-id")
        .values_list("text", flat=True)[:limit]
    )
    return "\n".join(reversed(list(texts)))


def explain(channel: str, then: dt.datetime, now: dt.datetime) -> str:
    name = str(_CHANNEL_NAMES.get(channel, channel))
    return f"ook gevraagd via {name} {ago(then, now)}"


def candidates(conversation: Conversation, now: dt.datetime | None = None) -> list[Candidate]:
    """The contact's other open conversations that are this same contact moment, with why."""
    now = now or timezone.now()
    conversation.refresh_from_db(fields=["contact"])  # a merge may have moved it meanwhile
    others = (
        Conversation.objects.filter(
            contact_id=conversation.contact_id, status__in=Conversation.ACTIVE
        )
        .exclude(pk=conversation.pk)
        .order_by("-last_message_at", "-id")
    )
    mine = _inbound_text(conversation)
    my_first = _first_inbound(conversation)
    out = []
    for other in others:
        first = _first_inbound(other)
        if first is None:
            continue
        comparison = compare(mine, _inbound_text(other)) if mine else None
        text = explain(first.channel, first.created_at, now)
        if comparison and comparison.same:
            out.append(Candidate(other, CaseLink.Signal.SAME_QUESTION, text, comparison.reasons))
        elif comparison and comparison.reasons[0].startswith("ander"):
            continue  # another order number, amount or ask: a different question, keep apart
        elif (
            my_first
            and first.channel != my_first.channel
            and abs(my_first.created_at - first.created_at) <= SECOND_CHANNEL_WINDOW
        ):
            why = [f"tweede kanaal ({my_first.channel}) terwijl {first.channel} open is"]
            out.append(Candidate(other, CaseLink.Signal.SECOND_CHANNEL, text, why))
    return out


def _groups(conversation: Conversation) -> list[str]:
    groups = ["admins"]  # as routing.access.groups_for (a floor above; not imported)
    if conversation.team_id:
        groups.append(f"team-{conversation.team_id}")
    return groups


def link(
    case: Conversation | int,
    joined: Conversation | int,
    signal: str = CaseLink.Signal.AGENT,
    explanation: str = "",
    evidence: list[str] | None = None,
    by=None,
) -> CaseLink:
    """Join ``joined`` into ``case``: its messages move into the case's timeline."""
    case_pk = case if isinstance(case, int) else case.pk
    joined_pk = joined if isinstance(joined, int) else joined.pk
    if case_pk == joined_pk:
        raise LinkError("een gesprek kan niet met zichzelf worden gekoppeld")
    now = timezone.now()
    with transaction.atomic():
        rows = Conversation.objects.select_for_update().filter(pk__in=sorted([case_pk, joined_pk]))
        locked = {c.pk: c for c in rows.order_by("pk")}
        if len(locked) != 2:
            raise LinkError("gesprek bestaat niet (meer)")
        c, j = locked[case_pk], locked[joined_pk]
        if c.contact_id != j.contact_id:
            raise LinkError("alleen gesprekken van hetzelfde contact kunnen worden gekoppeld")
        if CaseLink.objects.filter(joined=c, undone_at__isnull=True).exists():
            raise LinkError(f"gesprek #{c.pk} is zelf al gekoppeld aan een ander gesprek")
        if CaseLink.objects.filter(case=j, undone_at__isnull=True).exists():
            raise LinkError(
                f"gesprek #{j.pk} heeft zelf gekoppelde gesprekken; koppel die eerst los"
            )
        if not explanation:
            first = _first_inbound(j)
            explanation = explain(first.channel, first.created_at, now) if first else "gekoppeld"
        message_ids = list(j.messages.values_list("pk", flat=True))
        record = CaseLink.objects.create(
            case=c,
            joined=j,
            signal=signal,
            explanation=explanation[:300],
            evidence=evidence or [],
            message_ids=message_ids,
            joined_status=j.status,
            case_assignee_id=c.assignee_id,
            by=by if getattr(by, "is_authenticated", False) else None,
        )
        Message.objects.filter(pk__in=message_ids).update(conversation=c)
        fields = ["last_message_at"]
        if c.assignee_id is None and j.assignee_id is not None:
            c.assignee_id = j.assignee_id
            fields.append("assignee")
        latest = max(filter(None, [c.last_message_at, j.last_message_at]), default=None)
        c.last_message_at = latest
        c.save(update_fields=fields)
        j.status = Conversation.Status.RESOLVED
        j.tags = [*j.tags, LINKED_TAG] if LINKED_TAG not in j.tags else j.tags
        j.save(update_fields=["status", "tags"])
        for conv in (c, j):
            payload = {"conversation_id": conv.pk, "fields": ["messages", "status", "link"]}
            publish(events.CONVERSATION_UPDATED, payload, _groups(conv))
    return record


def unlink(record: CaseLink | int, by=None) -> Conversation:
    """Undo a link exactly: the joined messages go back, status and assignee as they were."""
    pk = record if isinstance(record, int) else record.pk
    with transaction.atomic():
        record = CaseLink.objects.select_for_update().get(pk=pk)
        if record.undone_at:
            raise LinkError("deze koppeling is al ongedaan gemaakt")
        c = Conversation.objects.select_for_update().get(pk=record.case_id)
        j = Conversation.objects.select_for_update().get(pk=record.joined_id)
        Message.objects.filter(pk__in=record.message_ids, conversation=c).update(conversation=j)
        if c.assignee_id != record.case_assignee_id and record.case_assignee_id is None:
            c.assignee_id = None
            c.save(update_fields=["assignee"])
        j.status = record.joined_status
        j.tags = [t for t in j.tags if t != LINKED_TAG]
        j.save(update_fields=["status", "tags"])
        record.undone_at = timezone.now()
        record.save(update_fields=["undone_at"])
        for conv in (c, j):
            payload = {"conversation_id": conv.pk, "fields": ["messages", "status", "link"]}
            publish(events.CONVERSATION_UPDATED, payload, _groups(conv))
    return j


def links_for(conversation: Conversation) -> list[CaseLink]:
    """The live links shown on a case ("ook gevraagd via …")."""
    return list(
        CaseLink.objects.filter(case=conversation, undone_at__isnull=True).select_related("joined")
    )


def link_concurrent(conversation: Conversation, now: dt.datetime | None = None) -> list[CaseLink]:
    """Link every concurrent conversation of the contact into ``conversation`` (the older case
    survives: the one asked first), for a caller such as ingest or a post-merge step."""
    made = []
    for cand in candidates(conversation, now):
        case, joined = sorted([conversation, cand.conversation], key=lambda c: (c.created_at, c.pk))
        try:
            # The explanation is about the joined conversation, worked out by link().
            made.append(link(case, joined, cand.signal, "", cand.evidence))
        except LinkError:
            continue
    return made


def after_merge(survivor_id: int) -> list[CaseLink]:
    """Once two records of one person are one, their concurrent open conversations become one
    case (undoing the merge undoes these links too: see stories.hooks)."""
    newest = (
        Conversation.objects.filter(contact_id=survivor_id, status__in=Conversation.ACTIVE)
        .order_by("-last_message_at", "-id")
        .first()
    )
    return link_concurrent(newest) if newest else []
