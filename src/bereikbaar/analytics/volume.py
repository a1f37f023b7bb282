"""Volume figures: which channel conversations start on, how many use two or more channels
(and at the same time), preferred versus used channels, and repeat contacts within 7 days."""

from __future__ import annotations

from datetime import datetime

from django.apps import apps
from django.db.models import Count, Q
from django.db.models.fields.json import KT
from django.utils.translation import gettext as _

from bereikbaar.analytics import cube, scope
from bereikbaar.analytics.base import (
    CHANNEL_KEYS,
    CHANNEL_LABELS,
    INBOUND,
    Figure,
    Filters,
    has_field,
    share,
)
from bereikbaar.conversations.models import Message

REPEAT_WINDOW = scope.REPEAT_WINDOW


def channel_mix(user, f: Filters) -> Figure:
    counts = cube.counts(user, f, "week", "first_channel")
    weeks: dict = {}
    totals = dict.fromkeys(CHANNEL_KEYS, 0)
    for row in counts:
        channel = row["first_channel"]
        if channel not in totals:
            continue
        monday = row["week"].date() if isinstance(row["week"], datetime) else row["week"]
        week = weeks.setdefault(monday.isoformat(), dict.fromkeys(CHANNEL_KEYS, 0))
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
            "share": {k: share(v, total) for k, v in totals.items()},
        },
        chart="stacked",
    )


def multichannel(user, f: Filters) -> Figure:
    by_channel: dict[str, dict] = {}
    for c in cube.counts(user, f, "first_channel", "multi", "concurrent"):
        r = by_channel.setdefault(
            c["first_channel"],
            {"first_channel": c["first_channel"], "n": 0, "n_multi": 0, "together": 0},
        )
        r["n"] += c["n"]
        r["n_multi"] += c["n"] if c["multi"] else 0
        r["together"] += c["n"] if c["concurrent"] else 0
    order = {k: i for i, k in enumerate(CHANNEL_KEYS)}
    rows, n, multi, together = [], 0, 0, 0
    ranked = sorted(
        by_channel.values(),
        key=lambda r: (order.get(r["first_channel"], 99), str(r["first_channel"])),
    )
    for r in ranked:
        if r["first_channel"] is None:
            continue
        rows.append(
            [
                CHANNEL_LABELS.get(r["first_channel"], r["first_channel"]),
                r["n"],
                r["n_multi"],
                r["together"],
                share(r["n_multi"], r["n"]),
                share(r["together"], r["n"]),
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
            "multichannel_share": share(multi, n),
            "concurrent_share": share(together, n),
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
    return model if has_field(model, "preferred") else None


def _used_by(user, f: Filters) -> dict[str, int]:
    """Channel -> distinct customers who wrote on it in the conversations in scope."""
    in_scope = scope.conversations(user, f)
    if scope.scratch():
        used = (
            Message.objects.filter(conversation__in=in_scope.values("pk"), direction=INBOUND)
            .values("channel")
            .annotate(contacts=Count("conversation__contact", distinct=True))
        )
        return {r["channel"]: r["contacts"] for r in used}
    counts = in_scope.aggregate(
        **{
            k: Count(
                "contact", distinct=True, filter=Q(analytics_fact__channels__contains=f",{k},")
            )
            for k in CHANNEL_KEYS
        }
    )
    return {k: n for k, n in counts.items() if n}


def preferred_vs_used(user, f: Filters) -> Figure:
    used_by = _used_by(user, f)
    model = _preference_model()
    preferred: dict[str, int] = {}
    if model is not None and model.objects.exists():  # else no need to list the customers
        contact_ids = scope.conversations(user, f).values("contact_id")
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


def repeat_contacts(user, f: Filters) -> Figure:
    by_channel: dict[str, dict] = {}
    for c in cube.counts(user, f, "first_channel", "repeat"):
        if c["first_channel"]:
            r = by_channel.setdefault(c["first_channel"], {"n": 0, "repeats": 0})
            r["n"] += c["n"]
            r["repeats"] += c["n"] if c["repeat"] else 0
    rows = [
        [
            CHANNEL_LABELS[k],
            by_channel[k]["n"],
            by_channel[k]["repeats"],
            share(by_channel[k]["repeats"], by_channel[k]["n"]),
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
        summary={"conversations": n, "repeats": repeats, "share": share(repeats, n)},
        chart="bar",
        unit="share",
    )
