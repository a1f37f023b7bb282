"""Retention: resolved conversations are deleted once their inbox's retention period is over.

A policy covers one inbox: a channel, optionally narrowed to one team (a team's policy beats
the channel-wide one). A resolved conversation goes when *every* channel it used is covered
and the longest of those periods has passed since it was resolved; a conversation that used a
channel without a policy is kept. Open, pending and snoozed conversations are never touched,
nor are conversations under a legal hold (counted as "held" in every run, dry or not), nor
contacts (their identities, consents and preferences are the customer's, not an inbox's).

Deleting a conversation takes its messages, attachments (rows and files), case links, SLA
records and surveys with it (foreign keys cascade, files are removed here). Floors above that
keep copies (intake's raw payloads) connect to :data:`purged`. Every run, dry or not, is
recorded as a RetentionRun with its counts: the audit trail of deletions no person asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from bereikbaar.conversations.models import (
    Attachment,
    Conversation,
    Message,
    RetentionPolicy,
    RetentionRun,
)

MONTH = timedelta(days=30)
CHUNK = 500
# Sent inside the deleting transaction with conversation_ids=[…]: remove your copies too.
purged = Signal()


@dataclass
class Outcome:
    """What a run deleted (or would have): conversations per inbox, and the totals."""

    conversations: int = 0
    messages: int = 0
    attachments: int = 0
    per_policy: dict[str, int] = field(default_factory=dict)
    held: int = 0  # due, but kept because of a legal hold

    def as_dict(self) -> dict:
        return {
            "conversations": self.conversations,
            "messages": self.messages,
            "attachments": self.attachments,
            "per_policy": self.per_policy,
            "held": self.held,
        }


def _period(policies: list[RetentionPolicy], team_id: int | None, channel: str):
    """The policy that governs one channel of a conversation: the team's own, else the
    channel-wide one, else None (kept)."""
    own = [p for p in policies if p.channel == channel and p.team_id == team_id and team_id]
    wide = [p for p in policies if p.channel == channel and p.team_id is None]
    return (own or wide or [None])[0]


def _candidates(policies: list[RetentionPolicy], now: datetime) -> Iterator[list[dict]]:
    """Resolved conversations old enough for the shortest period, in chunks of CHUNK."""
    shortest = min(p.months for p in policies)
    rows = (
        Conversation.objects.filter(
            status=Conversation.Status.RESOLVED, resolved_at__lt=now - shortest * MONTH
        )
        .order_by("pk")
        .values("pk", "team_id", "resolved_at", "legal_hold")
    )
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last)[:CHUNK])
        if not chunk:
            return
        last = chunk[-1]["pk"]
        yield chunk


def _channels(ids: list[int]) -> dict[int, set[str]]:
    used: dict[int, set[str]] = {pk: set() for pk in ids}
    pairs = (
        Message.objects.filter(conversation_id__in=ids)
        .exclude(direction=Message.Direction.NOTE)
        .values_list("conversation_id", "channel")
        .distinct()
    )
    for pk, channel in pairs:
        used[pk].add(channel)
    return used


def due(now: datetime | None = None) -> Iterator[tuple[int, str]]:
    """(conversation id, the governing policy's label) of every conversation due for deletion."""
    for pk, label, held in _due(now):
        if not held:
            yield pk, label


def _due(now: datetime | None = None) -> Iterator[tuple[int, str, bool]]:
    """Like due(), with the conversations under a legal hold too, flagged, so runs count them."""
    now = now or timezone.now()
    policies = list(RetentionPolicy.objects.filter(enabled=True).select_related("team"))
    if not policies:
        return
    for chunk in _candidates(policies, now):
        used = _channels([row["pk"] for row in chunk])
        for row in chunk:
            channels = used[row["pk"]]
            governing = [_period(policies, row["team_id"], c) for c in channels]
            if not channels or None in governing:
                continue  # a channel without a policy (or no messages at all): keep
            longest = max(governing, key=lambda p: p.months)
            if row["resolved_at"] < now - longest.months * MONTH:
                yield row["pk"], str(longest), row["legal_hold"]


def _delete(ids: list[int]) -> tuple[int, int]:
    """Delete these conversations with their files; returns (messages, attachments)."""
    attachments = list(Attachment.objects.filter(message__conversation_id__in=ids))
    with transaction.atomic():
        purged.send(sender=Conversation, conversation_ids=ids)
        n_messages = Message.objects.filter(conversation_id__in=ids).count()
        Conversation.objects.filter(pk__in=ids).delete()
        # Files go only once the rows are gone for good.
        transaction.on_commit(lambda: _remove_files(attachments))
    return n_messages, len(attachments)


def _remove_files(attachments: list[Attachment]) -> None:
    for attachment in attachments:
        if attachment.file:
            attachment.file.storage.delete(attachment.file.name)


def apply(
    dry_run: bool = False,
    by=None,
    now: datetime | None = None,
    progress: Callable[[int], None] = lambda n: None,
) -> RetentionRun:
    """Delete (or, dry, count) every conversation whose retention is over and that is not
    under a legal hold (those are counted as "held"); record the run."""
    run = RetentionRun.objects.create(dry_run=dry_run, by=by)
    outcome = Outcome()
    batch: list[int] = []

    def flush() -> None:
        if dry_run:
            outcome.messages += Message.objects.filter(conversation_id__in=batch).count()
            outcome.attachments += Attachment.objects.filter(
                message__conversation_id__in=batch
            ).count()
        else:
            n_messages, n_files = _delete(batch)
            outcome.messages += n_messages
            outcome.attachments += n_files
        outcome.conversations += len(batch)
        progress(outcome.conversations)
        batch.clear()

    for pk, label, held in list(_due(now)):
        if held:
            outcome.held += 1
            continue
        batch.append(pk)
        outcome.per_policy[label] = outcome.per_policy.get(label, 0) + 1
        if len(batch) >= CHUNK:
            flush()
    if batch:
        flush()
    run.counts = outcome.as_dict()
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "finished_at"])
    return run


def apply_if_due(every: timedelta = timedelta(hours=1)) -> RetentionRun | None:
    """For the scheduler, which ticks every minute in every process: run at most once per
    `every` across processes, judged by the last real run in the database."""
    if not RetentionPolicy.objects.filter(enabled=True).exists():
        return None
    recent = RetentionRun.objects.filter(
        Q(dry_run=False), started_at__gte=timezone.now() - every
    ).exists()
    if recent:
        return None
    return apply()
