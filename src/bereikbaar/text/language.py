"""Language of a customer message: lingua for real sentences, a word vote for short ones.

lingua-language-detector is restricted to the languages customers of a Dutch organisation write
in (Dutch, English, German, French) and built once, lazily, in low-accuracy mode: measured here
it loads in 0.15 s instead of 3 s and takes 0.17 ms instead of 0.34 ms per message, and on
sentences of four words or more it agrees with the high-accuracy mode. Both modes get very short
texts wrong ("ok bedankt" → German, "thanks" → Dutch), so texts of fewer than four words are
decided by counting frequent words per language (``lexicons/language.txt``), and anything
undecided falls back to Dutch, the platform's default.
"""

from __future__ import annotations

import threading
from functools import cache
from operator import attrgetter

from bereikbaar.text.lexicon import language_words
from bereikbaar.text.tokens import Token

__all__ = ["DEFAULT", "detect"]

DEFAULT = "nl"
_SHORT = 4  # words; below this lingua is not trusted
_MIN_CONFIDENCE = 0.5
_lock = threading.Lock()
_detector = None
_CODES: dict[str, str] = {}
_LOW = attrgetter("low")


def _get_detector():
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                from lingua import Language, LanguageDetectorBuilder

                languages = [Language.DUTCH, Language.ENGLISH, Language.GERMAN, Language.FRENCH]
                for lang in languages:
                    _CODES[lang.name] = lang.iso_code_639_1.name.lower()
                _detector = (
                    LanguageDetectorBuilder.from_languages(*languages)
                    .with_low_accuracy_mode()
                    .build()
                )
    return _detector


@cache
def _languages_of() -> dict[str, tuple[str, ...]]:
    """Folded word -> the languages it is a frequent word of, in ``language.txt`` order.

    One lookup per word instead of one per word and language.
    """
    table: dict[str, list[str]] = {}
    for lang, vocab in language_words().items():
        for word in vocab:
            table.setdefault(word, []).append(lang)
    return {word: tuple(langs) for word, langs in table.items()}


def _counts(words: list[Token]) -> dict[str, int]:
    counts = dict.fromkeys(language_words(), 0)
    for langs in map(_languages_of().get, map(_LOW, words[:500])):
        if langs:
            for lang in langs:
                counts[lang] += 1
    return counts


def _vote(counts: dict[str, int]) -> str | None:
    best = max(counts.values(), default=0)
    if best == 0:
        return None
    winners = [lang for lang, c in counts.items() if c == best]
    if DEFAULT in winners:
        return DEFAULT
    return winners[0] if len(winners) == 1 else None


def detect(text: str, words: list[Token]) -> tuple[str, str | None]:
    """Return (ISO 639-1 code, note) where note says when a fallback decided."""
    letters = [t for t in words if not t.number]
    if not letters:
        return DEFAULT, "no words: default language"
    counts = _counts(letters)  # every path below needs the word counts: count once
    if len(letters) < _SHORT:
        voted = _vote(counts)
        if voted is not None:
            return voted, "short text: decided by frequent words"
    try:
        values = _get_detector().compute_language_confidence_values(text[:2000])
    except Exception:  # noqa: BLE001 - detection must never break the signals
        values = []
    if values and values[0].value >= _MIN_CONFIDENCE and len(letters) >= _SHORT:
        code = _CODES.get(values[0].language.name, DEFAULT)
        if counts.get(code, 0) == 0 and max(counts.values(), default=0) >= 2:
            # lingua's low-accuracy mode can pick a language none of whose common words occur
            # (mixed Dutch/English → French); the words overrule it then
            voted = _vote(counts)
            if voted is not None:
                return voted, "mixed or uncertain: decided by frequent words"
        return code, None
    voted = _vote(counts)
    if voted is not None:
        return voted, "uncertain: decided by frequent words"
    if values and values[0].value >= 0.8:
        return _CODES.get(values[0].language.name, DEFAULT), None
    return DEFAULT, "uncertain: default language"
