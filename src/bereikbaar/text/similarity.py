"""Same-question detection for two messages of one customer (Dutch and English).

Pure Python (no Django). :func:`compare` answers "do these two texts ask the same question?"
with a decision, a score in 0..1 and the reasons behind it, in three steps:

1. **Facts.** Order numbers, amounts, IBANs, postcodes, dates, phone numbers, e-mail addresses
   and percentages are read from both texts and normalised (``€ 1.250,00`` = ``1250 euro``,
   ``NL91 ABNA 0417 1643 00`` = ``NL91ABNA0417164300``, ``3511 AB`` = ``3511ab``). When both
   texts name a fact of one kind and each names one the other does not, they are about
   different things: *different questions*, whatever the wording.
2. **Question type.** Each text's asks (where is it, cancel, return, refund, change, …) are
   read from a small bilingual cue list. Two texts whose asks differ both ways ask different
   questions about the same thing ("waar blijft 482913" vs "kan ik 482913 annuleren").
3. **Overlap.** The rest is word overlap after folding, stemming and compound splitting, with
   Dutch and English cue words mapped onto shared concepts (pakket = bestelling = order), plus
   a bonus for facts both texts share. Above :data:`THRESHOLD` it is the same question.

The research behind this (docs: research/dutch-nlp.md §3.2) found surface similarity alone
cannot tell "same topic" from "same question"; the fact and question-type vetoes are what
make the decision, the overlap score only ranks.

The parts live in their own modules: :mod:`bereikbaar.text.facts` (extraction of facts),
:mod:`bereikbaar.text.concepts` (the cue vocabulary and question types),
:mod:`bereikbaar.text.reading` (one text's facts, concepts and words); this module compares.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bereikbaar.text.concepts import ask_conflict, compatible
from bereikbaar.text.facts import DE_WORDS, FACT_NAMES, Fact, by_kind, facts
from bereikbaar.text.reading import Reading, read
from bereikbaar.text.tokens import clean

__all__ = ["THRESHOLD", "THRESHOLD_ONE_ASK", "Comparison", "compare", "facts"]

#: Overlap score at or above which two texts without a veto count as the same question.
THRESHOLD = 0.34
#: The threshold when only one of the texts names its ask (question type).
THRESHOLD_ONE_ASK = 0.6
_CONCEPT_WEIGHT = 2.0
_WORD_WEIGHT = 1.0
_FACT_BONUS = 0.25
_VETO_FACTOR = 0.3  # a vetoed pair's score: its overlap times this, so always below THRESHOLD
_MAX_CHARS = 5_000


@dataclass
class Comparison:
    same: bool
    score: float
    reasons: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"same": self.same, "score": self.score, "reasons": self.reasons}


def _fact_conflicts(a: list[Fact], b: list[Fact]) -> tuple[list[str], list[str]]:
    """(conflicts, shared) as reasons."""
    by_a, by_b = by_kind(a), by_kind(b)
    shown = {(f.kind, f.value): f.shown for f in a + b}
    conflicts, shared = [], []
    for kind in sorted(by_a.keys() & by_b.keys()):
        only_a, only_b = by_a[kind] - by_b[kind], by_b[kind] - by_a[kind]
        for value in sorted(by_a[kind] & by_b[kind]):
            shared.append(f"zelfde {FACT_NAMES[kind]}: {shown[(kind, value)]}")
        if only_a and only_b:
            left = ", ".join(shown[(kind, v)] for v in sorted(only_a))
            right = ", ".join(shown[(kind, v)] for v in sorted(only_b))
            other = "andere" if kind in DE_WORDS else "ander"
            conflicts.append(f"{other} {FACT_NAMES[kind]}: {left} ≠ {right}")
    return conflicts, shared


def _overlap(a: Reading, b: Reading) -> tuple[float, list[str], list[str]]:
    shared_c = a.concepts & b.concepts
    shared_s = a.stems & b.stems
    weight_shared = _CONCEPT_WEIGHT * len(shared_c) + _WORD_WEIGHT * len(shared_s)
    weight_a = _CONCEPT_WEIGHT * len(a.concepts) + _WORD_WEIGHT * len(a.stems)
    weight_b = _CONCEPT_WEIGHT * len(b.concepts) + _WORD_WEIGHT * len(b.stems)
    if not weight_a or not weight_b:
        return 0.0, [], []
    # Dice, softened towards the shorter text: a WhatsApp line is a summary of the email.
    dice = 2 * weight_shared / (weight_a + weight_b)
    cover = weight_shared / min(weight_a, weight_b)
    return (dice + cover) / 2, sorted(shared_c), sorted(shared_s)


def compare(a: object, b: object) -> Comparison:
    """Do ``a`` and ``b`` (two messages of one customer) ask the same question?"""
    ca, cb = clean(a), clean(b)
    if ca.unusable or cb.unusable:
        why = ca.unusable or cb.unusable
        return Comparison(False, 0.0, [f"niet te vergelijken: {why}"])
    ra, rb = read(ca.text[:_MAX_CHARS]), read(cb.text[:_MAX_CHARS])
    conflicts, shared_facts = _fact_conflicts(ra.facts, rb.facts)
    score, shared_c, shared_s = _overlap(ra, rb)
    one_ask = (ra.asks or rb.asks) and not ra.asks & rb.asks and not compatible(ra.asks, rb.asks)
    if shared_facts and not one_ask:
        # A shared order number says "same thing", not "same question": it only helps when
        # the asks agree.
        score = min(1.0, score + _FACT_BONUS)
    score = round(score, 3)
    reasons: list[str] = []
    reasons += shared_facts
    if shared_c:
        reasons.append("zelfde begrippen: " + ", ".join(c.split("_")[-1] for c in shared_c))
    if shared_s:
        reasons.append("zelfde woorden: " + ", ".join(shared_s))
    # A veto keeps the score below the threshold (the overlap still ranks vetoed pairs).
    vetoed = round(score * _VETO_FACTOR, 3)
    if conflicts:
        return Comparison(False, vetoed, conflicts + reasons)
    if ask_conflict(ra.asks, rb.asks):
        left = ", ".join(sorted(c.split("_", 1)[1] for c in ra.asks - rb.asks))
        right = ", ".join(sorted(c.split("_", 1)[1] for c in rb.asks - ra.asks))
        return Comparison(False, vetoed, [f"andere vraag: {left} ≠ {right}", *reasons])
    threshold = THRESHOLD
    if one_ask:
        # Only one of them says what it asks: the shared words must carry more.
        threshold = THRESHOLD_ONE_ASK
        asked = ", ".join(sorted(c.split("_", 1)[1] for c in ra.asks | rb.asks))
        reasons.append(f"alleen één bericht zegt wat het vraagt ({asked})")
    same = score >= threshold
    verdict = f"overeenkomst {score:.2f} {'≥' if same else '<'} {threshold:.2f}"
    return Comparison(same, score, [verdict, *reasons])
