"""Public help search for the REST API: GET /api/v1/help/search?q=…&lang=nl.

Mounted by the API package with ``api.add_router("/help", help_router)``; no token needed.
"""

from django.http import HttpRequest
from ninja import Router, Schema

from bereikbaar.helpcenter import deflection
from bereikbaar.helpcenter.search import search

help_router = Router(tags=["help"])


class HelpResult(Schema):
    slug: str
    title: str
    score: float
    snippet: str


class HelpResults(Schema):
    results: list[HelpResult]


def search_payload(q: str, lang: str = "nl", limit: int = 10, record: bool = True) -> dict:
    hits = search(q, lang, limit=max(1, min(limit, 50)))
    if record and q.strip():
        deflection.record_search(q, lang if lang in ("nl", "en") else "nl", hits, source="api")
    return {
        "results": [
            {"slug": h.slug, "title": h.title, "score": h.score, "snippet": h.snippet} for h in hits
        ]
    }


@help_router.get("/search", response=HelpResults, auth=None, summary="Search help articles")
def help_search(request: HttpRequest, q: str = "", lang: str = "nl", limit: int = 10):
    """Published help articles for a customer's words, best first. Public, no token."""
    return search_payload(q[:200], lang[:5], limit)
