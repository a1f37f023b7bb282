"""Deflection records: searches, clicks, votes, and the contact that follows.

"Deflected" means a visitor searched or read and did not contact us within 30 minutes;
"contacted anyway" means they did. The intake (or the chat widget) calls
:func:`record_contact` when a visitor it can tie to the help centre gets in touch.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from bereikbaar.helpcenter.models import Article, HelpEvent, SearchQuery
from bereikbaar.text.search import normalise_query

FOLLOW_UP_WINDOW = timedelta(minutes=30)
VISITOR_COOKIE = "bk_hv"


def new_visitor_id() -> str:
    return secrets.token_urlsafe(16)


def record_search(
    query: str, language: str, hits: list, visitor: str = "", source: str = "web"
) -> SearchQuery:
    top = hits[0].article_id if hits else None
    return SearchQuery.objects.create(
        visitor=visitor[:64],
        query=normalise_query(query),
        language=language,
        source=source,
        results_count=len(hits),
        top_article_id=top,
    )


def record_event(
    kind: str, article: Article | None = None, visitor: str = "", search_id: int | None = None
) -> HelpEvent:
    search = None
    if search_id:
        search = SearchQuery.objects.filter(pk=search_id).first()
    return HelpEvent.objects.create(kind=kind, article=article, visitor=visitor[:64], search=search)


def record_contact(visitor: str, conversation=None, at=None) -> int:
    """A visitor got in touch (chat, or a form that knows the help-centre visitor id): mark
    their searches and help events of the last 30 minutes as followed by a contact.

    Returns how many searches were marked. Safe to call for unknown or empty visitors.
    """
    if not visitor:
        return 0
    at = at or timezone.now()
    since = at - FOLLOW_UP_WINDOW
    searches = SearchQuery.objects.filter(
        visitor=visitor, created_at__gte=since, created_at__lte=at, contacted_at__isnull=True
    )
    marked = searches.update(contacted_at=at, conversation=conversation)
    HelpEvent.objects.filter(
        visitor=visitor, created_at__gte=since, created_at__lte=at, contacted_at__isnull=True
    ).update(contacted_at=at)
    return marked


def article_stats(since=None) -> list[dict]:
    """Per article: views, helpful / not-helpful votes, asked-for-a-person clicks and
    contacts that followed within 30 minutes: the figures agents see per article."""
    events = HelpEvent.objects.all()
    if since is not None:
        events = events.filter(created_at__gte=since)
    rows = (
        events.filter(article__isnull=False)
        .values("article_id", "article__slug", "article__title")
        .annotate(
            views=Count("id", filter=Q(kind__in=[HelpEvent.Kind.VIEW, HelpEvent.Kind.CLICK])),
            helpful=Count("id", filter=Q(kind=HelpEvent.Kind.HELPFUL)),
            not_helpful=Count("id", filter=Q(kind=HelpEvent.Kind.NOT_HELPFUL)),
            asked_for_person=Count("id", filter=Q(kind=HelpEvent.Kind.CONTACT)),
            contacted=Count(
                "id",
                filter=Q(
                    contacted_at__isnull=False,
                    kind__in=[HelpEvent.Kind.VIEW, HelpEvent.Kind.CLICK],
                ),
            ),
        )
        .order_by("-views", "article_id")
    )
    out = []
    for r in rows:
        views = r["views"] or 0
        out.append(
            {
                "slug": r["article__slug"],
                "title": r["article__title"],
                "views": views,
                "helpful": r["helpful"],
                "not_helpful": r["not_helpful"],
                "asked_for_person": r["asked_for_person"],
                "contacted": r["contacted"],
                "deflection_rate": (1 - r["contacted"] / views) if views else None,
            }
        )
    return out


def search_stats(since=None) -> dict:
    """Searches in total, without results, and followed by a contact within 30 minutes."""
    qs = SearchQuery.objects.all()
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    agg = qs.aggregate(
        searches=Count("id"),
        no_results=Count("id", filter=Q(results_count=0)),
        contacted=Count("id", filter=Q(contacted_at__isnull=False)),
    )
    n = agg["searches"] or 0
    agg["deflection_rate"] = (1 - agg["contacted"] / n) if n else None
    return agg
