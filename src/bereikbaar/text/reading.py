"""What one message says, for same-question detection: its facts, concepts and words.

Pure Python (no Django). :func:`read` turns a cleaned text into a :class:`Reading`: the facts
of :mod:`bereikbaar.text.facts`, the concepts and asks of :mod:`bereikbaar.text.concepts`, and
the stems of the remaining words (compound parts included). Cached, because one message is
compared with many.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from bereikbaar.text.concepts import ASK_PREFIXES, MULTI_CUES, in_order, word_concepts
from bereikbaar.text.dutch import STOPWORDS, split_compound, stem, words
from bereikbaar.text.facts import Fact, facts

__all__ = ["Reading", "read"]


@dataclass
class Reading:
    concepts: set[str] = field(default_factory=set)
    stems: set[str] = field(default_factory=set)
    facts: list[Fact] = field(default_factory=list)

    @property
    def asks(self) -> set[str]:
        return {c for c in self.concepts if c.startswith(ASK_PREFIXES)}


@lru_cache(maxsize=4_096)
def read(text: str) -> Reading:
    reading = Reading(facts=facts(text))
    fact_words = {w for f in reading.facts for w in words(f.shown)}
    tokens = words(text)
    for cue in MULTI_CUES:
        if in_order(tokens, cue.words):
            reading.concepts.add(cue.concept)
    for w in tokens:
        if w in STOPWORDS or w in fact_words or w.isdigit():
            continue
        hit = word_concepts(w)
        if not hit:
            for part in split_compound(w):
                hit |= word_concepts(part)
        if hit:
            reading.concepts |= hit
        elif len(w) > 2:
            reading.stems.add(stem(w))
            for part in split_compound(w):
                reading.stems.add(stem(part))
    return reading
