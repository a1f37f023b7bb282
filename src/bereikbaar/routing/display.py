"""What the inbox shows of routing: the emotion badge with its reasons, why a case got its
priority, the nearest SLA deadline and its state, where a case waits, and time-to-human.

`attach(conversations)` sets `routing_badge` on each conversation with two queries in all.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max
from django.utils import timezone

from bereikbaar.conversations.models import Conversation
from bereikbaar.routing import sla
from bereikbaar.routing.models import CaseRouting, MessageSignals

DUE_LABELS = {
    "first_response_due": "eerste reactie",
    "next_response_due": "volgende reactie",
    "resolution_due": "oplossing",
}
STATE_LABELS = {"ok": "op tijd", "warning": "bijna te laat", "breached": "te laat"}


@dataclass
class Badge:
    signals: MessageSignals | None = None
    priority_reason: str = ""
    due: datetime | None = None
    due_label: str = ""
    sla_state: str = ""
    waiting: str = ""
    time_to_human: float | None = None

    @property
    def sla_state_label(self) -> str:
        return STATE_LABELS.get(self.sla_state, "")

    @property
    def time_to_human_text(self) -> str:
        if self.time_to_human is None:
            return ""
        minutes = round(self.time_to_human / 60)
        if minutes < 60:
            return f"{minutes} min"
        return f"{minutes // 60} u {minutes % 60:02d} min"


def badge(
    case: CaseRouting | None, signals: MessageSignals | None, now: datetime, active: bool = True
) -> Badge:
    """A closed case shows no deadlines: they stop counting when it is resolved."""
    if case is None:
        return Badge(signals=signals)
    deadlines = [
        (getattr(case, name), label)
        for name, label in DUE_LABELS.items()
        if active and getattr(case, name) is not None
    ]
    due, due_label = min(deadlines, key=lambda d: d[0]) if deadlines else (None, "")
    reasons = case.priority_reasons or []
    return Badge(
        signals=signals,
        priority_reason=str(reasons[-1].get("reason", "")) if reasons else "",
        due=due,
        due_label=due_label,
        sla_state=sla.state(due, case.sla_policy, now),
        waiting=case.waiting_reason if active and case.queued_at else "",
        time_to_human=case.time_to_human,
    )


def attach(conversations: Iterable[Conversation]) -> None:
    rows = list(conversations)
    ids = [c.pk for c in rows]
    if not ids:
        return
    cases = {
        c.conversation_id: c
        for c in CaseRouting.objects.filter(conversation_id__in=ids).select_related("sla_policy")
    }
    latest = (
        MessageSignals.objects.filter(message__conversation_id__in=ids)
        .values("message__conversation_id")
        .annotate(last=Max("id"))
        .values_list("last", flat=True)
    )
    signals = {
        s.message.conversation_id: s
        for s in MessageSignals.objects.filter(id__in=list(latest)).select_related("message")
    }
    now = timezone.now()
    for c in rows:
        c.routing_badge = badge(cases.get(c.pk), signals.get(c.pk), now, c.is_active)
