"""Every figure on the dashboard, as a table: computed with aggregate queries over the
conversations a user may see (routing.access), never by looping over messages in Python.

A figure is a :class:`Figure`: a title, column names, rows, a few headline numbers
(``summary``) and how to draw it. A source that does not exist yet gives a figure whose
``measured`` is False and whose note says why ("nog niet gemeten").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import FieldDoesNotExist
from django.db import DatabaseError, transaction
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from bereikbaar.analytics import emotions
from bereikbaar.analytics.models import LOW_SCORE, CsatResponse, MessageEmotion
from bereikbaar.analytics.stats import Percentile, Seconds
from bereikbaar.contacts.models import Contact
from bereikbaar.conversations.models import CHANNELS, Conversation, Message
from bereikbaar.routing.access import is_admin, team_ids, visible_conversations

CHANNEL_KEYS = [key for key, _label in CHANNELS]
CHANNEL_LABELS = {key: str(label) for key, label in CHANNELS}
EMOTION_KEYS = ["neutral", "nervous", "angry", "impatient", "grateful"]
CONCURRENT = timedelta(minutes=30)
REPEAT_WINDOW = timedelta(days=7)
# Time-to-human norms per channel (minutes) when settings.BEREIKBAAR_SLA_MINUTES says nothing.
DEFAULT_SLA_MINUTES = {
    "phone": 5,
    "webchat": 5,
    "whatsapp": 60,
    "sms": 240,
    "api": 480,
    "email": 1440,
}
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


# --- the conversations in scope --------------------------------------------------------------


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def conversations(user: AbstractBaseUser, f: Filters) -> QuerySet[Conversation]:
    """The conversations in scope; never an erased contact's (a merged one's moved along)."""
    qs = visible_conversations(user).filter(created_at__gte=f.start, created_at__lt=f.end)
    if _has_field(Contact, "erased_at"):
        qs = qs.filter(contact__erased_at__isnull=True)
    if f.team:
        qs = qs.filter(team_id=f.team)
    if f.agent:
        qs = qs.filter(assignee_id=f.agent)
    if f.channel:
        qs = qs.filter(
            Exists(
                Message.objects.filter(
                    conversation=OuterRef("pk"), direction=INBOUND, channel=f.channel
                )
            )
        )
    return qs


def _inbound(order: str = "created_at"):
    desc = order.startswith("-")
    return Message.objects.filter(conversation=OuterRef("pk"), direction=INBOUND).order_by(
        order, "-id" if desc else "id"
    )


def with_first_channel(qs: QuerySet[Conversation]) -> QuerySet[Conversation]:
    return qs.annotate(first_channel=Subquery(_inbound().values("channel")[:1]))


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


# --- the figures ------------------------------------------------------------------------------


def channel_mix(user, f: Filters) -> Figure:
    qs = with_first_channel(conversations(user, f)).annotate(week=TruncWeek("created_at"))
    counts = qs.values("week", "first_channel").annotate(n=Count("id")).order_by("week")
    weeks: dict = {}
    totals = dict.fromkeys(CHANNEL_KEYS, 0)
    for row in counts:
        channel = row["first_channel"]
        if channel not in totals:
            continue
        week = weeks.setdefault(row["week"].date().isoformat(), dict.fromkeys(CHANNEL_KEYS, 0))
        week[channel] += row["n"]
        totals[channel] += row["n"]
    rows = [[w, *(c[k] for k in CHANNEL_KEYS), sum(c.values())] for w, c in sorted(weeks.items())]
    total = sum(totals.values())
    return Figure(
        "channel_mix",
        _("Kanaalmix per week (nieuwe gesprekken, eerste kanaal)"),
        [_("week"), *(CHANNEL_LABELS[k] for k in CHANNEL_KEYS), _("totaal")],
        rows,
        summary={
            "conversations": total,
            "share": {k: _share(v, total) for k, v in totals.items()},
        },
        chart="stacked",
    )


def multichannel(user, f: Filters) -> Figure:
    later = Message.objects.filter(
        conversation=OuterRef("conversation"),
        direction=INBOUND,
        created_at__gte=OuterRef("created_at"),
        created_at__lte=OuterRef("created_at") + Value(CONCURRENT),
    ).exclude(channel=OuterRef("channel"))
    pairs = Message.objects.filter(conversation=OuterRef("pk"), direction=INBOUND).filter(
        Exists(later)
    )
    other = Message.objects.filter(conversation=OuterRef("pk"), direction=INBOUND).exclude(
        channel=OuterRef("first_channel")
    )
    qs = with_first_channel(conversations(user, f)).annotate(
        multi=Exists(other), concurrent=Exists(pairs)
    )
    counts = (
        qs.values("first_channel")
        .annotate(
            n=Count("id"),
            n_multi=Count("id", filter=Q(multi=True)),
            together=Count("id", filter=Q(concurrent=True)),
        )
        .order_by()
    )
    order = {k: i for i, k in enumerate(CHANNEL_KEYS)}
    rows, n, multi, together = [], 0, 0, 0
    for r in sorted(counts, key=lambda r: order.get(r["first_channel"], 99)):
        if r["first_channel"] is None:
            continue
        rows.append(
            [
                CHANNEL_LABELS.get(r["first_channel"], r["first_channel"]),
                r["n"],
                r["n_multi"],
                r["together"],
                _share(r["n_multi"], r["n"]),
                _share(r["together"], r["n"]),
            ]
        )
        n, multi, together = n + r["n"], multi + r["n_multi"], together + r["together"]
    return Figure(
        "multichannel",
        _("Eén vraag via twee of meer kanalen (gelijktijdig: binnen 30 minuten)"),
        [
            _("eerste kanaal"),
            _("gesprekken"),
            _("2+ kanalen"),
            _("gelijktijdig"),
            _("aandeel 2+"),
            _("aandeel gelijktijdig"),
        ],
        rows,
        summary={
            "conversations": n,
            "multichannel": multi,
            "concurrent": together,
            "multichannel_share": _share(multi, n),
            "concurrent_share": _share(together, n),
        },
        chart="bar",
        unit="share",
    )


def _preference_model():
    """contacts.Preference (the preference centre: ``preferred`` is an ordered list)."""
    try:
        model = apps.get_model("contacts", "Preference")
    except LookupError:
        return None
    return model if _has_field(model, "preferred") else None


def preferred_vs_used(user, f: Filters) -> Figure:
    used = (
        Message.objects.filter(
            conversation__in=conversations(user, f).values("pk"), direction=INBOUND
        )
        .values("channel")
        .annotate(contacts=Count("conversation__contact", distinct=True))
    )
    used_by = {r["channel"]: r["contacts"] for r in used}
    model = _preference_model()
    preferred: dict[str, int] = {}
    if model is not None:
        contact_ids = conversations(user, f).values("contact_id")
        preferred = {
            r["first"]: r["n"]
            for r in model.objects.filter(contact_id__in=contact_ids)
            .annotate(first=KT("preferred__0"))
            .filter(first__isnull=False)
            .values("first")
            .annotate(n=Count("contact_id", distinct=True))
            .order_by()
        }
    rows = [
        [CHANNEL_LABELS[k], preferred.get(k, 0) if model else None, used_by.get(k, 0)]
        for k in CHANNEL_KEYS
    ]
    return Figure(
        "preferred_vs_used",
        _("Voorkeurskanaal versus gebruikt kanaal (klanten)"),
        [_("kanaal"), _("eerste voorkeur"), _("gebruikt")],
        rows,
        summary={"used": used_by, "preferred": preferred if model else None},
        note="" if model else _("Voorkeuren: nog niet gemeten (geen voorkeurencentrum)."),
        chart="bar",
    )


def emotion_mix(user, f: Filters) -> Figure:
    first = Subquery(_inbound().values("pk")[:1])
    last = Subquery(_inbound("-created_at").values("pk")[:1])
    emotions.ensure(conversations(user, f))
    qs = with_first_channel(conversations(user, f)).annotate(first_id=first, last_id=last)
    start = Subquery(
        MessageEmotion.objects.filter(message_id=OuterRef("first_id")).values("emotion")
    )
    end = Subquery(MessageEmotion.objects.filter(message_id=OuterRef("last_id")).values("emotion"))
    qs = qs.annotate(
        start=start,
        end=Case(When(last_id=F("first_id"), then=Value(None)), default=end),
    )
    table: dict[tuple[str, str], dict[str, int]] = {}
    for phase in ("start", "end"):
        for r in qs.values("first_channel", phase).annotate(n=Count("id")).order_by():
            if r["first_channel"] is None or r[phase] is None:
                continue
            row = table.setdefault((r["first_channel"], phase), dict.fromkeys(EMOTION_KEYS, 0))
            row[r[phase]] = row.get(r[phase], 0) + r["n"]
    phase_label = {"start": _("begin"), "end": _("eind")}
    rows = []
    totals = {p: dict.fromkeys(EMOTION_KEYS, 0) for p in ("start", "end")}
    for channel in CHANNEL_KEYS:
        for phase in ("start", "end"):
            counts = table.get((channel, phase))
            if counts:
                rows.append(
                    [f"{CHANNEL_LABELS[channel]} {phase_label[phase]}"]
                    + [counts[e] for e in EMOTION_KEYS]
                )
                for e in EMOTION_KEYS:
                    totals[phase][e] += counts[e]
    summary = {}
    for phase, counts in totals.items():
        whole = sum(counts.values())
        summary[phase] = {e: _share(v, whole) for e, v in counts.items()}
        summary[f"{phase}_n"] = whole
    labels = {
        "neutral": _("neutraal"),
        "nervous": _("nerveus"),
        "angry": _("boos"),
        "impatient": _("ongeduldig"),
        "grateful": _("dankbaar"),
    }
    return Figure(
        "emotions",
        _("Emotie aan het begin en aan het eind, per kanaal"),
        [_("kanaal en moment"), *(labels[e] for e in EMOTION_KEYS)],
        rows,
        summary=summary,
        note=_("Eind = het laatste bericht van de klant, als er meer dan één was."),
        chart="hstacked",
    )


def _timed(qs: QuerySet[Conversation]) -> QuerySet[Conversation]:
    first_out = Message.objects.filter(conversation=OuterRef("pk"), direction=OUTBOUND).order_by(
        "created_at", "id"
    )
    return qs.annotate(
        first_reply_at=Subquery(first_out.values("created_at")[:1]),
    ).annotate(
        human=Seconds(F("first_response_at"), F("created_at")),
        reply=Seconds(F("first_reply_at"), F("created_at")),
        resolution=Seconds(F("resolved_at"), F("created_at")),
    )


def response_times(user, f: Filters) -> Figure:
    qs = _timed(with_first_channel(conversations(user, f)))
    aggregates = {}
    for name in ("human", "reply", "resolution"):
        aggregates[f"{name}_p50"] = Percentile(name, 0.5)
        aggregates[f"{name}_p90"] = Percentile(name, 0.9)
    result = qs.values("first_channel").annotate(n=Count("id"), **aggregates).order_by()
    by_channel = {r["first_channel"]: r for r in result if r["first_channel"]}
    rows = []
    for channel in CHANNEL_KEYS:
        r = by_channel.get(channel)
        if not r:
            continue
        rows.append(
            [CHANNEL_LABELS[channel], r["n"]]
            + [
                _r(r[f"{name}_{p}"] / 60 if r[f"{name}_{p}"] is not None else None)
                for name in ("human", "reply", "resolution")
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


def sla_targets() -> dict[str, int]:
    return {**DEFAULT_SLA_MINUTES, **getattr(settings, "BEREIKBAAR_SLA_MINUTES", {})}


def _routing_sla(user, f: Filters) -> Figure | None:
    """Attainment from routing's own SLA clocks (CaseRouting.first_response_due), if any."""
    try:
        model = apps.get_model("routing", "CaseRouting")
        model._meta.get_field("first_response_due")
        model._meta.get_field("human_at")
    except (LookupError, FieldDoesNotExist):
        return None
    try:
        rows_qs = (
            with_first_channel(conversations(user, f))
            .filter(
                Exists(
                    model.objects.filter(
                        conversation=OuterRef("pk"), first_response_due__isnull=False
                    )
                )
            )
            .annotate(
                due=Subquery(
                    model.objects.filter(conversation=OuterRef("pk")).values("first_response_due")[
                        :1
                    ]
                ),
                human=Subquery(
                    model.objects.filter(conversation=OuterRef("pk")).values("human_at")[:1]
                ),
            )
            .values("first_channel")
            .annotate(n=Count("id"), met=Count("id", filter=Q(human__lte=F("due"))))
            .order_by()
        )
        with transaction.atomic():  # a savepoint: a failed query must not spoil the request
            by_channel = {r["first_channel"]: r for r in rows_qs if r["first_channel"]}
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
            _share(by_channel[k]["met"], by_channel[k]["n"]),
        ]
        for k in CHANNEL_KEYS
        if k in by_channel
    ]


def sla(user, f: Filters) -> Figure:
    from_routing = _routing_sla(user, f)
    if from_routing is not None:
        return from_routing
    targets = sla_targets()
    qs = _timed(with_first_channel(conversations(user, f))).annotate(
        target=Case(
            *(When(first_channel=k, then=Value(float(v * 60))) for k, v in targets.items()),
            default=Value(None),
        )
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


VOICE_APP = "bereikbaar.channels.voice"


def _voice_model(name: str):
    """A model of the voice channel, found by its package (no import of a channel)."""
    config = next((c for c in apps.get_app_configs() if c.name == VOICE_APP), None)
    try:
        return config.get_model(name) if config else None
    except LookupError:
        return None


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
        [r["week"].date().isoformat(), r["n"], r["answered"], r["abandoned"], _r(r["wait"])]
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


def helpcenter(user, f: Filters) -> Figure:
    title = _("Helpcentrum: zoekopdrachten en wie daarna toch contact opnam")
    if not apps.is_installed("bereikbaar.helpcenter"):
        return not_measured("helpcenter", title, _("Nog niet gemeten: geen helpcentrum."))
    from bereikbaar.helpcenter.models import SearchQuery

    qs = SearchQuery.objects.filter(created_at__gte=f.start, created_at__lt=f.end)
    weekly = (
        qs.annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(
            n=Count("id"),
            contacted=Count("id", filter=Q(contacted_at__isnull=False)),
            empty=Count("id", filter=Q(results_count=0)),
        )
        .order_by("week")
    )
    rows = [
        [r["week"].date().isoformat(), r["n"], r["n"] - r["contacted"], r["contacted"], r["empty"]]
        for r in weekly
    ]
    n = sum(r[1] for r in rows)
    contacted = sum(r[3] for r in rows)
    gaps = list(
        qs.filter(results_count=0)
        .values("query")
        .annotate(n=Count("id"))
        .order_by("-n", "query")[:10]
    )
    before_contact = list(
        qs.filter(contacted_at__isnull=False, top_article__isnull=False)
        .values("top_article__slug", "top_article__title")
        .annotate(n=Count("id"))
        .order_by("-n", "top_article__slug")[:10]
    )
    return Figure(
        "helpcenter",
        title,
        [
            _("week"),
            _("zoekopdrachten"),
            _("zonder contact"),
            _("toch contact"),
            _("geen resultaat"),
        ],
        rows,
        summary={
            "searches": n,
            "deflected": n - contacted,
            "deflection_rate": _share(n - contacted, n),
            "no_results": sum(r[4] for r in rows),
            "content_gaps": [{"query": g["query"], "searches": g["n"]} for g in gaps],
            "articles_before_contact": [
                {
                    "slug": a["top_article__slug"],
                    "title": a["top_article__title"],
                    "contacts": a["n"],
                }
                for a in before_contact
            ],
        },
        note=_("Het helpcentrum is openbaar: team-, kanaal- en agentfilters gelden hier niet."),
        chart="line",
    )


def _csat(user, f: Filters, key: str, title: str, group: str, label: Callable) -> Figure:
    qs = CsatResponse.objects.filter(conversation__in=conversations(user, f).values("pk"))
    result = (
        qs.values(group)
        .annotate(
            n=Count("id"),
            avg=Avg("score"),
            happy=Count("id", filter=Q(score__gte=4)),
            low=Count("id", filter=Q(score__lte=LOW_SCORE)),
        )
        .order_by(group)
    )
    rows = [
        [label(r[group]), r["n"], _r(r["avg"], 2), _share(r["happy"], r["n"]), r["low"]]
        for r in result
    ]
    total = qs.aggregate(n=Count("id"), avg=Avg("score"))
    return Figure(
        key,
        title,
        [_("wie"), _("antwoorden"), _("gemiddeld (1-5)"), _("tevreden (4-5)"), _("laag")],
        rows,
        summary={"responses": total["n"], "average": _r(total["avg"], 2)},
        chart="bar",
    )


def _names(model_label: str, field_name: str) -> Callable:
    model = apps.get_model(model_label)
    cache: dict = {}

    def label(pk) -> str:
        if pk is None:
            return "—"
        if not cache:
            cache.update(model.objects.values_list("pk", field_name))
        return str(cache.get(pk, pk))

    return label


def csat_channel(user, f: Filters) -> Figure:
    fig = _csat(
        user,
        f,
        "csat_channel",
        _("Klanttevredenheid per kanaal"),
        "channel",
        lambda k: CHANNEL_LABELS.get(k, k),
    )
    order = {str(label): i for i, label in enumerate(CHANNEL_LABELS.values())}
    fig.rows.sort(key=lambda row: order.get(row[0], 99))
    return fig


def csat_team(user, f: Filters) -> Figure:
    return _csat(
        user,
        f,
        "csat_team",
        _("Klanttevredenheid per team"),
        "team",
        _names("routing.Team", "name"),
    )


def csat_agent(user, f: Filters) -> Figure:
    return _csat(
        user,
        f,
        "csat_agent",
        _("Klanttevredenheid per agent"),
        "agent",
        _names(settings.AUTH_USER_MODEL, "username"),
    )


def repeat_contacts(user, f: Filters) -> Figure:
    earlier = Conversation.objects.filter(
        contact=OuterRef("contact"),
        created_at__lt=OuterRef("created_at"),
        created_at__gte=OuterRef("created_at") - Value(REPEAT_WINDOW),
    )
    qs = with_first_channel(conversations(user, f)).annotate(repeat=Exists(earlier))
    result = (
        qs.values("first_channel")
        .annotate(n=Count("id"), repeats=Count("id", filter=Q(repeat=True)))
        .order_by()
    )
    by_channel = {r["first_channel"]: r for r in result if r["first_channel"]}
    rows = [
        [
            CHANNEL_LABELS[k],
            by_channel[k]["n"],
            by_channel[k]["repeats"],
            _share(by_channel[k]["repeats"], by_channel[k]["n"]),
        ]
        for k in CHANNEL_KEYS
        if k in by_channel
    ]
    n = sum(r[1] for r in rows)
    repeats = sum(r[2] for r in rows)
    return Figure(
        "repeat",
        _("Herhaalcontact: opnieuw contact binnen 7 dagen"),
        [_("kanaal"), _("gesprekken"), _("herhaald"), _("aandeel")],
        rows,
        summary={"conversations": n, "repeats": repeats, "share": _share(repeats, n)},
        chart="bar",
        unit="share",
    )


def agent_load(user, f: Filters) -> Figure:
    in_scope = conversations(user, f)
    replies = (
        Message.objects.filter(
            conversation__in=visible_conversations(user).values("pk"),
            direction=OUTBOUND,
            created_at__gte=f.start,
            created_at__lt=f.end,
            author__isnull=False,
        )
        .values("author")
        .annotate(n=Count("id"))
    )
    if f.agent:
        replies = replies.filter(author_id=f.agent)
    active = (
        visible_conversations(user)
        .filter(status__in=Conversation.ACTIVE, assignee__isnull=False)
        .values("assignee")
        .annotate(n=Count("id"))
    )
    handled = in_scope.filter(assignee__isnull=False).values("assignee").annotate(n=Count("id"))
    if f.team:
        active = active.filter(team_id=f.team)
    table: dict[int, list[int]] = {}
    for i, rows_ in enumerate((active, handled)):
        for r in rows_:
            table.setdefault(r["assignee"], [0, 0, 0])[i] = r["n"]
    for r in replies:
        table.setdefault(r["author"], [0, 0, 0])[2] = r["n"]
    name = _names(settings.AUTH_USER_MODEL, "username")
    rows = sorted(([name(pk), *counts] for pk, counts in table.items()), key=lambda r: r[0])
    return Figure(
        "agent_load",
        _("Werkdruk per agent"),
        [_("agent"), _("nu open toegewezen"), _("gesprekken in periode"), _("antwoorden")],
        rows,
        summary={r[0]: {"active": r[1], "conversations": r[2], "replies": r[3]} for r in rows},
        chart="bar",
    )


FIGURES: dict[str, Callable[[AbstractBaseUser, Filters], Figure]] = {
    "channel_mix": channel_mix,
    "multichannel": multichannel,
    "preferred_vs_used": preferred_vs_used,
    "emotions": emotion_mix,
    "response_times": response_times,
    "sla": sla,
    "phone": phone,
    "helpcenter": helpcenter,
    "csat_channel": csat_channel,
    "csat_team": csat_team,
    "csat_agent": csat_agent,
    "repeat": repeat_contacts,
    "agent_load": agent_load,
}


def dashboard(user, f: Filters, keys: list[str] | None = None) -> list[Figure]:
    return [FIGURES[k](user, f) for k in (keys or list(FIGURES))]
