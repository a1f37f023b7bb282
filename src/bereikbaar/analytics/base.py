"""What every figure module shares: the filters, the Figure a figure returns, the channel
and emotion keys in display order, and small number helpers (rounding, shares, names)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.db.models import CharField, ExpressionWrapper, F, Func, Value
from django.db.models.functions import TruncWeek
from django.utils import timezone

from bereikbaar.conversations.models import CHANNELS, Message

CHANNEL_KEYS = [key for key, _label in CHANNELS]
CHANNEL_LABELS = {key: str(label) for key, label in CHANNELS}
EMOTION_KEYS = ["neutral", "nervous", "angry", "impatient", "grateful"]
INBOUND = Message.Direction.INBOUND
OUTBOUND = Message.Direction.OUTBOUND


@dataclass(frozen=True)
class Filters:
    start: datetime
    end: datetime
    team: int | None = None
    channel: str = ""
    agent: int | None = None

    @classmethod
    def last_days(cls, days: int = 56, now: datetime | None = None, **kw) -> Filters:
        now = now or timezone.now()
        return cls(start=now - timedelta(days=days), end=now, **kw)


@dataclass
class Figure:
    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    measured: bool = True
    note: str = ""
    chart: str = "bar"  # bar, stacked, hbar, line, none
    unit: str = ""

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "measured": self.measured,
            "note": self.note,
            "unit": self.unit,
            "columns": self.columns,
            "rows": self.rows,
            "summary": self.summary,
        }


def not_measured(key: str, title: str, note: str) -> Figure:
    return Figure(key, title, [], measured=False, note=note, chart="none")


def has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def names(model_label: str, field_name: str) -> Callable:
    """pk -> a display name, read once on first use ("—" for no one)."""
    model = apps.get_model(model_label)
    cache: dict = {}

    def label(pk) -> str:
        if pk is None:
            return "—"
        if not cache:
            cache.update(model.objects.values_list("pk", field_name))
        return str(cache.get(pk, pk))

    return label


def weekly_counts(qs, **counts) -> list[dict]:
    """``qs`` grouped by the Monday of ``created_at``'s week (settings.TIME_ZONE), with the
    given Count aggregates: [{"week": date, name: n, ...}] in week order.

    On SQLite, TruncWeek is a Python function called once per row; there the rows are grouped
    by their UTC hour in SQL (native strftime) and the hours summed into weeks here. Equal,
    because zones move by whole hours (checked; otherwise TruncWeek is used)."""
    zone = timezone.get_default_timezone()
    if qs.db and connections[qs.db].vendor == "sqlite":
        hour = Func(Value("%Y-%m-%d %H"), F("created_at"), function="strftime")
        hours = qs.annotate(hour=ExpressionWrapper(hour, output_field=CharField()))
        weeks: dict = {}
        for row in hours.values("hour").annotate(**counts).order_by():
            at = datetime.strptime(row.pop("hour"), "%Y-%m-%d %H").replace(tzinfo=UTC)
            local = at.astimezone(zone)
            if local.utcoffset().total_seconds() % 3600:
                break
            monday = local.date() - timedelta(days=local.weekday())
            week = weeks.setdefault(monday, dict.fromkeys(counts, 0))
            for name, n in row.items():
                week[name] += n
        else:
            return [{"week": w, **weeks[w]} for w in sorted(weeks)]
    rows = qs.annotate(week=TruncWeek("created_at")).values("week").annotate(**counts)
    return [{**r, "week": r["week"].date()} for r in rows.order_by("week")]
