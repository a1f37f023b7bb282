"""The help-centre figure: searches, the ones that ended without a contact (deflection),
searches without a good result (content gaps) and the articles read before a contact anyway."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from bereikbaar.analytics.base import Figure, Filters, not_measured, share, weekly_counts


def helpcenter(user, f: Filters) -> Figure:
    title = _("Helpcentrum: zoekopdrachten en wie daarna toch contact opnam")
    if not apps.is_installed("bereikbaar.helpcenter"):
        return not_measured("helpcenter", title, _("Nog niet gemeten: geen helpcentrum."))
    from bereikbaar.helpcenter.models import SearchQuery

    qs = SearchQuery.objects.filter(created_at__gte=f.start, created_at__lt=f.end)
    weekly = weekly_counts(
        qs,
        n=Count("id"),
        contacted=Count("id", filter=Q(contacted_at__isnull=False)),
        empty=Count("id", filter=Q(results_count=0)),
    )
    rows = [
        [r["week"].isoformat(), r["n"], r["n"] - r["contacted"], r["contacted"], r["empty"]]
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
            "deflection_rate": share(n - contacted, n),
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
