"""Public help centre (/help/). No login, no form before a person; the contact page (/contact/)
is contactpage/, an edge, since it shows the routing floor's live waits."""

from __future__ import annotations

from collections import OrderedDict
from functools import wraps

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from bereikbaar.helpcenter import deflection
from bereikbaar.helpcenter.models import Article, HelpEvent
from bereikbaar.helpcenter.search import search

VISITOR_MAX_AGE = 60 * 60 * 24 * 365


def _language(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or (get_language() or "nl")[:2]
    return lang if lang in ("nl", "en") else "nl"


def with_visitor(view):
    """Give each visitor an anonymous random id (cookie), so a later contact can be tied to
    the searches before it. No personal data; nothing else is tracked."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        visitor = request.COOKIES.get(deflection.VISITOR_COOKIE, "")
        fresh = not (0 < len(visitor) <= 64 and visitor.replace("-", "").replace("_", "").isalnum())
        if fresh:
            visitor = deflection.new_visitor_id()
        request.help_visitor = visitor
        response = view(request, *args, **kwargs)
        if fresh:
            response.set_cookie(
                deflection.VISITOR_COOKIE,
                visitor,
                max_age=VISITOR_MAX_AGE,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response

    return wrapper


def _int(value) -> int | None:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if 0 < n < 2**62 else None


@require_GET
@with_visitor
def index(request: HttpRequest) -> HttpResponse:
    lang = _language(request)
    articles = Article.objects.filter(status=Article.Status.PUBLISHED, language=lang).only(
        "slug", "title", "category"
    )
    categories: OrderedDict[str, list[Article]] = OrderedDict()
    for a in articles.order_by("category", "title"):
        categories.setdefault(a.category or "Overig", []).append(a)
    return render(request, "helpcenter/index.html", {"categories": categories, "lang": lang})


@require_GET
@with_visitor
def search_view(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:200]
    lang = _language(request)
    hits = search(q, lang, limit=10) if q else []
    record = None
    if q:
        record = deflection.record_search(q, lang, hits, visitor=request.help_visitor)
    return render(
        request,
        "helpcenter/search.html",
        {"q": q, "hits": hits, "search_id": record.pk if record else None, "lang": lang},
    )


@require_GET
@with_visitor
def article(request: HttpRequest, slug: str) -> HttpResponse:
    a = get_object_or_404(Article, slug=slug, status=Article.Status.PUBLISHED)
    search_id = _int(request.GET.get("s"))
    kind = HelpEvent.Kind.CLICK if search_id else HelpEvent.Kind.VIEW
    deflection.record_event(kind, a, request.help_visitor, search_id)
    related = (
        Article.objects.filter(
            status=Article.Status.PUBLISHED, language=a.language, category=a.category
        )
        .exclude(pk=a.pk)
        .only("slug", "title")[:5]
    )
    return render(
        request,
        "helpcenter/article.html",
        {"article": a, "related": related, "voted": request.GET.get("voted")},
    )


@require_POST
@with_visitor
def vote(request: HttpRequest, slug: str) -> HttpResponse:
    a = get_object_or_404(Article, slug=slug, status=Article.Status.PUBLISHED)
    helpful = request.POST.get("helpful")
    if helpful in ("yes", "no"):
        kind = HelpEvent.Kind.HELPFUL if helpful == "yes" else HelpEvent.Kind.NOT_HELPFUL
        deflection.record_event(kind, a, request.help_visitor)
    answer = "yes" if helpful == "yes" else "no"
    if request.htmx:
        return render(request, "helpcenter/_voted.html", {"article": a, "voted": answer})
    return HttpResponseRedirect(f"{a.get_absolute_url()}?voted={answer}#vote")
