"""CSAT figures: answers, average score, share satisfied (4-5) and low scores, per channel,
team and agent, over the conversations in scope."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from bereikbaar.analytics import cube, scope
from bereikbaar.analytics.base import CHANNEL_LABELS, Figure, Filters, names, rounded, share
from bereikbaar.analytics.models import LOW_SCORE, CsatResponse

DIMS = ("channel", "team", "agent")
TOTALS = ("n", "total", "happy", "low")


def _answers(user, f: Filters, dims: tuple[str, ...]) -> list[dict]:
    """CSAT answers in scope per combination of ``dims``: count, score sum, 4-5s and lows."""
    qs = CsatResponse.objects.filter(conversation__in=scope.conversations(user, f).values("pk"))
    return list(
        qs.values(*dims)
        .annotate(
            n=Count("id"),
            total=Sum("score"),
            happy=Count("id", filter=Q(score__gte=4)),
            low=Count("id", filter=Q(score__lte=LOW_SCORE)),
        )
        .order_by()
    )


def _ordered(result: list[dict], group: str) -> list[dict]:
    """In the database's ORDER BY order: NULL first on SQLite, last on PostgreSQL."""
    known = sorted((r for r in result if r[group] is not None), key=lambda r: r[group])
    unknown = [r for r in result if r[group] is None]
    return unknown + known if connection.vendor == "sqlite" else known + unknown


def _average(total: int, n: int) -> float | None:
    # AVG over small integers: their exact sum divided by the count, as the database does.
    return float(total) / n if n else None


def _csat(user, f: Filters, key: str, title: str, group: str, label: Callable) -> Figure:
    shared = cube.shared_rows("csat", user, f, lambda: _answers(user, f, DIMS))
    result = _ordered(
        cube.summed(shared, (group,), TOTALS)
        if shared is not None
        else _answers(user, f, (group,)),
        group,
    )
    rows = [
        [
            label(r[group]),
            r["n"],
            rounded(_average(r["total"], r["n"]), 2),
            share(r["happy"], r["n"]),
            r["low"],
        ]
        for r in result
    ]
    n = sum(r["n"] for r in result)
    total = {"n": n, "avg": _average(sum(r["total"] or 0 for r in result), n)}
    return Figure(
        key,
        title,
        [_("wie"), _("antwoorden"), _("gemiddeld (1-5)"), _("tevreden (4-5)"), _("laag")],
        rows,
        summary={"responses": total["n"], "average": rounded(total["avg"], 2)},
        chart="bar",
    )


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
        user, f, "csat_team", _("Klanttevredenheid per team"), "team", names("routing.Team", "name")
    )


def csat_agent(user, f: Filters) -> Figure:
    return _csat(
        user,
        f,
        "csat_agent",
        _("Klanttevredenheid per agent"),
        "agent",
        names(settings.AUTH_USER_MODEL, "username"),
    )
