"""The project's own cue lexicons (``lexicons/*.txt``): loading, compiling and matching.

The file format is documented in ``lexicons/README.md``. In short, one cue per line::

    label<TAB>weight<TAB>pattern[<TAB>flags]

A pattern is a phrase of *elements* separated by spaces (adjacent words in one clause); ``~``
joins phrases that must occur in the same clause, in any order, a few words apart (Dutch verb
second: "ik pik het niet" / "dit pik ik niet"). An element is alternatives joined by ``|``;
an alternative is a word (matched on its key, so inflected forms match), ``=word`` (exactly
this folded word), ``prefix*``, ``*suffix`` or ``#num`` (a number, in digits or words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from operator import attrgetter

from bereikbaar.text.tokens import Token, fold, key

__all__ = ["Cue", "Match", "CueSet", "cue_set", "word_classes", "emoji_cues", "language_words"]

_WINDOW = 8  # how far apart the phrases of a "~" pattern may be, in words
_NUMBER_LIKE = re.compile(r"[\d.,:]*")  # what a number token's text can hold
_LOW, _KEY = attrgetter("low"), attrgetter("key")  # C-level loops over the words


@dataclass(frozen=True, slots=True)
class Alt:
    kind: str  # "key", "exact", "prefix", "suffix", "num"
    value: str


Element = tuple[Alt, ...]
Phrase = tuple[Element, ...]


@dataclass(frozen=True, slots=True, eq=False)
class Cue:
    label: str
    weight: float
    pattern: str
    phrases: tuple[Phrase, ...]
    flags: frozenset[str]
    resolve: str | None
    line: int


@dataclass(frozen=True, slots=True)
class Match:
    cue: Cue
    start: int  # first word index covered
    positions: tuple[int, ...]  # all word indices covered, sorted

    def text(self, words: list[Token]) -> str:
        return " ".join([words[i].text for i in self.positions])


def _alt(raw: str) -> Alt:
    if raw == "#num":
        return Alt("num", "")
    if raw.startswith("="):
        return Alt("exact", fold(raw[1:]))
    if raw.endswith("*"):
        return Alt("prefix", fold(raw[:-1]))
    if raw.startswith("*"):
        return Alt("suffix", fold(raw[1:]))
    return Alt("key", key(raw))


def _compile(pattern: str) -> tuple[Phrase, ...]:
    phrases = []
    for part in pattern.split("~"):
        elements = tuple(tuple(_alt(a) for a in el.split("|") if a) for el in part.split())
        if not elements or any(not el for el in elements):
            raise ValueError(f"empty element in pattern {pattern!r}")
        phrases.append(elements)
    return tuple(phrases)


class _Element:
    """One element compiled for matching: the word fits when any alternative does. Grouped
    by kind, the alternatives are tested with a few set lookups instead of a loop."""

    __slots__ = ("keys", "exacts", "prefixes", "suffixes", "num", "numwords", "needs")

    def __init__(self, element: Element, numwords: frozenset[str]) -> None:
        self.keys = frozenset(a.value for a in element if a.kind == "key")
        self.exacts = frozenset(a.value for a in element if a.kind == "exact")
        self.prefixes = tuple(a.value for a in element if a.kind == "prefix")
        self.suffixes = tuple(a.value for a in element if a.kind == "suffix")
        self.num = any(a.kind == "num" for a in element)
        self.numwords = numwords
        #: Keys one of which a word must have to fit, or None when that cannot be said (a
        #: prefix, suffix or number alternative). A word's key follows from its folded form,
        #: so an exact alternative needs the key of its (folded, non-number) value.
        self.needs: frozenset[str] | None = None
        if not (self.prefixes or self.suffixes or self.num) and all(
            fold(e) == e and not _NUMBER_LIKE.fullmatch(e) for e in self.exacts
        ):
            self.needs = self.keys | {key(e) for e in self.exacts}

    def fits(self, tok: Token) -> bool:
        low = tok.low
        if tok.key in self.keys or low in self.exacts:
            return True
        if self.prefixes and low.startswith(self.prefixes):
            return True
        if self.suffixes and low.endswith(self.suffixes):
            return True
        return self.num and (tok.number or low in self.numwords)


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A cue ready to match from a word its first element fits: ``rest`` are the first
    phrase's other elements, ``others`` the ``~`` phrases."""

    cue: Cue
    rest: tuple[_Element, ...]
    others: tuple[tuple[_Element, ...], ...]
    #: For the elements not checked by the candidate filter (the first two): key sets each
    #: of which the text must share a key with, else the cue cannot match anywhere in it.
    needs: tuple[frozenset[str], ...]


class _Start:
    """The cues a word can start (:meth:`CueSet._index`), plus ``nexts``: when every one of
    them needs a second word and each such element has ``needs``, their union - a next word
    with none of those keys rules them all out before any pair lookup."""

    __slots__ = ("cues", "nexts")

    def __init__(self, cues: tuple[_Compiled, ...]) -> None:
        self.cues = cues
        self.nexts: frozenset[str] | None = None
        if all(c.rest and c.rest[0].needs is not None for c in cues):
            self.nexts = frozenset().union(*(c.rest[0].needs for c in cues))


def _compile_cue(cue: Cue, numwords: frozenset[str]) -> _Compiled:
    rest = tuple(_Element(el, numwords) for el in cue.phrases[0][1:])
    others = tuple(tuple(_Element(el, numwords) for el in ph) for ph in cue.phrases[1:])
    later = [*rest[1:], *(el for phrase in others for el in phrase)]
    needs = tuple(dict.fromkeys(el.needs for el in later if el.needs is not None))
    return _Compiled(cue, rest, others, needs)


#: Candidate lists are cached per word and per word pair; a cache is emptied when it holds
#: this many entries (names and order numbers make a long-running worker's vocabulary unbounded).
_CACHE_SIZE = 100_000


class CueSet:
    """A compiled lexicon, indexed by what its first element can match."""

    def __init__(self, cues: list[Cue], numwords: frozenset[str]) -> None:
        self.cues = cues
        self.numwords = numwords
        self._by_key: dict[str, list[Cue]] = {}
        self._by_exact: dict[str, list[Cue]] = {}
        self._by_prefix: dict[str, list[tuple[str, Cue]]] = {}
        self._by_suffix: list[tuple[str, Cue]] = []
        self._by_num: list[Cue] = []
        for cue in cues:
            for alt in cue.phrases[0][0]:
                if alt.kind == "key":
                    self._by_key.setdefault(alt.value, []).append(cue)
                elif alt.kind == "exact":
                    self._by_exact.setdefault(alt.value, []).append(cue)
                elif alt.kind == "prefix":
                    self._by_prefix.setdefault(alt.value[:3], []).append((alt.value, cue))
                elif alt.kind == "suffix":
                    self._by_suffix.append((alt.value, cue))
                else:
                    self._by_num.append(cue)
        self._compiled = {cue: _compile_cue(cue, numwords) for cue in cues}
        # When no alternative could match the digits of a number ("#num" aside), every number
        # fits exactly the same elements and can share one cache entry.
        self._numbers_alike = not any(
            alt.kind != "num" and _NUMBER_LIKE.fullmatch(alt.value)
            for cue in cues
            for phrase in cue.phrases
            for element in phrase
            for alt in element
        )
        self._starts: dict[str, _Start | tuple[()]] = {}  # signature -> what it starts
        self._pairs: dict[tuple[str, str | None], tuple[_Compiled, ...]] = {}

    def _index(self, tok: Token) -> tuple[_Compiled, ...]:
        """The cues whose first element fits ``tok``, in index order (which breaks ties)."""
        found: list[Cue] = []
        found += self._by_key.get(tok.key, ())
        found += self._by_exact.get(tok.low, ())
        for prefix, cue in self._by_prefix.get(tok.low[:3], ()):
            if tok.low.startswith(prefix):
                found.append(cue)
        for suffix, cue in self._by_suffix:
            if tok.low.endswith(suffix):
                found.append(cue)
        if tok.number or tok.low in self.numwords:
            found += self._by_num
        # a cue can be indexed under two alternatives of its first element
        return tuple(self._compiled[cue] for cue in dict.fromkeys(found))

    def _signature(self, tok: Token) -> str:
        """What matching can tell apart in a word: its folded form (the key follows from it);
        numbers get a prefix no word can have, and share one when they are all alike."""
        if not tok.number:
            return tok.low
        return "\0#" if self._numbers_alike else "\0" + tok.low

    def _remember(self, cache: dict, sig: object, found: object) -> None:
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        cache[sig] = found

    def _starting(self, tok: Token) -> _Start | tuple[()]:
        """:meth:`_index` of ``tok`` (``()`` when empty), cached under its signature.

        :meth:`matches` looks words up by their folded form, which is their signature; a
        number never has a signature that is some word's folded form. A word that folds to
        digits ("²" -> "2") is not cached, so the number 2 cannot be taken for it.
        """
        sig = self._signature(tok)
        found = self._starts.get(sig)
        if found is None:
            cues = self._index(tok)
            found = _Start(cues) if cues else ()
            if tok.number or not _NUMBER_LIKE.fullmatch(tok.low):
                self._remember(self._starts, sig, found)
        return found

    def _candidates(
        self, starting: tuple[_Compiled, ...], pair: tuple[str, str | None], nxt: Token | None
    ) -> tuple[_Compiled, ...]:
        """The cues of ``starting`` whose second element, if any, fits ``nxt`` (the next word
        of the clause, or None), in the same order, cached under ``pair`` (the signatures).

        Most such cues start with a frequent word ("niet", "de", a number) and fail on the
        next one; :meth:`matches` reads the cache itself.
        """
        found = tuple(
            c for c in starting if not c.rest or (nxt is not None and c.rest[0].fits(nxt))
        )
        self._remember(self._pairs, pair, found)
        return found

    @staticmethod
    def _phrase_at(words: list[Token], phrase: tuple[_Element, ...], i: int) -> bool:
        """Whether ``phrase`` fits the words from ``i`` on, all in the clause of ``words[i]``."""
        if i + len(phrase) > len(words):
            return False
        clause = words[i].clause
        for element in phrase:
            tok = words[i]
            if tok.clause != clause or not element.fits(tok):
                return False
            i += 1
        return True

    def _match_at(self, words: list[Token], c: _Compiled, i: int) -> Match | None:
        """The match of ``c`` whose first word is ``words[i]`` (which its first element fits);
        a ``~`` phrase is looked for in the clause, up to :data:`_WINDOW` words around."""
        n = len(words)
        end = i + 1 + len(c.rest)
        clause = words[i].clause
        if c.rest:
            if end > n:
                return None
            for j, element in enumerate(c.rest, i + 1):
                tok = words[j]
                if tok.clause != clause or not element.fits(tok):
                    return None
        if not c.others:
            return Match(c.cue, i, tuple(range(i, end)))
        positions = list(range(i, end))
        lo, hi = max(0, i - _WINDOW), min(n, end + _WINDOW)
        for phrase in c.others:
            hit = None
            for j in range(lo, hi):
                if words[j].clause != clause or j in positions:
                    continue
                if self._phrase_at(words, phrase, j):
                    span = range(j, j + len(phrase))
                    if not any(p in positions for p in span):
                        hit = span
                        break
            if hit is None:
                return None
            positions.extend(hit)
        positions.sort()
        return Match(c.cue, positions[0], tuple(positions))

    def matches(self, words: list[Token]) -> list[Match]:
        """Every cue occurrence, longest and heaviest first, without overlaps.

        A word covered by a longer cue ("bedankt voor niks", "alvast bedankt") is not counted
        again by a shorter one ("bedankt").

        This runs twice for every inbound message, so cues are ruled out before any is tried:
        by the word (``_starts``), by the next word (``_Start.nexts``, then ``_candidates``
        per word pair) and by the keys of the whole text (``_Compiled.needs``). Each filter
        drops only cues that cannot match there and keeps the index order, so the result is
        the same as trying every cue at every word.
        """
        found: list[Match] = []
        last = len(words) - 1
        keys: set[str] | None = None  # the text's word keys, for _Compiled.needs
        # one C-level dict lookup per word (most start no cue at all)
        for i, start in enumerate(map(self._starts.get, map(_LOW, words))):
            if start is None:  # a word not seen yet, or a number
                start = self._starting(words[i])
            if not start:
                continue
            tok = words[i]
            nxt = words[i + 1] if i < last else None
            if nxt is not None and nxt.clause != tok.clause:
                nxt = None
            if start.nexts is not None and (nxt is None or nxt.key not in start.nexts):
                continue
            pair = (
                tok.low if not tok.number else self._signature(tok),
                None if nxt is None else nxt.low if not nxt.number else self._signature(nxt),
            )
            candidates = self._pairs.get(pair)
            if candidates is None:
                candidates = self._candidates(start.cues, pair, nxt)
            for c in candidates:
                if c.needs:
                    if keys is None:
                        keys = set(map(_KEY, words))
                    if any(map(keys.isdisjoint, c.needs)):
                        continue  # a word the cue needs is nowhere in the text
                m = self._match_at(words, c, i)
                if m is not None:
                    found.append(m)
        if len(found) < 2:
            return found
        found.sort(key=lambda m: (-len(m.positions), -m.cue.weight, m.start))
        taken: set[int] = set()
        kept: list[Match] = []
        for m in found:
            if taken.isdisjoint(m.positions):
                kept.append(m)
                taken.update(m.positions)
        kept.sort(key=lambda m: m.start)
        return kept


def _lines(name: str) -> list[tuple[int, list[str]]]:
    text = resources.files("bereikbaar.text.lexicons").joinpath(name).read_text(encoding="utf-8")
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        out.append((n, line.rstrip("\n").split("\t")))
    return out


@cache
def word_classes() -> dict[str, frozenset[str]]:
    """``words.txt``: named word classes (negators, intensifiers, ...), folded."""
    return {cols[0]: frozenset(fold(w) for w in cols[1].split()) for _, cols in _lines("words.txt")}


@cache
def cue_set(name: str) -> CueSet:
    """Load and compile ``lexicons/<name>.txt`` (``emotion`` or ``urgency``)."""
    cues = []
    for n, cols in _lines(f"{name}.txt"):
        if len(cols) < 3:
            raise ValueError(f"{name}.txt line {n}: expected label, weight, pattern")
        flags = frozenset(cols[3].split(",")) if len(cols) > 3 and cols[3] else frozenset()
        resolve = next((f.split("=", 1)[1] for f in flags if f.startswith("resolve=")), None)
        cues.append(
            Cue(
                label=cols[0],
                weight=float(cols[1]),
                pattern=cols[2],
                phrases=_compile(cols[2]),
                flags=frozenset(f for f in flags if not f.startswith("resolve=")),
                resolve=resolve,
                line=n,
            )
        )
    return CueSet(cues, word_classes().get("numword", frozenset()))


@cache
def emoji_cues() -> dict[str, tuple[str, float]]:
    """``emoji.txt``: emoji → (label, weight)."""
    return {cols[0]: (cols[1], float(cols[2])) for _, cols in _lines("emoji.txt")}


@cache
def language_words() -> dict[str, frozenset[str]]:
    """``language.txt``: language code → frequent short words."""
    return {
        cols[0]: frozenset(fold(w) for w in cols[1].split()) for _, cols in _lines("language.txt")
    }
