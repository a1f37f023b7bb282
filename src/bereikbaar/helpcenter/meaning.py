"""The word search's candidates, put in order with a second opinion on meaning.

The word search (Dutch stems, compounds, synonyms; the same on SQLite and PostgreSQL) finds the
candidates; each is then scored by its word score relative to the best one plus ALPHA times the
cosine similarity of the query's and the article's meaning vectors (text/meaning.py). Meaning
alone never brings in an article the words did not find, so a query for an order number or a
product name stays exact. ALPHA and OPENING were fixed on the earlier query sets and then tested
once on a blind set (bench/RESULTS.md, "Help search").

An article's vector is computed when a search first ranks it (~60 ms) and kept with the hash of
the text it came from, so imports and edits stay fast, an edited article is computed again, and
a corpus of any size only pays for what is searched.
"""

from __future__ import annotations

import hashlib

from bereikbaar.text import meaning

ALPHA = 16.0  # weight of meaning against the word score (which is 1.0 for the best match)
OPENING = 300  # characters of the body that go into an article's vector, after its title
RERANK = 10  # candidates re-ordered, whatever the caller's limit, so the order never depends on it

Ranked = list[tuple[int, float, set]]


def passage_text(title: str, body: str) -> str:
    return f"{title}. {body[:OPENING]}"


def vectors(article_ids: list[int]) -> dict[int, bytes]:
    """The vectors of these articles, computing (and keeping) the missing or stale ones."""
    from bereikbaar.helpcenter.models import Article, ArticleMeaning

    kept = {m.article_id: m for m in ArticleMeaning.objects.filter(article_id__in=article_ids)}
    found = {}
    for pk, title, body in Article.objects.filter(pk__in=article_ids).values_list(
        "pk", "title", "body"
    ):
        text = passage_text(title, body)
        digest = hashlib.sha256(text.encode()).hexdigest()
        if pk in kept and kept[pk].of == digest:
            found[pk] = bytes(kept[pk].vector)
            continue
        found[pk] = meaning.passage_vector(text)
        ArticleMeaning.objects.update_or_create(
            article_id=pk, defaults={"vector": found[pk], "of": digest}
        )
    return found


def rerank(query: str, ranked: Ranked) -> Ranked:
    """Word-search candidates, best first by words and meaning together."""
    if len(ranked) < 2:
        return ranked
    asked = meaning.query_vector(query)
    stored = vectors([pk for pk, _, _ in ranked])
    best = ranked[0][1] or 1.0
    fused = [
        (pk, score / best + ALPHA * meaning.similarity(asked, stored.get(pk, b"")), matched)
        for pk, score, matched in ranked
    ]
    return sorted(fused, key=lambda item: -item[1])
