"""Query analysis for help-centre search: what a customer's words may stand for.

Pure Python (no Django). :func:`analyse_query` turns a query into groups of weighted
alternatives (:class:`bereikbaar.text.search.Group`): the stem the customer typed, a
compound's parts, typo corrections, compounds that contain the word, separable verbs (split,
"zeg … op", or stuck together, "afbetalen"), agent-managed synonyms and the everyday ones of
:mod:`bereikbaar.text.thesaurus` (idioms whose words stand apart included: "stoppen slaan
door"), and a compound's head or modifier swapped for its synonym ("thuisaccu" →
thuisbatterij). Vague question words ("regelen") are not searched for.
:func:`bereikbaar.text.search.score_docs` ranks with them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bereikbaar.text.dutch import (
    LEXICON,
    STOPWORDS,
    inflection_variants,
    osa_distance,
    split_compound,
    stem,
    words,
)
from bereikbaar.text.search import (
    W_EXACT,
    W_PARTS,
    W_PREFIX,
    W_SYNONYM,
    W_TYPO,
    W_VARIANT,
    CorpusStats,
    Group,
)
from bereikbaar.text.thesaurus import VAGUE_NL


@dataclass(frozen=True)
class Phrase:
    """One phrase of a synonym set: ``match`` (stems of all its words, stop words included)
    finds it in a query; ``terms`` (without stop words) is what it searches for, empty when
    that would be too vague ("klant worden" is not just "klant")."""

    match: tuple[str, ...]
    terms: tuple[str, ...]
    #: Its words may stand apart, in any order, within ``GAP_WINDOW`` query words
    #: ("geld ~ terug" in "krijg ik het geld van de jaarafrekening terug"). Such a phrase
    #: only finds its set; it is never searched for.
    gap: bool = False
    #: The folded word of a one-word phrase (for compound synonyms: "thuis" + "accu" →
    #: "thuisbatterij" when accu = batterij); empty otherwise.
    word: str = ""


#: How far apart (in query words, first to last) the words of a gap phrase may be.
GAP_WINDOW = 6


def parse_synonyms(rows: Iterable[tuple[str, str]]) -> list[list[Phrase]]:
    """Turn agent-managed rows ``(term, "syn1, syn2")`` into equivalence sets of stemmed
    phrases."""
    sets: list[list[Phrase]] = []
    for term, synonyms in rows:
        phrases = [term, *re.split(r"[,;\n]", synonyms or "")]
        stemmed: list[Phrase] = []
        for phrase in phrases:
            gap = "~" in phrase
            all_words = words(phrase)
            if not all_words or all(w in STOPWORDS for w in all_words):
                continue
            toks = tuple(stem(w) for w in all_words if w not in STOPWORDS)
            if gap or (len(all_words) > 1 and len(toks) < 2):
                toks = ()  # "doet het niet" would search for just "niet": too vague
            word = all_words[0] if len(all_words) == 1 else ""
            p = Phrase(tuple(stem(w) for w in all_words), toks, gap, word)
            if p not in stemmed:
                stemmed.append(p)
        if len(stemmed) > 1 and sum(1 for p in stemmed if p.terms):
            sets.append(stemmed)
    return _merge_overlapping(sets)


def _merge_overlapping(sets: list[list[Phrase]]) -> list[list[Phrase]]:
    """Agents write overlapping rows ("terugbetaling: geld terug" and "teruggestort: geld
    terug"); sets that share a phrase mean the same thing, so they become one."""
    merged: list[list[Phrase]] = []
    for eq in sets:
        keys = {p.match for p in eq}
        joined = [m for m in merged if keys & {p.match for p in m}]
        out = list(eq)
        for m in joined:
            merged.remove(m)
            out += [p for p in m if p not in out]
        merged.append(out)
    return merged


PARTICLES = frozenset("aan op af uit in door over terug mee na om toe bij weg".split())
# Longest first, so "terug" is tried before "te…" forms and "aan" before "a…".
_PARTICLES_LONGEST = tuple(sorted(PARTICLES, key=lambda p: (-len(p), p)))

# Chat spelling and abbreviations customers type, as the words they stand for.
COLLOQUIAL = {
    "ff": "even",
    "effe": "even",
    "efkes": "even",
    "nie": "niet",
    "ni": "niet",
    "nt": "niet",
    "mn": "mijn",
    "zn": "zijn",
    "wa": "wat",
    "da": "dat",
    "dr": "er",
    "gwn": "gewoon",
    "idd": "inderdaad",
    "pls": "alstublieft",
    "plz": "alstublieft",
    "ww": "wachtwoord",
    "tel": "telefoon",
    "telnr": "telefoonnummer",
    "nr": "nummer",
    "nrs": "nummers",
    "adr": "adres",
    "info": "informatie",
    "mail": "mail",
    "ipv": "in plaats van",
    "tm": "tot en met",
    "svp": "alstublieft",
}


# Greetings, thanks and announcements that wrap a question in a chat ("goedemorgen, ik heb
# een vraag: …, alvast bedankt"). Dropped from queries only; articles never need them.
FILLERS = frozenset(
    """
    goedemorgen goedemiddag goedenavond goedendag hey hee hoi hai beste geachte
    heer mevrouw groetjes groeten groet gr mvg vriendelijke bedankt dank dankjewel dankuwel
    alvast thanks thx tnx vraag vraagje vraagjes
    """.split()
)


def normalise_words(query: str) -> list[str]:
    """The query's folded words with chat spelling written out ("ff" → "even", "klantnr" →
    "klantnummer")."""
    out: list[str] = []
    for w in words(query):
        full = COLLOQUIAL.get(w)
        if full is None and len(w) > 4 and w.endswith("nr") and w.isalpha():
            full = w[:-2] + "nummer"
        out.extend(full.split() if full else [w])
    return [w for w in out if w not in FILLERS]


def _corrections(word: str, stats: CorpusStats) -> list[str]:
    """Stems of the words ``word`` is a slip of: indexed ones first (most common first),
    then synonyms the articles do not use; at most four."""
    stems = {stem(w) for w in stats.typo_words(word)}
    stems.discard(stem(word))
    return sorted(stems, key=lambda t: (-stats.df.get(t, 0), t))[:4]


_LONG_STOPWORDS = tuple(sorted(w for w in STOPWORDS if len(w) >= 5))


def _stopword_slip(word: str, stats: CorpusStats | None) -> str | None:
    """The stop word that ``word`` is a slip of ("woden" → "worden"), when it is no word of
    the help centre; else None."""
    if stats is None or len(word) < 5 or word in stats.known_words or stem(word) in stats.df:
        return None
    return next((sw for sw in _LONG_STOPWORDS if osa_distance(word, sw, 1) <= 1), None)


def _split_with_slip(word: str, stats: CorpusStats) -> tuple[str, str] | None:
    """A compound of a known word and a slip of another ("omvormer" + "tsoring" →
    "storing"), or None. The longest exact part wins."""
    if len(word) < 8 or not word.isalpha():
        return None
    known = stats.known_words
    best: tuple[str, str] | None = None
    best_len = 0
    for i in range(3, len(word) - 3):
        head, tail = word[:i], word[i:]
        for exact, slip, exact_first in ((head, tail, True), (tail, head, False)):
            if len(exact) <= best_len or not (exact in known or exact in LEXICON):
                continue
            if len(slip) < 4:
                continue
            fixed = stats.typo_words(slip)
            if fixed:
                best_len = len(exact)
                best = (exact, fixed[0]) if exact_first else (fixed[0], exact)
    return best


def analyse_query(
    query: str,
    stats: CorpusStats | None = None,
    synonyms: Sequence[Sequence[Phrase]] = (),
) -> list[Group]:
    """Break a customer's query into groups of weighted alternatives."""
    all_words = [_stopword_slip(w, stats) or w for w in normalise_words(query)[:24]]
    positions = [
        i
        for i, w in enumerate(all_words)
        if w not in STOPWORDS and w not in VAGUE_NL and (len(w) > 1 or w.isdigit())
    ]
    if not positions:
        # A query of only stop words ("hoe?") still searches for them.
        positions = list(range(len(all_words)))
    positions = positions[:12]
    raw = [all_words[i] for i in positions]
    known = stats.known_words if stats else frozenset()
    df = stats.df if stats else {}
    groups: list[Group] = []
    stems = [stem(w) for w in raw]
    # What each position may stand for, for synonym matching: the stem and its corrections.
    options: list[set[str]] = []
    heads: list[tuple[str, str] | None] = []  # a compound's (modifier, head), folded
    loose: list[set[str]] = []  # options plus a compound's head, for gap phrases
    for w, s in zip(raw, stems, strict=True):
        g = Group(w)
        g.add((s,), W_EXACT, "exact")
        opts = {s}
        if stats is not None and s not in df:
            # Forms Snowball leaves apart: werkt/werk, hoger/hoog, lampje/lamp.
            for v in inflection_variants(w):
                t = stem(v)
                if t in df:
                    g.add((t,), W_VARIANT, "variant")
                    opts.add(t)
        parts = split_compound(w, known)
        heads.append(("".join(parts[:-1]), parts[-1]) if parts else None)
        if parts:
            g.add(tuple(stem(p) for p in parts), W_PARTS, "compound")
        elif stats is not None and s not in df and len(g.alternatives) == 1:
            # A slip inside a compound nobody wrote before: "omvormertsoring".
            slipped = _split_with_slip(w, stats)
            if slipped:
                g.add(tuple(stem(p) for p in slipped), W_PARTS * W_TYPO, "compound typo")
        if stats is not None and s not in df:
            # A verb with its particle stuck on that the articles use without it:
            # "afbetalen" → betalen, "uitprinten" → printen.
            rest = _without_particle(w)
            if rest and stem(rest) in df:
                g.add((stem(rest),), W_PARTS, "particle")
                opts.add(stem(rest))
        if stats is not None and s not in df and len(w) >= 5 and w.isalpha():
            for t in _corrections(w, stats):
                if t in df:
                    g.add((t,), W_TYPO, "typo")
                opts.add(t)  # a corrected synonym still finds its synonyms
        if stats is not None and len(s) >= 5 and not w.isdigit():
            # Compounds the splitter did not know: "verificatie" in "tweestapsverificatie"
            # (its head), "wachtw" typed half-way or "zonnepaneel" in "zonnepaneelreiniging".
            for t in stats.with_suffix(s)[:3] + stats.with_prefix(s)[:3]:
                g.add((t,), W_PREFIX, "affix")
        groups.append(g)
        options.append(opts)
        # The head finds gap phrases too: "stroomprijs … omhoog" is "prijs ~ omhoog" (not
        # adjacent ones: "nieuw emailadres" is no "nieuw adres").
        loose.append(opts | ({stem(parts[-1])} if parts else set()))
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
                # Even when no article uses the joined verb, a synonym may ("brengen … op"
                # is opbrengen, which finds "opbrengst").
                options[raw.index(w)].add(joined)
    _add_synonyms(all_words, positions, groups, options, synonyms, loose)
    if stats is not None:
        _compound_synonyms(groups, heads, stats, synonyms)
    return groups


def _without_particle(word: str) -> str | None:
    """``word`` without a leading separable particle ("afbetalen" → "betalen"), or None."""
    if len(word) < 7 or not word.isalpha():
        return None
    for p in _PARTICLES_LONGEST:
        if word.startswith(p) and len(word) - len(p) >= 5:
            return word[len(p) :]
    return None


def _compound_synonyms(
    groups: list[Group],
    heads: list[tuple[str, str] | None],
    stats: CorpusStats,
    synonyms: Sequence[Sequence[Phrase]],
) -> None:
    """A compound whose head (or modifier) has a one-word synonym finds the compound the
    articles use: "thuisaccu" (accu = batterij) → "thuisbatterij", "stroomtarief" (tarief =
    prijs) → "stroomprijs"."""
    for g, split in zip(groups, heads, strict=False):
        if split is None or not split[0]:
            continue
        modifier, head = split
        for eq in synonyms:
            for mine, make in (
                (head, lambda other, m=modifier: m + other),
                (modifier, lambda other, h=head: other + h),
            ):
                if not any(p.word and p.match == (stem(mine),) for p in eq):
                    continue
                for other in eq:
                    if not other.word or other.word == mine:
                        continue
                    t = stem(make(other.word))
                    if t in stats.df:
                        g.add((t,), W_SYNONYM, "compound synonym")


def _add_synonyms(
    all_words: list[str],
    positions: list[int],
    groups: list[Group],
    options: list[set[str]],
    synonyms: Sequence[Sequence[Phrase]],
    loose: list[set[str]] | None = None,
) -> None:
    """A single word gains its synonyms as alternatives; a phrase ("ligt eruit", "klant
    worden", stop words and all) or an idiom whose words stand apart ("geld … terug") gains
    a group that stands in for the words it spans (one group per span)."""
    group_at = {p: i for i, p in enumerate(positions)}
    opts_all = [
        options[group_at[p]] if p in group_at else {stem(w)} for p, w in enumerate(all_words)
    ]
    loose = loose or options
    loose_all = [
        loose[group_at[p]] if p in group_at else {stem(w)} for p, w in enumerate(all_words)
    ]
    present = set().union(*loose_all) if loose_all else set()
    for eq in synonyms:
        for phrase in eq:
            if not all(m in present for m in phrase.match):
                continue  # the quick test: most phrases share no word with the query
            for spans in _occurrences(phrase, loose_all if phrase.gap else opts_all):
                covers = tuple(sorted({group_at[p] for p in spans if p in group_at}))
                if not covers:
                    continue
                if len(phrase.match) == 1:
                    target = groups[covers[0]]
                else:
                    name = " ".join(all_words[p] for p in sorted(spans))
                    target = next((g for g in groups if g.covers == covers), None)
                    if target is None:
                        target = Group(name, covers=covers, loose=phrase.gap)
                        groups.append(target)
                for other in eq:
                    if other != phrase and other.terms:
                        target.add(other.terms, W_SYNONYM, "synonym")


def _occurrences(phrase: Phrase, opts_all: list[set[str]]) -> list[tuple[int, ...]]:
    """The query positions where ``phrase`` occurs: adjacent and in order, or for a gap
    phrase each word anywhere within ``GAP_WINDOW`` words of its first, in any order."""
    n = len(phrase.match)
    if not phrase.gap:
        return [
            tuple(range(i, i + n))
            for i in range(len(opts_all) - n + 1)
            if all(phrase.match[k] in opts_all[i + k] for k in range(n))
        ]
    where = [[p for p, o in enumerate(opts_all) if m in o] for m in phrase.match]
    if not all(where):
        return []
    found = []
    for start in range(len(opts_all)):
        lo, hi = start, start + GAP_WINDOW
        used: list[int] = []
        for places in where:
            p = next((p for p in places if lo <= p <= hi and p not in used), None)
            if p is None:
                break
            used.append(p)
        else:
            found.append(tuple(sorted(used)))
            break  # once is enough: the set is found
    return found
