"""Ranking for help-centre search. Pure Python (no Django).

A database engine (SQLite FTS5 or PostgreSQL full-text) finds the *candidates* that contain
any query term; this module ranks them the same way on both engines: BM25F over the
pre-processed tokens of :func:`bereikbaar.text.dutch.index_tokens`, with a title boost and a
bonus for a title the query covers, and the query's groups of weighted alternatives (compound
parts, synonyms, typo corrections) from :mod:`bereikbaar.text.query`; one article word answers
one query word only, and neighbouring query words that stand close together in an article
earn a bonus (proximity). It also makes snippets.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bereikbaar.text.dutch import fold, stem, words
from bereikbaar.text.typos import TypoIndex

TITLE_BOOST = 3.0
TITLE_BONUS = 2.0
K1 = 1.2
B = 0.5
# Weights of the ways a query word may match.
W_EXACT = 1.0
W_PARTS = 0.7
W_SYNONYM = 0.9
W_TYPO = 0.7
W_PREFIX = 0.5
W_VARIANT = 0.9
TITLE_COVER = 1.0
LOOSE_KEEP = 0.5
# Two neighbouring query words that stand close together in an article (the customer's
# phrase, as written: "energiecontract beëindigen") earn this much each pair; checked for the
# best PROXIMITY_TOP candidates only, to keep it cheap.
PROXIMITY = 1.5
PROXIMITY_TOP = 20
PROXIMITY_WINDOW = 4  # tokens, in the query's order (compounds add their parts)


@dataclass(frozen=True)
class Alternative:
    """One way a query word can match: all of ``terms`` (a compound's parts) or just one."""

    terms: tuple[str, ...]
    weight: float
    why: str = "exact"


@dataclass
class Group:
    """One query word (or phrase) and the alternatives that stand for it."""

    word: str
    alternatives: list[Alternative] = field(default_factory=list)
    #: For a phrase's synonyms: the indexes of the word groups the phrase spans. Such a
    #: group stands in for those words (whichever scores more), it does not add to them.
    covers: tuple[int, ...] = ()
    #: Set for an idiom whose words stand apart ("stop ik met jullie"): read as the idiom,
    #: its words count only ``LOOSE_KEEP`` of what they would alone ("stop" is not the
    #: incasso article's "stoppen" here).
    loose: bool = False

    def add(self, terms: Sequence[str], weight: float, why: str) -> None:
        terms = tuple(t for t in terms if t)
        if not terms:
            return
        for alt in self.alternatives:
            if alt.terms == terms:
                return
        self.alternatives.append(Alternative(terms, weight, why))


@dataclass
class CorpusStats:
    """What the ranker needs to know about the whole index (one language)."""

    doc_count: int
    avg_len: float
    df: Mapping[str, int]
    known_words: frozenset[str] = frozenset()
    _typos: TypoIndex | None = None
    _sorted: list[str] | None = None
    _reversed: list[str] | None = None

    def with_suffix(self, suffix: str) -> list[str]:
        """Indexed terms that end with ``suffix`` (compounds whose head it is: "code" →
        "inlogcode"), not itself, most common first."""
        if self._reversed is None:
            self._reversed = sorted(t[::-1] for t in self.df)
        rev = suffix[::-1]
        i = bisect.bisect_left(self._reversed, rev)
        out: list[str] = []
        while i < len(self._reversed) and self._reversed[i].startswith(rev) and len(out) < 50:
            if self._reversed[i] != rev:
                out.append(self._reversed[i][::-1])
            i += 1
        out.sort(key=lambda t: (-self.df.get(t, 0), t))
        return out

    def with_prefix(self, prefix: str) -> list[str]:
        """Indexed terms that start with ``prefix`` (not itself), most common first."""
        if self._sorted is None:
            self._sorted = sorted(self.df)
        i = bisect.bisect_left(self._sorted, prefix)
        out: list[str] = []
        while i < len(self._sorted) and self._sorted[i].startswith(prefix) and len(out) < 50:
            if self._sorted[i] != prefix:
                out.append(self._sorted[i])
            i += 1
        out.sort(key=lambda t: (-self.df.get(t, 0), t))
        return out

    def typo_words(self, word: str) -> list[str]:
        """The help centre's own words (or synonyms) the folded ``word`` is a slip of: one
        edit away, or two for a long word (see :mod:`bereikbaar.text.typos`)."""
        if self._typos is None:
            self._typos = TypoIndex(self.known_words)
        return self._typos.near(word)

    def typo_candidates(self, word: str) -> list[str]:
        """Indexed stems of :meth:`typo_words`, most common first (at most three)."""
        stems = {stem(w) for w in self.typo_words(word)}
        out = [t for t in stems if t in self.df]
        out.sort(key=lambda t: (-self.df.get(t, 0), t))
        return out[:3]


def query_terms(groups: Sequence[Group]) -> list[str]:
    """Every term any alternative mentions: what the database must find candidates for."""
    seen: dict[str, None] = {}
    for g in groups:
        for alt in g.alternatives:
            for t in alt.terms:
                seen.setdefault(t, None)
    return list(seen)


def boolean_query(
    groups: Sequence[Group], and_op: str, or_op: str, quote: Callable[[str], str], mode: str
) -> str:
    """An engine query: ``mode="any"`` matches any term; ``"all"`` needs every group (each
    group: any of its alternatives; a compound alternative: all its parts)."""
    if mode == "any":
        return or_op.join(quote(t) for t in query_terms(groups) if t.isalnum())
    parts = []
    for g in groups:
        if g.covers:
            continue  # a stand-in for other groups, never required
        alts = []
        for alt in g.alternatives:
            terms = [quote(t) for t in alt.terms if t.isalnum()]
            if len(terms) == 1:
                alts.append(terms[0])
            elif terms:
                alts.append("(" + and_op.join(terms) + ")")
        if alts:
            parts.append("(" + or_op.join(alts) + ")")
    return and_op.join(parts)


@dataclass
class Doc:
    id: int
    title_tokens: Sequence[str]
    body_tokens: Sequence[str]


def idf(stats: CorpusStats, term: str) -> float:
    n = stats.df.get(term, 0)
    return math.log(1 + (stats.doc_count - n + 0.5) / (n + 0.5))


def score_docs(
    groups: Sequence[Group], docs: Iterable[Doc], stats: CorpusStats
) -> list[tuple[int, float, set[str]]]:
    """BM25F with the title counted ``TITLE_BOOST`` times; per group the best alternative
    counts, and a stand-in (synonym, compound part) is never worth more than the word the
    customer typed; a document matching more of the query's groups gains (coordination).

    Returns ``(doc id, score, matched terms)`` best first, ties broken by id.
    """
    idfs = {t: idf(stats, t) for t in query_terms(groups)}
    # Per group and alternative: the idf each term may count with.
    plans: list[list[tuple[Alternative, list[tuple[str, float]]]]] = []
    for g in groups:
        first = g.alternatives[0] if g.alternatives else None
        exact = first.terms if first is not None and first.why == "exact" else ()
        cap = None
        if len(exact) == 1 and stats.df.get(exact[0], 0) > 0:
            cap = idfs[exact[0]]
        plan = []
        for alt in g.alternatives:
            limited = alt.why not in ("exact", "separable") and cap is not None
            plan.append((alt, [(t, min(idfs[t], cap) if limited else idfs[t]) for t in alt.terms]))
        plans.append(plan)
    avg = stats.avg_len or 1.0
    out: list[tuple[int, float, set[str]]] = []
    kept: dict[int, Doc] = {}
    for doc in docs:
        title = Counter(doc.title_tokens)
        body = Counter(doc.body_tokens)
        length = TITLE_BOOST * len(doc.title_tokens) + len(doc.body_tokens)
        norm = K1 * (1 - B + B * length / avg)
        sat: dict[str, float] = {}
        for t in idfs:
            in_title = title.get(t, 0)
            tf = TITLE_BOOST * in_title + body.get(t, 0)
            if tf:
                # BM25F saturates quickly, so a word in the title also earns a flat bonus:
                # an article whose title names the customer's word is about it.
                sat[t] = tf * (K1 + 1) / (tf + norm) + (TITLE_BONUS if in_title else 0.0)
        if not sat:
            continue
        bests: list[float] = []
        best_terms: list[tuple[str, ...]] = []
        for plan in plans:
            best, terms = _best_alternative(plan, sat)
            bests.append(best)
            best_terms.append(terms)
        hit = [b > 0 for b in bests]
        for i, g in enumerate(groups):
            if g.loose:
                for c in g.covers:
                    bests[c] *= LOOSE_KEEP
            # A phrase's synonym replaces the words it spans when it scores more than they do.
            if g.covers and bests[i] > sum(bests[c] for c in g.covers):
                for c in g.covers:
                    bests[c], best_terms[c], hit[c] = 0.0, (), True
            elif g.covers:
                bests[i], best_terms[i] = 0.0, ()
        _count_once(groups, bests, best_terms)
        total = sum(bests)
        if total <= 0:
            continue
        matched = {t for terms in best_terms for t in terms if t in sat}
        words_n = sum(1 for g in groups if not g.covers)
        matched_groups = sum(1 for g, h in zip(groups, hit, strict=True) if h and not g.covers)
        total *= 0.5 + 0.5 * matched_groups / max(1, words_n)
        if TITLE_COVER and title:
            # A title the query covers much of ("Contract opzeggen" for "opzeggen") is more
            # about it than a longer title that merely mentions the word.
            total += TITLE_COVER * sum(1 for t in title if t in matched) / len(title)
        out.append((doc.id, total, matched))
        kept[doc.id] = doc
    out.sort(key=lambda r: (-r[1], r[0]))
    if PROXIMITY and len(out) > 1:
        pairs = _neighbour_terms(groups)
        if pairs:
            top = [
                (pk, score + PROXIMITY * _near_pairs(kept[pk], pairs), matched)
                for pk, score, matched in out[:PROXIMITY_TOP]
            ]
            out = sorted(top, key=lambda r: (-r[1], r[0])) + out[PROXIMITY_TOP:]
    return out


def _count_once(groups: Sequence[Group], bests: list[float], best_terms: list) -> None:
    """One word of an article answers one word of the query: when "veranderd" (= aanpassen)
    and "pas … aan" both find "aanpassen", only the better of the two counts."""
    first: dict[tuple[str, ...], int] = {}
    for i, terms in enumerate(best_terms):
        if not terms or groups[i].covers:
            continue
        j = first.get(terms)
        if j is None:
            first[terms] = i
        elif bests[i] > bests[j]:
            bests[j], first[terms] = 0.0, i
        else:
            bests[i] = 0.0


def _neighbour_terms(groups: Sequence[Group]) -> list[tuple[frozenset[str], frozenset[str]]]:
    """For each two neighbouring query words: the single terms each may match. Words a
    synonym phrase spans ("werkt niet") are left to the phrase."""
    spanned = {c for g in groups if g.covers for c in g.covers}
    words = [
        (i, frozenset(t for alt in g.alternatives if len(alt.terms) == 1 for t in alt.terms))
        for i, g in enumerate(groups)
        if not g.covers
    ]
    return [
        (a, b)
        for (i, a), (j, b) in zip(words, words[1:], strict=False)
        if a and b and not a & b and not (i in spanned and j in spanned)
    ]


def _near_pairs(doc: Doc, pairs: list[tuple[frozenset[str], frozenset[str]]]) -> int:
    """How many of ``pairs`` stand within ``PROXIMITY_WINDOW`` tokens in the title or body."""
    wanted = set().union(*(a | b for a, b in pairs))
    pos: dict[str, list[int]] = {}
    # The body starts well after the title, so a title word is never "near" a body word.
    for offset, tokens in ((0, doc.title_tokens), (1000, doc.body_tokens)):
        for i, t in enumerate(tokens):
            if t in wanted:
                pos.setdefault(t, []).append(offset + i)
    n = 0
    for a, b in pairs:
        pa = [p for t in a for p in pos.get(t, ())]
        pb = [p for t in b for p in pos.get(t, ())]
        if pa and pb and any(0 < y - x <= PROXIMITY_WINDOW for x in pa for y in pb):
            n += 1
    return n


def _best_alternative(
    plan: list[tuple[Alternative, list[tuple[str, float]]]], sat: Mapping[str, float]
) -> tuple[float, tuple[str, ...]]:
    """The score of a group's best-matching alternative in one document, and its terms."""
    best = 0.0
    best_terms: tuple[str, ...] = ()
    for alt, weighted in plan:
        parts = [sat.get(t, 0.0) * w for t, w in weighted]
        if not any(parts):
            continue
        s = alt.weight * sum(parts) / len(parts)
        if len(parts) > 1:
            # Half a compound ("omvormer" of "omvormerstoring") is a weak match.
            s *= sum(1 for p in parts if p) / len(parts)
        if s > best:
            best, best_terms = s, alt.terms
    return best, best_terms


_SENTENCE = re.compile(r"(?<=[.!?:])\s+|\n+")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"^\s{0,3}(?:#{1,6}|>|[-*+]|\d+[.)])\s+|[*_`|]+|^\s*-{3,}\s*$", re.M)
_URL = re.compile(r"https?://\S+")


def plain_text(markdown: str) -> str:
    """Markdown with its markup removed, for snippets."""
    text = _LINK.sub(r"\1", _IMAGE.sub("", markdown))
    text = _URL.sub("", _MARKUP.sub("", text))
    return re.sub(r"[ \t]+", " ", text).strip()


def snippet(body: str, terms: Iterable[str], width: int = 180) -> str:
    """The sentence (plus what follows, up to ``width`` characters) that holds most of the
    matched terms; plain text."""
    terms = set(terms)
    text = plain_text(body)
    sentences = [s.strip() for s in _SENTENCE.split(text) if s.strip()]
    if not sentences:
        return ""
    best_i, best_hits = 0, -1
    for i, sent in enumerate(sentences):
        hits = 0
        for w in words(sent):
            # The stem, or a term inside a compound ("wachtwoord" in "wachtwoordherstel").
            if stem(w) in terms or (len(w) > 7 and any(len(t) > 3 and t in w for t in terms)):
                hits += 1
        if hits > best_hits:
            best_i, best_hits = i, hits
    out = " ".join(sentences[best_i:])
    if len(out) > width:
        cut = out[:width].rsplit(" ", 1)[0]
        out = cut.rstrip(",;:") + "…"
    return out


def normalise_query(query: str) -> str:
    """The query as recorded: folded, single-spaced, at most 200 characters."""
    return " ".join(fold(query).split())[:200]
