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
_TOKEN = re.compile(
    r"(?P<w>[^\W\d_]+(?:['’][^\W\d_]+)*)"
    r"|(?P<n>\d+(?:[.,:]\d+)*)"
    r"|(?P<p>[.!?;:,()\[\]\n…]+)"
    rf"|(?P<e>[{_EMOJI_RANGES}])"
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


@dataclass(frozen=True, slots=True)
class Token:
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


def tokenise(text: str) -> Tokens:
    words: list[Token] = []
    emoji: list[str] = []
    punct: list[str] = []
    questions: set[int] = set()
    clause = sentence = 0
    pending = ""  # a boundary word seen; the clause starts after it (see _MAAR_ADVERB_BEFORE)
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        value = m.group()
        if kind == "w":
            low = fold(value)
            if pending and not (pending == "maar" and low in _MAAR_ADVERB_BEFORE):
                clause += 1
            pending = low if low in _BOUNDARY_WORDS else ""
            words.append(Token(value, low, key(value), clause, sentence, False))
        elif kind == "n":
            if pending:
                clause += 1
                pending = ""
            words.append(Token(value, value, value, clause, sentence, True))
        elif kind == "p":
            pending = ""
            punct.append(value)
            clause += 1
            if "?" in value:
                questions.add(sentence)
            if _SENTENCE_END.search(value):
                sentence += 1
        else:
            emoji.append(value)
    return Tokens(words, emoji, punct, questions, sentence + 1)
