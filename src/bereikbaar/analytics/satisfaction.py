"""CSAT figures: answers, average score, share satisfied (4-5) and low scores, per channel,
team and agent, over the conversations in scope."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db.models import Avg, Count, Q
from django.utils.translation import gettext as _

from bereikbaar.analytics import scope
from bereikbaar.analytics.base import CHANNEL_LABELS, Figure, Filters, names, rounded, share
from bereikbaar.analytics.models import LOW_SCORE, CsatResponse


def _csat(user, f: Filters, key: str, title: str, group: str, label: Callable) -> Figure:
    qs = CsatResponse.objects.filter(conversation__in=scope.conversations(user, f).values("pk"))
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
        [label(r[group]), r["n"], rounded(r["avg"], 2), share(r["happy"], r["n"]), r["low"]]
        for r in result
    ]
    total = qs.aggregate(n=Count("id"), avg=Avg("score"))
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
