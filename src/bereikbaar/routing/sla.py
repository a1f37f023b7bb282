"""SLA deadlines per channel and priority on business hours, and the breaches recorded.

A deadline is met by the event it waits for (the first human answer, an answer after the
customer's latest message, resolving the case). `sweep(now)` records every deadline that passed
unmet, once; `met()` records a late answer as a breach when it finally comes.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from bereikbaar.conversations.models import Conversation
from bereikbaar.routing import config
from bereikbaar.routing.hours import add_business_minutes
from bereikbaar.routing.models import CaseRouting, SlaBreach, SlaPolicy

DUE_FIELDS = {
    SlaBreach.Kind.FIRST_RESPONSE: "first_response_due",
    SlaBreach.Kind.NEXT_RESPONSE: "next_response_due",
    SlaBreach.Kind.RESOLUTION: "resolution_due",
}


def policy_for(
    channel: str, priority: int, policies: Iterable[SlaPolicy] | None = None
) -> SlaPolicy | None:
    """The most specific policy: channel and priority, then channel, then priority, then any."""
    policies = config.current().policies if policies is None else policies
    candidates = [
        p
        for p in policies
        if p.channel in (channel, "") and (p.priority is None or p.priority == priority)
    ]
    ranked = sorted(candidates, key=lambda p: (p.channel == "", p.priority is None, p.pk))
    return ranked[0] if ranked else None


def due(start: datetime, minutes: int | None, policy: SlaPolicy, team) -> datetime | None:
    if minutes is None:
        return None
    if not policy.business_hours:
        return start + timedelta(minutes=minutes)
    return add_business_minutes(start, minutes, team)


def plan(
    case: CaseRouting,
    conversation: Conversation,
    channel: str,
    at: datetime,
    settings: config.Config | None = None,
) -> list[str]:
    """(Re)compute the deadlines after an inbound message at `at`; returns changed fields."""
    settings = settings or config.current()
    policy = policy_for(channel, conversation.priority, settings.policies)
    if policy is None:
        return []
    team = settings.teams.get(conversation.team_id) or conversation.team
    reopened = conversation.status == Conversation.Status.RESOLVED  # intake reopens it next
    start = at if reopened else (case.first_inbound_at or at)
    case.sla_policy = policy
    fields = ["sla_policy"]
    if conversation.first_response_at is None and case.human_at is None:
        case.first_response_due = due(start, policy.first_response_minutes, policy, team)
        fields.append("first_response_due")
    elif case.next_response_due is None:
        case.next_response_due = due(at, policy.next_response_minutes, policy, team)
        fields.append("next_response_due")
    case.resolution_due = due(start, policy.resolution_minutes, policy, team)
    fields.append("resolution_due")
    return fields


def record(conversation_id: int, kind: str, due_at: datetime) -> bool:
    """Record one breach; False when it was already recorded."""
    try:
        with transaction.atomic():
            SlaBreach.objects.create(conversation_id=conversation_id, kind=kind, due_at=due_at)
    except IntegrityError:
        return False
    return True


def answered(case: CaseRouting, at: datetime) -> list[str]:
    """A human answered at `at`: response deadlines are met (late ones become breaches)."""
    fields = []
    for kind in (SlaBreach.Kind.FIRST_RESPONSE, SlaBreach.Kind.NEXT_RESPONSE):
        name = DUE_FIELDS[kind]
        deadline = getattr(case, name)
        if deadline is None:
            continue
        if at > deadline:
            record(case.conversation_id, kind, deadline)
        setattr(case, name, None)
        fields.append(name)
    return fields


def resolved(case: CaseRouting, at: datetime) -> list[str]:
    if case.resolution_due is None:
        return []
    if at > case.resolution_due:
        record(case.conversation_id, SlaBreach.Kind.RESOLUTION, case.resolution_due)
    case.resolution_due = None
    return ["resolution_due"]


def sweep(now: datetime | None = None) -> int:
    """Record every deadline of an active case that passed unmet; returns how many are new."""
    now = now or timezone.now()
    new = 0
    for kind, name in DUE_FIELDS.items():
        overdue = CaseRouting.objects.filter(
            **{f"{name}__lt": now}, conversation__status__in=Conversation.ACTIVE
        ).values_list("conversation_id", name)
        for conversation_id, deadline in overdue.iterator():
            new += record(conversation_id, kind, deadline)
    return new


def state(deadline: datetime | None, policy: SlaPolicy | None, now: datetime) -> str:
    """'ok', 'warning' (within the policy's warning time) or 'breached'."""
    if deadline is None:
        return ""
    if deadline <= now:
        return "breached"
    warn = timedelta(minutes=policy.warn_minutes if policy else 15)
    return "warning" if deadline - now <= warn else "ok"


def backfill() -> int:
    """SLA clocks for conversations filed without intake (imported or generated history), set
    as routing would have set them live: the policy for the first channel, the deadline from
    the first message on business hours, a breach where the first human answer came after it.
    Conversations that already have a policy are left alone. Returns how many got one."""
    settings = config.current()
    done = 0
    # a LEFT JOIN: conversations without a routing row at all are included too
    open_clocks = Conversation.objects.filter(routing__sla_policy__isnull=True)
    for conversation in open_clocks.select_related("team").iterator():
        first = (
            conversation.messages.filter(direction="inbound")
            .order_by("created_at", "id")
            .values_list("channel", "created_at")
            .first()
        )
        if first is None:
            continue
        channel, start = first
        policy = policy_for(channel, conversation.priority, settings.policies)
        if policy is None:
            continue
        deadline = due(start, policy.first_response_minutes, policy, conversation.team)
        answered = conversation.first_response_at
        case, _ = CaseRouting.objects.get_or_create(conversation=conversation)
        case.sla_policy = policy
        case.first_inbound_at = case.first_inbound_at or start
        case.human_at = case.human_at or answered
        if answered is None and deadline is not None:
            case.first_response_due = deadline  # still running (the sweep records a miss)
        elif answered is not None and deadline is not None and answered > deadline:
            record(conversation.pk, SlaBreach.Kind.FIRST_RESPONSE, deadline)
        case.save(
            update_fields=["sla_policy", "first_inbound_at", "human_at", "first_response_due"]
        )
        done += 1
    return done
