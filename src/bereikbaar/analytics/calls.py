"""Phone figures: calls answered and abandoned with the average wait, and callbacks made on
time. Read from the voice channel's own tables, found through the app registry: analytics
(an edge) never imports a channel.

"On time" (the voice channel's definition, see channels/voice/callbacks.py): the first dial
(``placed_at``) no later than the end of the slot the customer chose, or, without a slot, no
later than the first promised moment (``first_due_at``) plus CALLBACK_TARGET_MINUTES
(setting ``BEREIKBAAR_CALLBACK_TARGET_MINUTES``). A request counts once its deadline has
passed or it was dialled: one still open within its deadline is neither on time nor late.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from bereikbaar.analytics.base import Figure, Filters, not_measured, rounded, share
from bereikbaar.analytics.stats import Seconds
from bereikbaar.routing.access import is_admin, team_ids

VOICE_APP = "bereikbaar.channels.voice"
CALLBACK_TARGET_MINUTES = 60  # like one slot of the contact page's callback form


def _voice_model(name: str):
    """A model of the voice channel, found by its package (no import of a channel)."""
    config = next((c for c in apps.get_app_configs() if c.name == VOICE_APP), None)
    try:
        return config.get_model(name) if config else None
    except LookupError:
        return None


def callback_target() -> timedelta:
    return timedelta(
        minutes=getattr(settings, "BEREIKBAAR_CALLBACK_TARGET_MINUTES", CALLBACK_TARGET_MINUTES)
    )


def callback_verdict(row: dict, now: datetime, target: timedelta) -> bool | None:
    """True (on time), False (late) or None (not due yet) for one callback request."""
    promised = row["first_due_at"] or row["due_at"]
    deadline = row["slot_end"] or (promised + target if promised else None)
    placed = row["placed_at"]
    if deadline is None:
        return None if placed is None else True
    if placed is not None:
        return placed <= deadline
    return False if deadline < now else None


def _callback_rows(f: Filters) -> list[dict] | None:
    model = _voice_model("CallbackRequest")
    if model is None:
        return None
    qs = model.objects.filter(created_at__gte=f.start, created_at__lt=f.end)
    if f.agent:
        qs = qs.filter(assignee_id=f.agent)
    return list(
        qs.values("created_at", "first_due_at", "due_at", "slot_end", "placed_at").order_by(
            "created_at"
        )
    )


def _callback_counts(rows: list[dict]) -> dict:
    now, target = timezone.now(), callback_target()
    verdicts = [callback_verdict(r, now, target) for r in rows]
    on_time = sum(1 for v in verdicts if v is True)
    late = sum(1 for v in verdicts if v is False)
    return {
        "callbacks_requested": len(rows),
        "callbacks_on_time": on_time,
        "callbacks_late": late,
        "callbacks_on_time_share": share(on_time, on_time + late),
    }


def phone(user, f: Filters) -> Figure:
    title = _("Telefonie: beantwoord, opgehangen, wachttijd, terugbellen")
    call_model, callback_model = _voice_model("Call"), _voice_model("CallbackRequest")
    if call_model is None:
        return not_measured(
            "phone", title, _("Nog niet gemeten: er is nog geen telefoniekoppeling.")
        )
    calls = call_model.objects.filter(direction="in", created_at__gte=f.start, created_at__lt=f.end)
    if not is_admin(user):
        calls = calls.filter(line__team_id__in=team_ids(user))
    if f.team:
        calls = calls.filter(line__team_id=f.team)
    if f.agent:
        calls = calls.filter(answered_by_id=f.agent)
    weekly = (
        calls.annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(
            n=Count("id"),
            answered=Count("id", filter=Q(answered_at__isnull=False)),
            abandoned=Count("id", filter=Q(outcome__in=["abandoned", "missed"])),
            wait=Avg(Seconds(F("answered_at"), F("started_at"))),
        )
        .order_by("week")
    )
    rows = [
        [r["week"].date().isoformat(), r["n"], r["answered"], r["abandoned"], rounded(r["wait"])]
        for r in weekly
    ]
    summary = calls.aggregate(
        calls=Count("id"),
        answered=Count("id", filter=Q(answered_at__isnull=False)),
        abandoned=Count("id", filter=Q(outcome__in=["abandoned", "missed"])),
        average_wait_seconds=Avg(Seconds(F("answered_at"), F("started_at"))),
    )
    if callback_model is not None:
        callbacks = callback_model.objects.filter(created_at__gte=f.start, created_at__lt=f.end)
        summary.update(
            callbacks.aggregate(
                callbacks=Count("id"),
                callbacks_done=Count("id", filter=Q(status="done")),
                callbacks_overdue=Count("id", filter=Q(status="open", due_at__lt=timezone.now())),
            )
        )
        counts = _callback_counts(_callback_rows(Filters(f.start, f.end)) or [])
        summary["callbacks_on_time"] = counts["callbacks_on_time"]
        summary["callbacks_on_time_share"] = counts["callbacks_on_time_share"]
    if not summary["calls"]:
        return not_measured("phone", title, _("Nog niet gemeten: nog geen gesprekken gelogd."))
    return Figure(
        "phone",
        title,
        [_("week"), _("oproepen"), _("beantwoord"), _("opgehangen/gemist"), _("wachttijd (s)")],
        rows,
        summary=summary,
        chart="line",
    )


def callbacks(user, f: Filters) -> Figure:
    """Per week of the request: callbacks requested, dialled on time, late, share on time."""
    title = _("Terugbellen: op tijd teruggebeld")
    rows_in = _callback_rows(f)
    if rows_in is None:
        return not_measured(
            "callbacks", title, _("Nog niet gemeten: er is nog geen telefoniekoppeling.")
        )
    if not rows_in:
        return not_measured("callbacks", title, _("Nog niet gemeten: nog geen terugbelverzoeken."))
    weeks: dict[str, list[dict]] = {}
    for r in rows_in:
        local = timezone.localtime(r["created_at"])
        monday = (local - timedelta(days=local.weekday())).date().isoformat()
        weeks.setdefault(monday, []).append(r)
    rows = []
    for week, requests in sorted(weeks.items()):
        c = _callback_counts(requests)
        rows.append(
            [
                week,
                c["callbacks_requested"],
                c["callbacks_on_time"],
                c["callbacks_late"],
                c["callbacks_on_time_share"],
            ]
        )
    summary = _callback_counts(rows_in)
    summary["target_minutes"] = int(callback_target().total_seconds() // 60)
    return Figure(
        "callbacks",
        title,
        [_("week"), _("verzoeken"), _("op tijd"), _("te laat"), _("aandeel op tijd")],
        rows,
        summary=summary,
        note=_(
            "Op tijd: de eerste poging viel binnen het gekozen tijdvak, of zonder tijdvak "
            "binnen %(minutes)s minuten na het beloofde moment."
        )
        % {"minutes": summary["target_minutes"]},
        chart="line",
    )
