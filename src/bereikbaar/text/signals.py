"""Emotion, urgency and language signals for one customer message, with their reasons.

Pure Python, no Django, no models to download. :func:`analyse` never raises: empty, huge,
binary and HTML input give neutral signals with a reason saying why.

Scoring, in order:

1. Cue lexicons (``lexicons/emotion.txt``, ``lexicons/urgency.txt``) are matched on word keys,
   longest cue first, so "bedankt voor niks" wins over "bedankt" and "alvast bedankt" is
   politeness, not gratitude.
2. Each match is checked against its context:

   * negation: a negator up to three words before the cue *in the same clause* cancels it
     ("niet boos"); the clause ends at punctuation and at "maar"/"want", so "geen warm water.
     Wanneer komt …" keeps its second sentence;
   * intensifiers ("echt", "heel", "zo") before a cue multiply it by 1.5, diminishers
     ("een beetje") by 0.6;
   * cues flagged ``noq`` do not count in a question ("Wanneer wordt dit opgelost?" is not
     relief), cues flagged ``q`` count only in one;
   * ambiguous words are resolved from the sentence: *bezorgd* is worry after "ben/erg/heel" or
     before "over/om/dat", and delivery next to a parcel word; *afgesloten* is a cut-off next to
     power, gas, water or internet, and a product taken out next to insurance or a contract;
   * a bare "bedankt" after a question or request is politeness, not gratitude;
   * sarcasm ("bedankt voor niks", "geweldig hoor" in a complaint, 🙄) counts as anger and turns
     the message's gratitude cues into anger.
3. Typography adds to the leading emotion: "!!" runs, SHOUTING in capitals (anger when nothing
   else leads); "??" adds impatience. Emoji carry their own weights.
4. Behavioural signals (:class:`Behaviour`) add impatience with their own reasons.

Raw sums become scores in 0..1 with ``1 - exp(-raw / 1.5)``; the primary emotion is the
highest raw sum when it reaches :data:`THRESHOLD`, otherwise ``neutral``. Urgency is
``1 - exp(-raw)`` over urgency cues plus a share of the nervous and angry scores; ``urgent``
means urgency ≥ :data:`URGENT_AT`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from bereikbaar.text import language as _language
from bereikbaar.text.evidence import (
    EMOTIONS,
    Evidence,
    Reason,
    gather,
    leading_emotion,
    raw_weights,
)

__all__ = [
    "EMOTIONS",
    "MAX_REASONS",
    "THRESHOLD",
    "URGENT_AT",
    "Behaviour",
    "Reason",
    "Signals",
    "analyse",
    "behaviour_reasons",
    "gather",
    "Evidence",
]

#: Raw cue weight an emotion needs to become the primary label.
THRESHOLD = 1.0
#: Urgency (0..1) from which a message counts as urgent.
URGENT_AT = 0.5
#: At most this many reasons are listed (a huge text can hold hundreds of cues).
MAX_REASONS = 40
_SCALE = 1.5


@dataclass(frozen=True, slots=True)
class Behaviour:
    """What the platform knows about the contact that the text cannot show."""

    #: Earlier contacts by this customer in the last 48 hours (a bool counts as 0 or 1).
    repeat_contacts_48h: int = 0
    #: The customer wrote on a second channel while a case was open.
    second_channel_while_open: bool = False
    #: Minutes the customer has already waited (queue, hold, unanswered).
    minutes_waited: float = 0.0
    #: An earlier promise (a callback, a deadline) was not kept.
    broken_promise: bool = False


@dataclass
class Signals:
    language: str
    emotion: str
    scores: dict[str, float]
    urgent: bool
    urgency: float
    reasons: list[Reason] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "emotion": self.emotion,
            "scores": dict(self.scores),
            "urgent": self.urgent,
            "urgency": self.urgency,
            "reasons": [r.as_dict() for r in self.reasons],
        }


def _score(raw: float) -> float:
    return round(1.0 - math.exp(-max(raw, 0.0) / _SCALE), 3) if raw > 0 else 0.0


def _finite(x: object) -> float:
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return v if math.isfinite(v) and v > 0 else 0.0


def behaviour_reasons(b: Behaviour | None) -> list[Reason]:
    """Impatience from behaviour: pure arithmetic on plain numbers and booleans."""
    if b is None:
        return []
    out = []
    repeats = min(int(_finite(b.repeat_contacts_48h)), 3)
    if repeats:
        label = "1 earlier contact" if repeats == 1 else f"{repeats} earlier contacts"
        out.append(Reason("impatient", f"{label} within 48 h", 0.8 * repeats, note="behaviour"))
    if b.second_channel_while_open:
        out.append(
            Reason("impatient", "second channel while a case is open", 0.8, note="behaviour")
        )
    minutes = _finite(b.minutes_waited)
    if minutes >= 10:
        weight = min(1.5, 0.5 + (minutes - 10) / 50)
        out.append(Reason("impatient", f"waited {minutes:.0f} min", weight, note="behaviour"))
    if b.broken_promise:
        out.append(Reason("impatient", "earlier promise not kept", 1.2, note="behaviour"))
    return out


# --- the scorer ------------------------------------------------------------------------------


def _neutral(language: str, reason: str, notes: list[str]) -> Signals:
    reasons = [Reason("neutral", n, 0.0, note="input") for n in notes]
    reasons.append(Reason("neutral", reason, 0.0, note="input"))
    return Signals(language, "neutral", dict.fromkeys(EMOTIONS, 0.0), False, 0.0, reasons)


def analyse(text: object, behaviour: Behaviour | None = None) -> Signals:
    """Language, emotion scores and urgency of one message, with every reason. Never raises."""
    try:
        return _analyse(text, behaviour)
    except Exception as exc:  # noqa: BLE001 - signals assist; they must never break intake
        return _neutral(_language.DEFAULT, f"could not analyse: {type(exc).__name__}", [])


def _analyse(text: object, behaviour: Behaviour | None) -> Signals:
    extra = behaviour_reasons(behaviour)
    evidence = gather(text)
    if evidence.neutral:
        signals = Signals(
            evidence.language,
            "neutral",
            dict.fromkeys(EMOTIONS, 0.0),
            False,
            0.0,
            list(evidence.opening),
        )
        return _with_behaviour(signals, extra) if extra else signals
    emotion = [*evidence.emotion, *extra, *evidence.alarm]
    reasons = [*evidence.opening, *emotion, *evidence.urgency]
    return _finish(evidence.language, raw_weights(emotion), list(evidence.urgency), reasons)


def _finish(
    lang: str, raw: dict[str, float], urgency_reasons: list[Reason], reasons: list[Reason]
) -> Signals:
    scores = {e: _score(raw[e]) for e in EMOTIONS}
    leading = leading_emotion(raw)
    emotion = leading if leading and raw[leading] >= THRESHOLD else "neutral"
    u_raw = sum(r.weight for r in urgency_reasons)
    u_raw += 0.15 * scores["nervous"] + 0.1 * scores["angry"] + 0.05 * scores["impatient"]
    urgency = round(1.0 - math.exp(-u_raw), 3) if u_raw > 0 else 0.0
    if len(reasons) > MAX_REASONS:
        hidden = len(reasons) - MAX_REASONS
        reasons = reasons[:MAX_REASONS]
        reasons.append(Reason("neutral", f"{hidden} more reasons not listed", 0.0, note="input"))
    return Signals(lang, emotion, scores, urgency >= URGENT_AT, urgency, reasons)


def _with_behaviour(signals: Signals, extra: list[Reason]) -> Signals:
    raw = raw_weights(extra)
    return _finish(signals.language, raw, [], signals.reasons + extra)
