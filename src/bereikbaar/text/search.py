"""Query analysis and ranking for help-centre search. Pure Python (no Django).

A database engine (SQLite FTS5 or PostgreSQL full-text) finds the *candidates* that contain
any query term; this module ranks them the same way on both engines: BM25F over the
pre-processed tokens of :func:`bereikbaar.text.dutch.index_tokens`, with a title boost,
compound parts, agent-managed synonyms and typo corrections as weighted alternatives.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bereikbaar.text.dutch import (
    STOPWORDS,
    fold,
    osa_distance,
    split_compound,
    stem,
    words,
)

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
    _deletes: dict[str, set[str]] | None = None
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

    def typo_candidates(self, word: str) -> list[str]:
        """Stems of the help centre's own words one edit (insert, delete, substitute, swap)
        away from the folded ``word``; most common first."""
        if self._deletes is None:
            deletes: dict[str, set[str]] = {}
            for w in self.known_words:
                if len(w) >= 4:
                    for d in _deletes1(w):
                        deletes.setdefault(d, set()).add(w)
            self._deletes = deletes
        if word in self.known_words:
            return []
        found: set[str] = set()
        for d in _deletes1(word):
            found |= self._deletes.get(d, set())
        stems = {stem(w) for w in found if w != word and osa_distance(word, w, 1) <= 1}
        out = [t for t in stems if t in self.df]
        out.sort(key=lambda t: (-self.df.get(t, 0), t))
        return out[:3]


def _deletes1(term: str) -> set[str]:
    out = {term}
    for i in range(len(term)):
        out.add(term[:i] + term[i + 1 :])
    return out


def parse_synonyms(rows: Iterable[tuple[str, str]]) -> list[list[tuple[str, ...]]]:
    """Turn agent-managed rows ``(term, "syn1, syn2")`` into equivalence sets of stemmed
    phrases: [[("wachtwoord",), ("inlogcod",)], …]."""
    sets: list[list[tuple[str, ...]]] = []
    for term, synonyms in rows:
        phrases = [term, *re.split(r"[,;\n]", synonyms or "")]
        stemmed: list[tuple[str, ...]] = []
        for phrase in phrases:
            all_words = words(phrase)
            toks = tuple(stem(w) for w in all_words if w not in STOPWORDS)
            if len(all_words) > 1 and len(toks) < 2:
                continue  # "doet het niet" would become just "niet": too vague
            if toks and toks not in stemmed:
                stemmed.append(toks)
        if len(stemmed) > 1:
            sets.append(stemmed)
    return sets


PARTICLES = frozenset("aan op af uit in door over terug mee na om toe bij weg".split())


def analyse_query(
    query: str,
    stats: CorpusStats | None = None,
    synonyms: Sequence[Sequence[tuple[str, ...]]] = (),
) -> list[Group]:
    """Break a customer's query into groups of weighted alternatives."""
    all_words = words(query)[:24]
    raw = [w for w in all_words if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]
    if not raw:
        # A query of only stop words ("hoe?") still searches for them.
        raw = all_words
    raw = raw[:12]
    known = stats.known_words if stats else frozenset()
    df = stats.df if stats else {}
    groups: list[Group] = []
    stems = [stem(w) for w in raw]
    # What each position may stand for, for synonym matching: the stem and its corrections.
    options: list[set[str]] = []
    for w, s in zip(raw, stems, strict=True):
        g = Group(w)
        g.add((s,), W_EXACT, "exact")
        opts = {s}
        parts = split_compound(w, known)
        if parts:
            g.add(tuple(stem(p) for p in parts), W_PARTS, "compound")
        if stats is not None and s not in df and len(w) >= 5 and not w.isdigit():
            for t in stats.typo_candidates(w):
                g.add((t,), W_TYPO, "typo")
                opts.add(t)
        if stats is not None and len(s) >= 5 and not w.isdigit():
            # Compounds the splitter did not know: "verificatie" in "tweestapsverificatie"
            # (its head), "wachtw" typed half-way or "zonnepaneel" in "zonnepaneelreiniging".
            for t in stats.with_suffix(s)[:3] + stats.with_prefix(s)[:3]:
                g.add((t,), W_PREFIX, "affix")
        groups.append(g)
        options.append(opts)
    # Separable verbs: "hoe zeg ik op" → opzeggen, "maak … aan" → aanmaken.
    if stats is not None:
        for j, particle in enumerate(all_words):
            if particle not in PARTICLES:
                continue
            before = all_words[max(0, j - 5) : j]
            for w in before:
                if w in STOPWORDS or w not in raw:
                    continue
                joined = stem(particle + w)
                if joined in df:
                    groups[raw.index(w)].add((joined,), W_EXACT, "separable")
                    options[raw.index(w)].add(joined)
    # Synonyms: a single word gains alternatives; a phrase ("ligt eruit") adds a group.
    for eq in synonyms:
        for phrase in eq:
            n = len(phrase)
            for i in range(len(stems) - n + 1):
                if not all(phrase[k] in options[i + k] for k in range(n)):
                    continue
                if n == 1:
                    target = groups[i]
                else:
                    target = Group(" ".join(raw[i : i + n]))
                    target.add(phrase, W_EXACT, "exact")
                    groups.append(target)
                for other in eq:
                    if other != phrase:
                        target.add(other, W_SYNONYM, "synonym")
    return groups


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
        exact = g.alternatives[0].terms if g.alternatives else ()
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
        total = 0.0
        matched_groups = 0
        matched: set[str] = set()
        for plan in plans:
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
            if best > 0:
                matched_groups += 1
                total += best
                matched.update(t for t in best_terms if t in sat)
        if total <= 0:
            continue
        total *= 0.5 + 0.5 * matched_groups / max(1, len(groups))
        out.append((doc.id, total, matched))
    out.sort(key=lambda r: (-r[1], r[0]))
    return out


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
