"""Help articles as agents manage them: the list with each article's deflection figures and
the searches that found nothing, the editor with a safe live preview, the revision history
with restore, and the synonym sets the search uses. Thin: rendering, indexing and revisions
happen in helpcenter's models."""

from __future__ import annotations

import difflib
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, user_passes_test
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bereikbaar.helpcenter.deflection import article_stats, search_stats
from bereikbaar.helpcenter.models import Article, ArticleRevision, SearchQuery, Synonym
from bereikbaar.helpcenter.render import render_markdown
from bereikbaar.inbox.article_forms import ArticleForm, SynonymForm

admin_only = user_passes_test(lambda u: u.is_active and u.is_superuser)
# The figures beside each article cover this many days.
PERIOD_DAYS = 30
MAX_PREVIEW = 200_000


@login_required
@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    since = timezone.now() - timedelta(days=PERIOD_DAYS)
    articles = Article.objects.order_by("language", "category", "title")
    q = request.GET.get("q", "").strip()[:100]
    if q:
        articles = articles.filter(Q(title__icontains=q) | Q(slug__icontains=q))
    stats = {row["slug"]: row for row in article_stats(since=since)}
    rows = [(a, stats.get(a.slug)) for a in articles]
    gaps = (
        SearchQuery.objects.filter(created_at__gte=since, results_count=0)
        .values("query")
        .annotate(n=Count("id"), last=Max("created_at"))
        .order_by("-n", "-last")[:15]
    )
    return render(
        request,
        "inbox/articles.html",
        {
            "rows": rows,
            "q": q,
            "searches": search_stats(since=since),
            "gaps": gaps,
            "period_days": PERIOD_DAYS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk) if pk else None
    form = ArticleForm(request.POST or None, instance=article)
    if request.method == "POST" and form.is_valid():
        saved = form.save(author=request.user)
        messages.success(request, _("Artikel opgeslagen."))
        return redirect("inbox:article_edit", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "inbox/article_form.html",
        {
            "form": form,
            "article": article,
            "preview": render_markdown(form["body"].value() or ""),
        },
        status=status,
    )


@login_required
@require_POST
def article_preview(request: HttpRequest) -> HttpResponse:
    """The body as the help centre will show it: the same safe renderer, so no script runs."""
    body = request.POST.get("body", "")[:MAX_PREVIEW]
    return render(request, "inbox/_article_preview.html", {"preview": render_markdown(body)})


@login_required
@require_GET
def article_history(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    revisions = list(article.revisions.select_related("author"))
    shown = revisions[0] if revisions else None
    wanted = request.GET.get("revisie")
    if wanted and wanted.isdigit():
        shown = next((r for r in revisions if r.pk == int(wanted)), shown)
    diff = []
    if shown is not None:
        # newest first, so the version before `shown` is the next one in the list
        position = revisions.index(shown)
        older = revisions[position + 1] if position + 1 < len(revisions) else None
        diff = _diff(older, shown)
    return render(
        request,
        "inbox/article_history.html",
        {"article": article, "revisions": revisions, "shown": shown, "diff": diff},
    )


def _diff(older: ArticleRevision | None, newer: ArticleRevision) -> list[tuple[str, str]]:
    """Line changes from ``older`` to ``newer`` as (kind, line): kind is "add", "del" or "same"."""
    before = [] if older is None else [older.title, "", *older.body.splitlines()]
    after = [newer.title, "", *newer.body.splitlines()]
    out = []
    for line in difflib.ndiff(before, after):
        tag, text = line[:2], line[2:]
        if tag == "? ":
            continue
        out.append(({"+ ": "add", "- ": "del"}.get(tag, "same"), text))
    return out


@login_required
@require_POST
def article_restore(request: HttpRequest, pk: int, revision_pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    revision = get_object_or_404(ArticleRevision, pk=revision_pk, article=article)
    article.title, article.body = revision.title, revision.body
    article.tags, article.category = revision.tags, revision.category
    stamp = timezone.localtime(revision.created_at).strftime("%Y-%m-%d %H:%M")
    article.save(author=request.user, note=_("teruggezet naar de versie van %s") % stamp)
    messages.success(request, _("De versie van %s staat weer online.") % stamp)
    return redirect("inbox:article_history", pk=article.pk)


@admin_only
@require_POST
def article_delete(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    article.delete()
    messages.success(request, _("Artikel “%s” verwijderd.") % article.title)
    return redirect("inbox:articles")


@login_required
@require_http_methods(["GET", "POST"])
def synonym_list(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    editing = get_object_or_404(Synonym, pk=pk) if pk else None
    form = SynonymForm(request.POST or None, instance=editing)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Synoniemen opgeslagen; de zoekfunctie gebruikt ze meteen."))
        return redirect("inbox:synonyms")
    return render(
        request,
        "inbox/synonyms.html",
        {"form": form, "editing": editing, "synonyms": Synonym.objects.all()},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def synonym_delete(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(Synonym, pk=pk).delete()
    messages.success(request, _("Synoniemenset verwijderd."))
    return redirect("inbox:synonyms")
