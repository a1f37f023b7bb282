"""Speed figures: time to a human, first reply and resolution per first channel (median and
90th percentile, computed in the database), and how often the service norm (SLA) was met."""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from bereikbaar.analytics import cube, scope
from bereikbaar.analytics.base import CHANNEL_KEYS, CHANNEL_LABELS, Figure, Filters, rounded, share
from bereikbaar.analytics.stats import Percentile, Percentiles, Seconds
from bereikbaar.conversations.models import Conversation
from bereikbaar.routing.models import CaseRouting, SlaBreach

# Time-to-human norms per channel (minutes) when settings.BEREIKBAAR_SLA_MINUTES says nothing.
DEFAULT_SLA_MINUTES = {
    "phone": 5,
    "webchat": 5,
    "whatsapp": 60,
    "sms": 240,
    "api": 480,
    "email": 1440,
}
MEASURES = ("human", "reply", "resolution")


def _timed(qs: QuerySet[Conversation]) -> QuerySet[Conversation]:
    return scope.with_first_reply(qs).annotate(
        human=Seconds(F("first_response_at"), F("created_at")),
        reply=Seconds(F("first_reply_at"), F("created_at")),
        resolution=Seconds(F("resolved_at"), F("created_at")),
    )


def _timing_rows(user, f: Filters, targets: dict[str, int] | None = None) -> list[dict]:
    """Per first channel: ``n`` and the six percentiles (``human_p50`` …) and, given the SLA
    targets, ``sla_n`` (answered) and ``sla_met`` (within the norm): one scan for both."""
    qs = _timed(scope.with_first_channel(scope.conversations(user, f)))
    fractions = {"p50": 0.5, "p90": 0.9}
    if connection.vendor == "sqlite":  # one Python aggregate step per row, not six
        aggregates = {"all": Percentiles(*MEASURES, fractions=tuple(fractions.values()))}
    else:
        aggregates = {
            f"{name}_{p}": Percentile(name, fraction)
            for name in MEASURES
            for p, fraction in fractions.items()
        }
    if targets is not None:
        qs = qs.annotate(target=_target(targets))
        aggregates["sla_n"] = Count("id", filter=Q(first_response_at__isnull=False))
        aggregates["sla_met"] = Count("id", filter=Q(human__lte=F("target")))
    result = list(qs.values("first_channel").annotate(n=Count("id"), **aggregates).order_by())
    if connection.vendor == "sqlite":
        for r in result:
            everything = r.pop("all")
            r.update(
                {
                    f"{name}_{p}": everything[(i, fraction)]
                    for i, name in enumerate(MEASURES)
                    for p, fraction in fractions.items()
                }
            )
    return result


def _shared_timing(user, f: Filters) -> list[dict] | None:
    """Inside the dashboard, response times and the SLA fallback share one query."""
    return cube.shared_rows("timing", user, f, lambda: _timing_rows(user, f, sla_targets()))


def response_times(user, f: Filters) -> Figure:
    result = _shared_timing(user, f)
    if result is None:
        result = _timing_rows(user, f)
    keys = ["n", *(f"{name}_{p}" for name in MEASURES for p in ("p50", "p90"))]
    result = [{"first_channel": r["first_channel"], **{k: r[k] for k in keys}} for r in result]
    by_channel = {r["first_channel"]: r for r in result if r["first_channel"]}
    rows = []
    for channel in CHANNEL_KEYS:
        r = by_channel.get(channel)
        if not r:
            continue
        rows.append(
            [CHANNEL_LABELS[channel], r["n"]]
            + [
                rounded(r[f"{name}_{p}"] / 60 if r[f"{name}_{p}"] is not None else None)
                for name in MEASURES
                for p in ("p50", "p90")
            ]
        )
    return Figure(
        "response_times",
        _("Tijd tot een mens, eerste antwoord en oplossing (minuten)"),
        [
            _("eerste kanaal"),
            _("gesprekken"),
            _("tot een mens, mediaan"),
            _("tot een mens, p90"),
            _("eerste antwoord, mediaan"),
            _("eerste antwoord, p90"),
            _("oplossing, mediaan"),
            _("oplossing, p90"),
        ],
        rows,
        summary={
            channel: {k: v for k, v in r.items() if k != "first_channel"}
            for channel, r in by_channel.items()
        },
        chart="bar",
        unit="min",
    )


def _target(targets: dict[str, int]) -> Case:
    """The norm of the conversation's first channel, in seconds (NULL without one)."""
    return Case(
        *(When(first_channel=k, then=Value(float(v * 60))) for k, v in targets.items()),
        default=Value(None),
    )


def sla_targets() -> dict[str, int]:
    return {**DEFAULT_SLA_MINUTES, **getattr(settings, "BEREIKBAAR_SLA_MINUTES", {})}


def _routing_sla(user, f: Filters) -> Figure | None:
    """Attainment from routing's own SLA clocks, if routing keeps any.

    Routing clears a deadline once it is met or missed and records every miss as an SlaBreach
    (routing/sla.py), so the deadline column alone says nothing about answered cases. Counted
    here: cases that had an SLA policy and are decided, answered by a human or past their
    first-response deadline unanswered; met = answered without a first-response breach. A case
    still inside its time is not counted either way.
    """
    try:
        with transaction.atomic():  # a savepoint: a failed query must not spoil the request
            if not CaseRouting.objects.filter(sla_policy__isnull=False).exists():
                return None  # routing keeps no clocks: the settings' norms apply
        now = timezone.now()
        late = SlaBreach.objects.filter(
            conversation=OuterRef("pk"), kind=SlaBreach.Kind.FIRST_RESPONSE
        )
        answered = Q(routing__human_at__isnull=False)
        rows_qs = (
            scope.with_first_channel(scope.conversations(user, f))
            .filter(routing__sla_policy__isnull=False)
            .annotate(late=Exists(late))
            .values("first_channel")
            .annotate(
                n=Count("id", filter=answered | Q(routing__first_response_due__lt=now)),
                met=Count("id", filter=answered & Q(late=False)),
            )
            .order_by()
        )
        with transaction.atomic():
            by_channel = {r["first_channel"]: r for r in rows_qs if r["first_channel"] and r["n"]}
    except DatabaseError:
        return None
    if not by_channel:
        return None
    rows = _sla_rows(by_channel, {})
    return Figure(
        "sla",
        _("Servicenorm gehaald: eerste reactie op tijd (SLA)"),
        [_("kanaal"), _("norm (min)"), _("met SLA"), _("op tijd"), _("aandeel")],
        rows,
        summary={r[0]: r[4] for r in rows},
        note=_("Uit de SLA-afspraken van de routering."),
        chart="bar",
        unit="share",
    )


def _sla_rows(by_channel: dict, targets: dict) -> list[list]:
    """Per channel: its norm in minutes (when known), cases measured, on time, share on time."""
    return [
        [
            CHANNEL_LABELS[k],
            targets.get(k),
            by_channel[k]["n"],
            by_channel[k]["met"],
            share(by_channel[k]["met"], by_channel[k]["n"]),
        ]
        for k in CHANNEL_KEYS
        if k in by_channel
    ]


def sla(user, f: Filters) -> Figure:
    from_routing = _routing_sla(user, f)
    if from_routing is not None:
        return from_routing
    targets = sla_targets()
    shared = _shared_timing(user, f)
    if shared is not None:
        result = [
            {"first_channel": r["first_channel"], "n": r["sla_n"], "met": r["sla_met"]}
            for r in shared
        ]
    else:
        qs = (
            scope.with_first_channel(scope.conversations(user, f))
            .annotate(human=Seconds(F("first_response_at"), F("created_at")))
            .annotate(target=_target(targets))
        )
        result = (
            qs.values("first_channel")
            .annotate(
                n=Count("id", filter=Q(first_response_at__isnull=False)),
                met=Count("id", filter=Q(human__lte=F("target"))),
            )
            .order_by()
        )
    by_channel = {r["first_channel"]: r for r in result if r["first_channel"]}
    rows = _sla_rows(by_channel, targets)
    return Figure(
        "sla",
        _("Servicenorm gehaald: tijd tot een mens binnen de norm"),
        [_("kanaal"), _("norm (min)"), _("beantwoord"), _("binnen norm"), _("aandeel")],
        rows,
        summary={r[0]: r[4] for r in rows},
        note=_("Normen per kanaal uit de instellingen (BEREIKBAAR_SLA_MINUTES)."),
        chart="bar",
        unit="share",
    )
