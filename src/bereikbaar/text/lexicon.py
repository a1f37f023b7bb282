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

from dataclasses import dataclass
from functools import cache
from importlib import resources

from bereikbaar.text.tokens import Token, fold, key

__all__ = ["Cue", "Match", "CueSet", "cue_set", "word_classes", "emoji_cues", "language_words"]

_WINDOW = 8  # how far apart the phrases of a "~" pattern may be, in words


@dataclass(frozen=True, slots=True)
class Alt:
    kind: str  # "key", "exact", "prefix", "suffix", "num"
    value: str

    def test(self, tok: Token, numwords: frozenset[str]) -> bool:
        k = self.kind
        if k == "key":
            return tok.key == self.value
        if k == "exact":
            return tok.low == self.value
        if k == "prefix":
            return tok.low.startswith(self.value)
        if k == "suffix":
            return tok.low.endswith(self.value)
        return tok.number or tok.low in numwords


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
        return " ".join(words[i].text for i in self.positions)


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

    def _candidates(self, tok: Token) -> list[Cue]:
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
        return list(dict.fromkeys(found))

    def _phrase_at(self, words: list[Token], phrase: Phrase, i: int) -> bool:
        if i + len(phrase) > len(words):
            return False
        clause = words[i].clause
        for offset, element in enumerate(phrase):
            tok = words[i + offset]
            if tok.clause != clause or not any(a.test(tok, self.numwords) for a in element):
                return False
        return True

    def _match_at(self, words: list[Token], cue: Cue, i: int) -> Match | None:
        first = cue.phrases[0]
        if not self._phrase_at(words, first, i):
            return None
        positions = list(range(i, i + len(first)))
        clause = words[i].clause
        for phrase in cue.phrases[1:]:
            lo = max(0, i - _WINDOW)
            hi = min(len(words), i + len(first) + _WINDOW)
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
        return Match(cue, positions[0], tuple(positions))

    def matches(self, words: list[Token]) -> list[Match]:
        """Every cue occurrence, longest and heaviest first, without overlaps.

        A word covered by a longer cue ("bedankt voor niks", "alvast bedankt") is not counted
        again by a shorter one ("bedankt").
        """
        found: list[Match] = []
        for i, tok in enumerate(words):
            for cue in self._candidates(tok):
                m = self._match_at(words, cue, i)
                if m is not None:
                    found.append(m)
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
