"""The evidence one customer message gives on its own: cues, their context, typography.

This is the costly half of :func:`bereikbaar.text.signals.analyse`, which adds what the
platform knows (the behaviour) and scores it all. :func:`gather` keeps the evidence of the
last texts, so the intake worker can gather it before it takes SQLite's write turn and
analyse() then finds it done. Pure Python, no Django. The rules are described in signals.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bereikbaar.text import language as _language
from bereikbaar.text.lexicon import Match, cue_set, emoji_cues, word_classes
from bereikbaar.text.tokens import Token, Tokens, clean, tokenise

EMOTIONS = ("nervous", "angry", "impatient", "grateful")
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
    if bangs and (leading := leading_emotion(raw)):
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
        out.append(Reason(leading_emotion(raw) or "angry", cue, 1.0, note="capitals"))
    return out


def leading_emotion(raw: dict[str, float]) -> str | None:
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


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a text says on its own, before what the platform knows is added: all the costly
    part of analyse(). The intake worker reads a text before it takes SQLite's write turn
    (gather()), and analyse() then finds it among the last ones gathered."""

    language: str
    opening: tuple[Reason, ...] = ()  # input notes and the language note
    emotion: tuple[Reason, ...] = ()  # the cues and the typography
    urgency: tuple[Reason, ...] = ()
    alarm: tuple[Reason, ...] = ()
    neutral: str = ""  # too little to judge: why (then only `opening` counts)


_GATHERED: dict[str, Evidence] = {}  # in insertion order: the oldest first
_GATHERED_KEPT = 256  # more than a worker's batch (100 rows)


def gather(text: object) -> Evidence:
    """The evidence of a text, kept for the last texts (a pure function of the text).

    The oldest is forgotten first: emptying the whole cache when full dropped texts a worker
    had just read for the batch it was about to file, and a quarter of all texts were read
    twice (bench/intake_profile.py: 2,504 language detections for 2,000 messages)."""
    if not isinstance(text, str):
        return _gather(text)
    found = _GATHERED.get(text)
    if found is None:
        if len(_GATHERED) >= _GATHERED_KEPT:
            del _GATHERED[next(iter(_GATHERED))]
        found = _GATHERED[text] = _gather(text)
    return found


def _gather(text: object) -> Evidence:
    cleaned = clean(text)
    if cleaned.unusable:
        return _too_little(cleaned.unusable, cleaned.notes)
    toks = tokenise(cleaned.text)
    if not any(not t.number for t in toks.words):
        what = "only emoji" if toks.emoji else "no words"
        found = _too_little(f"{what}: too little text to judge", cleaned.notes)
        if toks.emoji:
            emoji = Reason("neutral", "".join(toks.emoji[:10]), 0.0, "emoji")
            found = Evidence(found.language, (emoji, *found.opening), neutral=found.neutral)
        return found
    classes = word_classes()
    lang, lang_note = _language.detect(cleaned.text, toks.words)
    opening = [Reason("neutral", n, 0.0, note="input") for n in cleaned.notes]
    if lang_note:
        opening.append(Reason("language", lang, 0.0, note=lang_note))
    emotion = _emotion_reasons(toks, classes)
    emotion += _typography(cleaned.text, toks, raw_weights(emotion))
    urgency = _urgency_reasons(toks, classes)
    return Evidence(lang, tuple(opening), tuple(emotion), tuple(urgency), tuple(_alarm(urgency)))


def _too_little(why: str, notes: list[str]) -> Evidence:
    reasons = [Reason("neutral", n, 0.0, note="input") for n in notes]
    reasons.append(Reason("neutral", why, 0.0, note="input"))
    return Evidence(_language.DEFAULT, tuple(reasons), neutral=why)


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


def raw_weights(reasons: list[Reason]) -> dict[str, float]:
    raw = dict.fromkeys(EMOTIONS, 0.0)
    for r in reasons:
        if r.label in raw:
            raw[r.label] += r.weight
    return raw
