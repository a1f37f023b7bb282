"""Typo tolerance for help-centre search: which of the help centre's own words a customer
meant.

Pure Python (no Django). :class:`TypoIndex` holds the words of the articles (and of the
synonym lists) and answers :meth:`TypoIndex.near`: words one edit away (insert, delete,
substitute, swap of neighbours), and for long words, where customers make more slips
("wachtwooordherstel", "teruglveerkosten"), two edits away. One edit uses a table of
single deletions (fast for any vocabulary); two edits scan only the words with the same first
letter and a similar length, because customers rarely get the first letter wrong.
"""

from __future__ import annotations

from collections.abc import Iterable

from bereikbaar.text.dutch import osa_distance

__all__ = ["TWO_EDITS_FROM", "TypoIndex"]

#: Words at least this long may be two edits away from what was meant.
TWO_EDITS_FROM = 9


def _deletes1(term: str) -> set[str]:
    out = {term}
    for i in range(len(term)):
        out.add(term[:i] + term[i + 1 :])
    return out


class TypoIndex:
    def __init__(self, vocabulary: Iterable[str]) -> None:
        self.words = frozenset(w for w in vocabulary if len(w) >= 4)
        self._deletes: dict[str, set[str]] = {}
        self._by_first: dict[str, list[str]] = {}
        for w in self.words:
            for d in _deletes1(w):
                self._deletes.setdefault(d, set()).add(w)
            self._by_first.setdefault(w[0], []).append(w)

    def near(self, word: str) -> list[str]:
        """Known words close to the folded ``word`` (not ``word`` itself), nearest first, then
        alphabetical; empty when ``word`` is known or nothing is close."""
        if word in self.words or len(word) < 4:
            return []
        found: set[str] = set()
        for d in _deletes1(word):
            found |= self._deletes.get(d, set())
        one = sorted(w for w in found if w != word and osa_distance(word, w, 1) <= 1)
        if one or len(word) < TWO_EDITS_FROM:
            return one
        two = [
            w
            for w in self._by_first.get(word[0], ())
            if abs(len(w) - len(word)) <= 2 and osa_distance(word, w, 2) <= 2
        ]
        return sorted(two)
