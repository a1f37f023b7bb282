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
import re
from dataclasses import dataclass, field
from typing import Any

from bereikbaar.text import language as _language
from bereikbaar.text.lexicon import Match, cue_set, emoji_cues, word_classes
from bereikbaar.text.tokens import Token, Tokens, clean, tokenise

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
]

EMOTIONS = ("nervous", "angry", "impatient", "grateful")
#: Raw cue weight an emotion needs to become the primary label.
THRESHOLD = 1.0
#: Urgency (0..1) from which a message counts as urgent.
URGENT_AT = 0.5
#: At most this many reasons are listed (a huge text can hold hundreds of cues).
MAX_REASONS = 40
_SCALE = 1.5
_NEGATION_REACH = 3
_INTENSIFIER_REACH = 2
_SARCASM_EMOJI = frozenset({"🙄", "😒"})
_AGAIN = frozenset({"weer", "alweer", "again"})
_TIE_ORDER = {"angry": 0, "nervous": 1, "impatient": 2, "grateful": 3}
_BY_TIE_ORDER = tuple(sorted(_TIE_ORDER, key=_TIE_ORDER.__getitem__))
# In ASCII, a word of three or more characters in capitals has two capitals in a row (or
# around an apostrophe: "A'B").
_ASCII_CAPS = re.compile(r"[A-Z]'?[A-Z]")


@dataclass(frozen=True, slots=True)
class Reason:
    """One point of evidence: which label, which words or signal, how much weight."""

    label: str  # an emotion, "urgent", "neutral" or "language"
    cue: str
    weight: float
    kind: str | None = None  # for urgency: time, service, money, security, escalation
    note: str | None = None  # negated, intensified, sarcasm, politeness, behaviour, ...

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"label": self.label, "cue": self.cue, "weight": round(self.weight, 2)}
        if self.kind:
            d["kind"] = self.kind
        if self.note:
            d["note"] = self.note
        return d


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


# --- context rules ---------------------------------------------------------------------------


def _sentence_words(words: list[Token], sentence: int) -> list[Token]:
    return [t for t in words if t.sentence == sentence]


def _negated(words: list[Token], m: Match, negators: frozenset[str]) -> Token | None:
    clause = words[m.start].clause
    for j in range(m.start - 1, max(-1, m.start - 1 - _NEGATION_REACH), -1):
        if words[j].clause != clause:
            break
        if words[j].low in negators:
            return words[j]
    return None


def _modifier(words: list[Token], m: Match, classes: dict[str, frozenset[str]]) -> float:
    clause = words[m.start].clause
    for j in range(m.start - 1, max(-1, m.start - 1 - _INTENSIFIER_REACH), -1):
        if words[j].clause != clause or j in m.positions:
            break
        if words[j].low in classes["intensifier"]:
            return 1.5
        if words[j].low in classes["diminisher"]:
            return 0.85
    return 1.0


def _resolve_bezorgd(words: list[Token], m: Match, classes: dict[str, frozenset[str]]) -> str:
    """'worry' or 'delivered' for bezorgd (worried / delivered)."""
    i = m.start
    nxt = words[i + 1].low if i + 1 < len(words) and words[i + 1].clause == words[i].clause else ""
    if nxt in classes["emotion_after"]:
        return "worry"
    before = {words[j].low for j in range(max(0, i - 3), i) if words[j].clause == words[i].clause}
    if before & {"wordt", "worden", "werd", "werden", "is", "zijn", "zou", "gaat", "wanneer"} and (
        {t.low for t in _sentence_words(words, words[i].sentence)} & classes["delivery"]
    ):
        return "delivered"
    if before & classes["state"]:
        return "worry"
    sentence = {t.low for t in _sentence_words(words, words[i].sentence)}
    if sentence & classes["delivery"] or before & {"wordt", "worden", "werd", "is", "gaat"}:
        return "delivered"
    return "worry" if sentence & {"ik", "we", "wij", "me", "mij"} else "delivered"


def _resolve_afgesloten(words: list[Token], m: Match, classes: dict[str, frozenset[str]]) -> str:
    """'cut off' or 'taken out' for afgesloten/afsluiten."""
    sentence = {t.low for t in _sentence_words(words, words[m.start].sentence)}
    product = any(w.endswith(p) for w in sentence for p in classes["product"])
    if product and sentence & {"heb", "hebt", "heeft", "hebben", "had", "wil", "wilt", "willen"}:
        return "taken out"  # "ik heb een (internet)abonnement afgesloten", "wil ... afsluiten"
    if sentence & classes["utility"] or sentence & {"dreigen", "dreigt", "dreiging", "worden"}:
        return "cut off"
    if product:
        return "taken out"
    return "cut off" if sentence & {"wordt", "word", "ben", "zijn", "zitten"} else "taken out"


# --- the scorer ------------------------------------------------------------------------------


def _neutral(language: str, reason: str, notes: list[str]) -> Signals:
    reasons = [Reason("neutral", n, 0.0, note="input") for n in notes]
    reasons.append(Reason("neutral", reason, 0.0, note="input"))
    return Signals(language, "neutral", dict.fromkeys(EMOTIONS, 0.0), False, 0.0, reasons)


def _sarcastic(
    words: list[Token],
    m: Match,
    positive: set[int],
    complaint: frozenset[str],
    strong: frozenset[str],
) -> bool:
    """Praise in a complaint: "Geweldig hoor, weer niks", "Great, another broken delivery".

    Praise followed by "hoor" is sarcastic when the message holds any complaint word (niet,
    geen, weer, ...); other praise only when its own sentence holds a strong one (weer, kapot,
    another, ...), so "Geweldig geholpen, ik had niet verwacht ..." stays gratitude.
    """
    nxt = m.positions[-1] + 1
    hoor = nxt < len(words) and words[nxt].low == "hoor"
    sentence = words[m.start].sentence
    for i, t in enumerate(words):
        if i in positive:
            continue
        if hoor and t.low in complaint:
            return True
        if t.sentence != sentence:
            continue
        if t.low in strong:
            return True
        if t.low in _AGAIN and i + 1 < len(words):
            # "weer een storing", "weer niks" - but not "nu kan ik weer verder"
            after = words[i + 1].low
            if after in complaint or after in {"een", "a", "another"}:
                return True
    return False


def _request_sentences(words: list[Token], classes: dict[str, frozenset[str]]) -> set[int]:
    """The sentences holding a request word ("graag", "kunt", ...): one pass for all."""
    request = classes["request"]
    return {t.sentence for t in words if t.low in request}


def _emotion_reasons(toks: Tokens, classes: dict[str, frozenset[str]]) -> list[Reason]:
    words = toks.words
    negators = classes["negator"]
    matches = cue_set("emotion").matches(words)
    reasons: list[Reason] = []
    sarcasm = bool(_SARCASM_EMOJI.intersection(toks.emoji))
    positive = {p for m in matches if m.cue.label == "grateful" for p in m.positions}
    complaint = classes["complaint"]
    requests: set[int] | None = None  # computed for the first "thanks" cue only
    for m in matches:
        cue = m.cue
        text = m.text(words)
        flags = cue.flags
        sentence = words[m.start].sentence
        if "sarcasm?" in flags:
            outside = {t.low for i, t in enumerate(words) if i not in m.positions}
            if not (outside & complaint) and not sarcasm:
                continue
        if "posadj" in flags and _sarcastic(words, m, positive, complaint, classes["sarcasm"]):
            sarcasm = True
            reasons.append(Reason("angry", text, 1.2, note="sarcasm"))
            continue
        if "noq" in flags and sentence in toks.questions:
            continue
        if "q" in flags and sentence not in toks.questions:
            continue
        if cue.resolve == "bezorgd":
            sense = _resolve_bezorgd(words, m, classes)
            if sense != "worry":
                reasons.append(Reason(cue.label, text, 0.0, note=f"ambiguous: read as {sense}"))
                continue
        neg = _negated(words, m, negators)
        if neg is not None and not ({"sarcasm", "sarcasm?"} & flags):
            reasons.append(Reason(cue.label, f"{neg.text} {text}", 0.0, note="negated"))
            continue
        weight = cue.weight
        note = None
        factor = _modifier(words, m, classes)
        if factor != 1.0:
            weight *= factor
            note = "intensified" if factor > 1 else "softened"
        if "sarcasm" in flags or "sarcasm?" in flags:
            sarcasm = True
            note = "sarcasm"
        elif "polite" in flags:
            note = "politeness"
        elif "thanks" in flags and factor == 1.0:
            nxt = m.positions[-1] + 1
            bare = nxt >= len(words) or words[nxt].low not in {"voor", "for", "daarvoor"}
            if requests is None:
                requests = _request_sentences(words, classes)
            earlier_request = any(
                s in toks.questions or s in requests for s in range(sentence)
            ) or (sentence in toks.questions and m.start > 0)
            if bare and earlier_request:
                weight = 0.3
                note = "politeness"
        reasons.append(Reason(cue.label, text, weight, note=note))
    if sarcasm:
        reasons = [
            Reason("angry", r.cue, r.weight, note="sarcasm")
            if r.label == "grateful" and r.weight > 0 and r.note != "politeness"
            else r
            for r in reasons
        ]
    for e in toks.emoji[:20]:
        found = emoji_cues().get(e)
        if found and sum(1 for r in reasons if r.cue == e) < 2:
            label, weight = found
            if sarcasm and label == "grateful":
                label = "angry"
            reasons.append(Reason(label, e, weight, note="emoji"))
    return reasons


def _typography(text: str, toks: Tokens, raw: dict[str, float]) -> list[Reason]:
    out: list[Reason] = []
    # what a run must hold, tested on all of them at once: most texts skip the counting
    marks = "".join(toks.punct)
    bangs = 0
    if marks.count("!") >= 2:
        bangs = sum(1 for p in toks.punct if p.count("!") >= 2)
    if bangs and (leading := _leading(raw)):
        out.append(Reason(leading, "!!", min(0.8, 0.4 * bangs), note="typography"))
    asks = 0
    if marks.count("?") >= 2 or ("?" in marks and "!" in marks):
        asks = sum(1 for p in toks.punct if p.count("?") >= 2 or ("?" in p and "!" in p))
    if asks:
        out.append(Reason("impatient", "??", min(1.0, 0.6 * asks), note="typography"))
    if text.isascii() and not _ASCII_CAPS.search(text):
        return out  # no word of three or more in capitals: skip looking at every word
    long_words = [t for t in toks.words if len(t.text) >= 3 and not t.number]
    shouted = [t for t in long_words if t.text.isupper()]
    if len(shouted) >= 3 and len(shouted) >= 0.5 * len(long_words):
        cue = " ".join(t.text for t in shouted[:4])
        out.append(Reason(_leading(raw) or "angry", cue, 1.0, note="capitals"))
    return out


def _leading(raw: dict[str, float]) -> str | None:
    best = max(_BY_TIE_ORDER, key=raw.__getitem__)  # the first of equals: ties by _TIE_ORDER
    return best if raw[best] > 0 else None


def _urgency_reasons(toks: Tokens, classes: dict[str, frozenset[str]]) -> list[Reason]:
    words = toks.words
    out = []
    for m in cue_set("urgency").matches(words):
        cue = m.cue
        text = m.text(words)
        sentence = words[m.start].sentence
        if "noq" in cue.flags and sentence in toks.questions:
            continue
        neg = _negated(words, m, classes["negator"])
        if neg is not None:
            out.append(Reason("urgent", f"{neg.text} {text}", 0.0, kind=cue.label, note="negated"))
            continue
        if cue.resolve == "afgesloten":
            sense = _resolve_afgesloten(words, m, classes)
            if sense != "cut off":
                out.append(
                    Reason("urgent", text, 0.0, kind=cue.label, note=f"ambiguous: read as {sense}")
                )
                continue
        out.append(
            Reason("urgent", text, cue.weight * _modifier(words, m, classes), kind=cue.label)
        )
    return out


def analyse(text: object, behaviour: Behaviour | None = None) -> Signals:
    """Language, emotion scores and urgency of one message, with every reason. Never raises."""
    try:
        return _analyse(text, behaviour)
    except Exception as exc:  # noqa: BLE001 - signals assist; they must never break intake
        return _neutral(_language.DEFAULT, f"could not analyse: {type(exc).__name__}", [])


@dataclass(frozen=True, slots=True)
class Reading:
    """What a text says on its own, before what the platform knows is added: all the costly
    part of analyse(). The intake worker reads a text before it takes SQLite's write turn
    (read()), and analyse() then finds the reading among the last ones made."""

    language: str
    opening: tuple[Reason, ...] = ()  # input notes and the language note
    emotion: tuple[Reason, ...] = ()  # the cues and the typography
    urgency: tuple[Reason, ...] = ()
    alarm: tuple[Reason, ...] = ()
    neutral: str = ""  # too little to judge: why (then only `opening` counts)


_READINGS: dict[str, Reading] = {}
_READINGS_KEPT = 256  # a worker's batch; emptied when full (texts rarely come back later)


def read(text: object) -> Reading:
    """The reading of a text, kept for the last texts read (a pure function of the text)."""
    if not isinstance(text, str):
        return _read(text)
    found = _READINGS.get(text)
    if found is None:
        if len(_READINGS) >= _READINGS_KEPT:
            _READINGS.clear()
        found = _READINGS[text] = _read(text)
    return found


def _read(text: object) -> Reading:
    cleaned = clean(text)
    if cleaned.unusable:
        return _too_little(cleaned.unusable, cleaned.notes)
    toks = tokenise(cleaned.text)
    if not any(not t.number for t in toks.words):
        what = "only emoji" if toks.emoji else "no words"
        reading = _too_little(f"{what}: too little text to judge", cleaned.notes)
        if toks.emoji:
            emoji = Reason("neutral", "".join(toks.emoji[:10]), 0.0, "emoji")
            reading = Reading(reading.language, (emoji, *reading.opening), neutral=reading.neutral)
        return reading
    classes = word_classes()
    lang, lang_note = _language.detect(cleaned.text, toks.words)
    opening = [Reason("neutral", n, 0.0, note="input") for n in cleaned.notes]
    if lang_note:
        opening.append(Reason("language", lang, 0.0, note=lang_note))
    emotion = _emotion_reasons(toks, classes)
    emotion += _typography(cleaned.text, toks, _raw(emotion))
    urgency = _urgency_reasons(toks, classes)
    return Reading(lang, tuple(opening), tuple(emotion), tuple(urgency), tuple(_alarm(urgency)))


def _too_little(why: str, notes: list[str]) -> Reading:
    signals = _neutral(_language.DEFAULT, why, notes)
    return Reading(signals.language, tuple(signals.reasons), neutral=why)


def _analyse(text: object, behaviour: Behaviour | None) -> Signals:
    extra = behaviour_reasons(behaviour)
    reading = read(text)
    if reading.neutral:
        signals = Signals(
            reading.language,
            "neutral",
            dict.fromkeys(EMOTIONS, 0.0),
            False,
            0.0,
            list(reading.opening),
        )
        return _with_behaviour(signals, extra) if extra else signals
    emotion = [*reading.emotion, *extra, *reading.alarm]
    reasons = [*reading.opening, *emotion, *reading.urgency]
    return _finish(reading.language, _raw(emotion), list(reading.urgency), reasons)


def _alarm(urgency_reasons: list[Reason]) -> list[Reason]:
    """Money leaving an account, a security scare or losing heat or power makes people nervous,
    whether they say so or not."""
    out: list[Reason] = []
    if not urgency_reasons:
        return out
    for kind, cap in (("money", 0.6), ("security", 0.6), ("service", 0.4)):
        weight = sum(r.weight for r in urgency_reasons if r.kind == kind)
        if weight > 0:
            cue = next(r.cue for r in urgency_reasons if r.kind == kind and r.weight > 0)
            out.append(Reason("nervous", cue, round(min(cap, cap * weight), 2), note=kind))
    return out


def _raw(reasons: list[Reason]) -> dict[str, float]:
    raw = dict.fromkeys(EMOTIONS, 0.0)
    for r in reasons:
        if r.label in raw:
            raw[r.label] += r.weight
    return raw


def _finish(
    lang: str, raw: dict[str, float], urgency_reasons: list[Reason], reasons: list[Reason]
) -> Signals:
    scores = {e: _score(raw[e]) for e in EMOTIONS}
    leading = _leading(raw)
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
    raw = _raw(extra)
    return _finish(signals.language, raw, [], signals.reasons + extra)
