"""Help-centre search: one interface, two engines.

- SQLite (embedded default): an FTS5 table ``helpcenter_article_fts`` over the pre-processed
  tokens, rowid = article id.
- PostgreSQL (``DATABASE_URL``): a stored ``to_tsvector('simple', …)`` column of the same
  pre-processed tokens with a GIN index ('simple' does no stemming of its own, so it keeps
  ours).

The engine returns candidates (any query term, engine-ranked, at most ``CANDIDATES``); the
final order comes from :func:`bereikbaar.text.search.score_docs`, the same code on both
engines, so a query gives the same results on SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Max

from bereikbaar.helpcenter import meaning
from bereikbaar.text import dutch
from bereikbaar.text import query as textquery
from bereikbaar.text import search as textsearch
from bereikbaar.text.thesaurus import GENERAL_NL

CANDIDATES = 150
# Fewer articles than this matching every query word: also rank those matching any.
MIN_ALL_MATCHES = 10
# How long a process trusts its cached corpus statistics before asking the database again.
STAMP_TTL = 2.0
FTS_TABLE = "helpcenter_article_fts"


def index_fields(article) -> tuple[str, str]:
    """The tokens both engines index: title; body plus tags, category and slug words."""
    title = " ".join(dutch.index_tokens(article.title))
    extra = " ".join([*(article.tags or []), article.category or "", article.slug or ""])
    body = " ".join(dutch.index_tokens(textsearch.plain_text(article.body or "") + "\n" + extra))
    return title, body


class SqliteBackend:
    vendor = "sqlite"

    def reindex(self, article) -> None:
        with connection.cursor() as cur:
            cur.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [article.pk])  # noqa: S608
            cur.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)",  # noqa: S608
                [article.pk, article.search_title, article.search_body],
            )

    def remove(self, pk: int) -> None:
        with connection.cursor() as cur:
            cur.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [pk])  # noqa: S608

    def rebuild(self) -> None:
        with connection.cursor() as cur:
            cur.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608
            cur.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, title, body) "  # noqa: S608
                "SELECT id, search_title, search_body FROM helpcenter_article"
            )

    AND, OR = " AND ", " OR "

    @staticmethod
    def quote(term: str) -> str:
        return f'"{term}"'  # terms are [a-z0-9]+; quoting keeps FTS5 syntax out anyway

    def candidates(self, match: str, language: str, limit: int) -> list[tuple]:
        # Rank inside FTS5 first (its fast path), then filter language and status.
        sql = (
            "SELECT a.id, a.search_title, a.search_body FROM ("  # noqa: S608
            f"SELECT rowid, bm25({FTS_TABLE}, 3.0, 1.0) AS r FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s ORDER BY r LIMIT %s) f "
            "JOIN helpcenter_article a ON a.id = f.rowid "
            "WHERE a.language = %s AND a.status = 'published' ORDER BY f.r, a.id LIMIT %s"
        )
        with connection.cursor() as cur:
            cur.execute(sql, [match, limit * 3, language, limit])
            return cur.fetchall()


class PostgresBackend:
    vendor = "postgresql"

    def reindex(self, article) -> None:  # the expression index follows the row
        return None

    def remove(self, pk: int) -> None:
        return None

    def rebuild(self) -> None:
        return None

    AND, OR = " & ", " | "

    @staticmethod
    def quote(term: str) -> str:
        return term

    def candidates(self, tsquery: str, language: str, limit: int) -> list[tuple]:
        # search_tsv: a stored generated column (title weighted 'A') with a GIN index,
        # added by migration 0002 on PostgreSQL only.
        sql = (
            "SELECT id, search_title, search_body FROM helpcenter_article "
            "WHERE search_tsv @@ to_tsquery('simple', %s) AND language = %s "
            "AND status = 'published' "
            "ORDER BY ts_rank(search_tsv, to_tsquery('simple', %s)) DESC, id LIMIT %s"
        )
        with connection.cursor() as cur:
            cur.execute(sql, [tsquery, language, tsquery, limit])
            return cur.fetchall()


def rebuild_index(reprocess: bool = False) -> int:
    """Re-create the engine's index from the articles table (after a bulk load, or with
    ``reprocess`` after the Dutch analysis changed); returns the number of articles."""
    from bereikbaar.helpcenter.models import Article

    n = 0
    if reprocess:
        for a in Article.objects.all().iterator(chunk_size=500):
            a.search_title, a.search_body = index_fields(a)
            a.search_length = len(a.search_title.split()) + len(a.search_body.split())
            Article.objects.filter(pk=a.pk).update(
                search_title=a.search_title,
                search_body=a.search_body,
                search_length=a.search_length,
            )
            n += 1
    backend().rebuild()
    invalidate()
    return n or Article.objects.count()


def backend():
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()


# -- corpus statistics, cached per process and rebuilt when articles or synonyms change --


@dataclass
class _Cached:
    stamp: tuple
    stats: textsearch.CorpusStats
    synonyms: list = field(default_factory=list)


_cache: dict[str, _Cached] = {}
_lock = threading.Lock()


def _stamp(language: str) -> tuple:
    from bereikbaar.helpcenter.models import Article, Synonym

    a = Article.objects.filter(language=language).aggregate(n=Count("id"), t=Max("updated_at"))
    s = Synonym.objects.filter(language=language).aggregate(n=Count("id"), t=Max("updated_at"))
    return (connection.vendor, connection.settings_dict.get("NAME"), a["n"], a["t"], s["n"], s["t"])


_checked: dict[str, float] = {}


def invalidate(*args, **kwargs) -> None:
    """Forget the cached statistics (called on every article or synonym change here; other
    processes notice within ``STAMP_TTL`` seconds)."""
    _checked.clear()


def corpus(language: str) -> _Cached:
    """Document frequencies, average length, known words and synonyms for one language."""
    from bereikbaar.helpcenter.models import Article, Synonym

    cached = _cache.get(language)
    key = f"{connection.vendor}:{connection.settings_dict.get('NAME')}:{language}"
    now = time.monotonic()
    if cached is not None and now - _checked.get(key, -1e9) < STAMP_TTL:
        return cached
    stamp = _stamp(language)
    _checked[key] = now
    if cached is not None and cached.stamp == stamp:
        return cached
    with _lock:
        df: dict[str, int] = {}
        known: set[str] = set()
        total = 0
        n = 0
        rows = Article.objects.filter(language=language, status=Article.Status.PUBLISHED)
        for title, body, tags, st, sb in rows.values_list(
            "title", "body", "tags", "search_title", "search_body"
        ).iterator(chunk_size=1000):
            n += 1
            toks = (st + " " + sb).split()
            total += len(st.split()) * (textsearch.TITLE_BOOST - 1) + len(toks)
            for t in set(toks):
                df[t] = df.get(t, 0) + 1
            known.update(_vocabulary(" ".join([title, body, *(tags or [])])))
        syn_rows = list(Synonym.objects.filter(language=language).values_list("term", "synonyms"))
        if language == "nl":
            syn_rows += GENERAL_NL  # everyday Dutch, after the agents' own rows
        synonyms = textquery.parse_synonyms(syn_rows)
        for term, syns in syn_rows:  # a slip in a synonym is corrected too ("thuisacu")
            known.update(_vocabulary(term + " " + (syns or "")))
        stats = textsearch.CorpusStats(
            doc_count=n, avg_len=(total / n) if n else 1.0, df=df, known_words=frozenset(known)
        )
        cached = _Cached(stamp, stats, synonyms)
        _cache[language] = cached
        return cached


def _vocabulary(text: str) -> set[str]:
    """The words typos are corrected to and compounds are split into."""
    return {
        w
        for w in dutch.words(text)
        if 3 <= len(w) <= 24 and w.isalpha() and w not in dutch.STOPWORDS
    }


@dataclass
class Hit:
    article_id: int
    slug: str
    title: str
    score: float
    snippet: str
    category: str = ""
    matched: list[str] = field(default_factory=list)


def search(query: str, language: str = "nl", limit: int = 10) -> list[Hit]:
    """Published articles for ``query`` in ``language``, best first."""
    from bereikbaar.helpcenter.models import Article

    query = (query or "").strip()[:200]
    if language not in {code for code, _ in Article.LANGUAGES}:
        language = "nl"
    if not query:
        return []
    c = corpus(language)
    groups = textquery.analyse_query(query, c.stats, c.synonyms)
    if not textsearch.query_terms(groups):
        return []
    engine = backend()
    # Articles that match every query word first; only when those are few, also the ones
    # that match any (the re-ranking below decides the order either way).
    rows = []
    if len(groups) > 1:
        every = textsearch.boolean_query(groups, engine.AND, engine.OR, engine.quote, "all")
        rows = engine.candidates(every, language, CANDIDATES)
    # The same threshold whatever ``limit`` is, so the first hits never depend on how many
    # were asked for (the widget asks for 3, the API for 10).
    if len(rows) < max(limit, MIN_ALL_MATCHES):
        seen = {r[0] for r in rows}
        anyq = textsearch.boolean_query(groups, engine.AND, engine.OR, engine.quote, "any")
        rows += [r for r in engine.candidates(anyq, language, CANDIDATES) if r[0] not in seen]
    docs = [textsearch.Doc(pk, st.split(), sb.split()) for pk, st, sb in rows]
    ranked = textsearch.score_docs(groups, docs, c.stats)[: max(limit, meaning.RERANK)]
    ranked = meaning.rerank(query, ranked)[:limit]
    if not ranked:
        return []
    articles = Article.objects.only("slug", "title", "body", "category").in_bulk(
        [pk for pk, _, _ in ranked]
    )
    hits = []
    for pk, score, matched in ranked:
        a = articles.get(pk)
        if a is None:
            continue
        hits.append(
            Hit(
                article_id=pk,
                slug=a.slug,
                title=a.title,
                score=round(score, 4),
                snippet=textsearch.snippet(a.body, matched),
                category=a.category,
                matched=sorted(matched),
            )
        )
    return hits
