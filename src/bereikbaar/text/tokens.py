"""Cleaning and tokenising customer text for the signals (emotion, urgency, language).

Pure Python, no Django. :func:`clean` turns whatever arrived (empty, huge, binary, HTML) into
plain text plus notes on what was done; :func:`tokenise` splits plain text into word tokens that
know their clause and sentence, plus the emoji and punctuation runs the scorers look at.

Every word gets a *key*: the folded word (lowercase, no diacritics) run through Snowball's
classic Dutch stemmer, then with Dutch spelling alternations evened out (final z/s and v/f,
doubled vowels), so waardeloze/waardeloos, boze/boos and belachelijke/belachelijk share a key.
Lexicon entries are keyed the same way, so inflected forms match without listing them.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import Stemmer

__all__ = ["MAX_CHARS", "Cleaned", "Token", "Tokens", "clean", "fold", "key", "tokenise"]

#: Only this many characters of a message are analysed; a longer text is cut (with a reason).
MAX_CHARS = 10_000
_BINARY_SHARE = 0.05

_STEMMER = Stemmer.Stemmer("dutch_porter")

_HTML_TAG = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*\b[^>]*|/[a-zA-Z][a-zA-Z0-9]*\s*|!--.*?--)>", re.S)
_HTML_DROP = re.compile(r"<(script|style|head)\b.*?</\1\s*>", re.S | re.I)
_HTML_BREAK = re.compile(r"<(?:br|/p|/div|/li|/h[1-6]|/tr)\b[^>]*>", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")

_EMOJI_RANGES = (
    "\U0001f300-\U0001faff"  # pictographs, emoticons, transport, supplemental symbols
    "\u2600-\u27bf"  # misc symbols and dingbats (❤, ☹)
    "\u2300-\u23ff"  # misc technical (⌛, ⏰, ⏳)
    "\u2b50\u2b55"
)
# One of word, number, punctuation run or emoji. The leading " *" lets one match take the
# spaces before a token (no group holds them) instead of failing at every space, and the
# possessive quantifiers (++, *+) keep no backtracking state: nothing after them could use
# it, so the tokens are those of plain greedy quantifiers.
_TOKEN = re.compile(
    r" *+(?:"
    r"(?P<w>[^\W\d_]++(?:['’][^\W\d_]+)*+)"
    r"|(?P<n>\d++(?:[.,:]\d+)*+)"
    r"|(?P<p>[.!?;:,()\[\]\n…]++)"
    rf"|(?P<e>[{_EMOJI_RANGES}])"
    r")"
)
# The same, for a text that is all ASCII (almost every message): no Unicode class lookups,
# about twice as fast. [^\W\d_] is [A-Za-z] there, \d is [0-9], and ’, … and emoji cannot
# occur (the emoji group stays so that findall gives the same four-tuples).
_TOKEN_ASCII = re.compile(
    r" *+(?:"
    r"(?P<w>[A-Za-z]++(?:'[A-Za-z]+)*+)"
    r"|(?P<n>[0-9]++(?:[.,:][0-9]+)*+)"
    r"|(?P<p>[.!?;:,()\[\]\n]++)"
    rf"|(?P<e>[{_EMOJI_RANGES}])"
    r")"
)
_SENTENCE_END = re.compile(r"[.!?\n…]")


@dataclass
class Cleaned:
    """Plain text ready to tokenise, and what cleaning did to it."""

    text: str
    notes: list[str] = field(default_factory=list)
    #: Set when there is nothing sensible to analyse (empty, binary): the signals are neutral.
    unusable: str | None = None


def clean(raw: object) -> Cleaned:
    """Make plain text of anything: never raises.

    ``None`` and empty strings are unusable; bytes are decoded as UTF-8 with replacement; texts
    that are mostly control characters or replacement characters count as binary; HTML loses its
    tags, scripts and entities; anything longer than :data:`MAX_CHARS` is cut.
    """
    notes: list[str] = []
    if raw is None:
        return Cleaned("", ["no text"], "empty text")
    if isinstance(raw, bytes | bytearray | memoryview):
        raw = bytes(raw).decode("utf-8", errors="replace")
        notes.append("decoded bytes as UTF-8")
    if not isinstance(raw, str):
        raw = str(raw)
    text = raw
    if len(text) > MAX_CHARS:
        notes.append(f"analysed the first {MAX_CHARS} of {len(text)} characters")
        text = text[:MAX_CHARS]
    if not text.strip():
        return Cleaned("", notes, "empty text")
    controls = len(_CONTROL.findall(text))
    if controls > _BINARY_SHARE * len(text):
        return Cleaned("", notes, "looks like binary data, not text")
    if controls:
        text = _CONTROL.sub(" ", text)
    if "<" in text and _HTML_TAG.search(text):
        text = _HTML_DROP.sub(" ", text)
        text = _HTML_BREAK.sub("\n", text)
        text = _HTML_TAG.sub(" ", text)
        notes.append("HTML tags removed")
    if "&" in text:
        text = html.unescape(text)
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        return Cleaned("", notes, "no text left after removing markup")
    return Cleaned(text, notes)


@lru_cache(maxsize=65_536)
def fold(word: str) -> str:
    """Lowercase without diacritics: ``Beëindigd`` → ``beeindigd``; ’ becomes '."""
    word = word.lower().replace("’", "'")
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_DOUBLE_VOWEL = re.compile(r"([aeou])\1")


@lru_cache(maxsize=65_536)
def key(word: str) -> str:
    """The matching key of one word (see the module docstring)."""
    folded = fold(word)
    stem = _STEMMER.stemWord(folded) if len(folded) > 3 else folded
    if stem.endswith("z"):
        stem = stem[:-1] + "s"
    elif stem.endswith("v"):
        stem = stem[:-1] + "f"
    return _DOUBLE_VOWEL.sub(r"\1", stem)


@dataclass(slots=True, unsafe_hash=True)
class Token:
    """One word or number. Treat it as read-only (it hashes by value): it is not frozen only
    because a frozen dataclass costs four times as much to build, and every word is one."""

    text: str  # as written
    low: str  # folded
    key: str
    clause: int
    sentence: int
    number: bool


@dataclass
class Tokens:
    """The words of a text, in order, with the extras the scorers need."""

    words: list[Token]
    emoji: list[str]
    #: Runs of punctuation as written, in order ("!!", "?", "...").
    punct: list[str]
    #: Sentence numbers that end in a question mark.
    questions: set[int]
    sentences: int


_BOUNDARY_WORDS = frozenset({"maar", "but", "want", "omdat", "though", "however", "echter"})
# "maar" is also an adverb ("ik hoor maar niks", "ik wacht maar af"): before these words it does
# not start a new clause.
_MAAR_ADVERB_BEFORE = frozenset(
    "niks niets even eens steeds weer door raak zo wat een half af te liefst goed".split()
)


@lru_cache(maxsize=65_536)
def _word(value: str) -> tuple[str, str, bool]:
    """(folded, key, is a clause boundary word) of a word as written: one cache lookup."""
    low = fold(value)
    return low, key(value), low in _BOUNDARY_WORDS


@lru_cache(maxsize=1024)
def _punct(value: str) -> tuple[bool, bool]:
    """(asks a question, ends a sentence) for a run of punctuation."""
    return "?" in value, _SENTENCE_END.search(value) is not None


def tokenise(text: str) -> Tokens:
    """Split plain text into words, emoji and punctuation runs (see the module docstring).

    This runs for every inbound message, hence ``findall``'s tuples rather than match
    objects, one cached lookup per word and the locals bound before the loop.
    """
    words: list[Token] = []
    emoji: list[str] = []
    punct: list[str] = []
    questions: set[int] = set()
    add_word, word_info, make = words.append, _word, Token
    clause = sentence = 0
    pending = ""  # a boundary word seen; the clause starts after it (see _MAAR_ADVERB_BEFORE)
    for w, n, p, e in (_TOKEN_ASCII if text.isascii() else _TOKEN).findall(text):
        if w:
            low, k, boundary = word_info(w)
            if pending and not (pending == "maar" and low in _MAAR_ADVERB_BEFORE):
                clause += 1
            pending = low if boundary else ""
            add_word(make(w, low, k, clause, sentence, False))
        elif n:
            if pending:
                clause += 1
                pending = ""
            add_word(make(n, n, n, clause, sentence, True))
        elif p:
            pending = ""
            punct.append(p)
            clause += 1
            asks, ends = _punct(p)
            if asks:
                questions.add(sentence)
            if ends:
                sentence += 1
        else:
            emoji.append(e)
    return Tokens(words, emoji, punct, questions, sentence + 1)
