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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from bereikbaar.text.dutch import STOPWORDS, fold, split_compound, stem, words
from bereikbaar.text.tokens import clean

__all__ = ["THRESHOLD", "THRESHOLD_ONE_ASK", "Comparison", "compare", "facts"]

#: Overlap score at or above which two texts without a veto count as the same question.
THRESHOLD = 0.34
#: The threshold when only one of the texts names its ask (question type).
THRESHOLD_ONE_ASK = 0.6
_WINDOW = 3  # a two-word cue matches with up to this many words between its words
_CONCEPT_WEIGHT = 2.0
_WORD_WEIGHT = 1.0
_FACT_BONUS = 0.25
_VETO_FACTOR = 0.3  # a vetoed pair's score: its overlap times this, so always below THRESHOLD
_MAX_CHARS = 5_000

# ---------------------------------------------------------------------------------------------
# Facts

_MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
    "|jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec|january|february|march|june|july"
    "|august|october"
)
_MONTH_NUMBER = {
    name: i
    for i, names in enumerate(
        [
            ("januari", "jan", "january"),
            ("februari", "feb", "february"),
            ("maart", "mrt", "march"),
            ("april", "apr"),
            ("mei",),
            ("juni", "jun", "june"),
            ("juli", "jul", "july"),
            ("augustus", "aug", "august"),
            ("september", "sep", "sept"),
            ("oktober", "okt", "october"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        1,
    )
    for name in names
}

_IBAN = re.compile(r"\b([A-Z]{2}\d{2})[ ]?([A-Z]{4})((?:[ ]?\d){10})\b", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w+])(?:\+31[ -]?|0031[ -]?|0)(6)[ -]?((?:\d[ -]?){7}\d)(?!\d)")
_POSTCODE = re.compile(r"\b([1-9]\d{3})[ ]?([A-Z]{2})\b|\b([1-9]\d{3})([a-z]{2})\b")
_DATE_TEXT = re.compile(rf"\b([0-3]?\d)[ ]+({_MONTHS})\b", re.I)
_DATE_NUM = re.compile(r"\b([0-3]?\d)[-/]([01]?\d)[-/](\d{2,4})\b")
_PERCENT = re.compile(r"\b(\d+(?:[.,]\d+)?)[ ]?(?:%|procent\b|percent\b)", re.I)
_NUM = r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_AMOUNT = re.compile(
    rf"(?:€|\beur\b|\beuro\b)[ ]?({_NUM})(?:,-)?"
    rf"|\b({_NUM})[ ]?(?:€|euro\b|eur\b|,-)"
    r"|(?<![\d.,])(\d+,\d{2})(?![\d.,])",
    re.I,
)
# An identifier: a run with at least 4 digits, maybe with letters and dashes around them.
_CODE = re.compile(r"\b(?=[A-Z0-9-]*\d{4})[A-Z0-9]+(?:-[A-Z0-9]+)*\b", re.I)
_POSTCODE_NOT = frozenset({"en", "de", "op", "in", "te", "is", "of", "at", "to"})


def _cents(raw: str) -> int:
    """Amount in cents: the last separator followed by one or two digits is the decimal one."""
    m = re.search(r"[.,](\d{1,2})$", raw)
    if m:
        whole, decimals = raw[: m.start()], m.group(1).ljust(2, "0")
    else:
        whole, decimals = raw, "00"
    return int(re.sub(r"\D", "", whole) or "0") * 100 + int(decimals)


@dataclass(frozen=True, order=True)
class Fact:
    kind: str  # iban, email, phone, postcode, date, amount, percent, number
    value: str  # normalised
    shown: str  # as written

    def label(self) -> str:
        return f"{_FACT_NAMES[self.kind]} {self.shown}"


_FACT_NAMES = {
    "iban": "IBAN",
    "email": "e-mailadres",
    "phone": "telefoonnummer",
    "postcode": "postcode",
    "date": "datum",
    "amount": "bedrag",
    "percent": "percentage",
    "number": "nummer",
}
_DE_WORDS = frozenset({"iban", "postcode", "date"})  # "andere postcode", "ander bedrag"


def facts(text: str) -> list[Fact]:
    """The distinguishing facts in ``text``, each once, in a stable order."""
    found: list[Fact] = []
    taken: list[tuple[int, int]] = []

    def free(span: tuple[int, int]) -> bool:
        return all(span[1] <= s or span[0] >= e for s, e in taken)

    def add(kind: str, value: str, m: re.Match[str]) -> None:
        if free(m.span()):
            taken.append(m.span())
            found.append(Fact(kind, value, m.group(0).strip()))

    for m in _IBAN.finditer(text):
        add("iban", (m.group(1) + m.group(2) + m.group(3)).replace(" ", "").upper(), m)
    for m in _EMAIL.finditer(text):
        add("email", m.group(0).lower(), m)
    for m in _PHONE.finditer(text):
        add("phone", "6" + re.sub(r"\D", "", m.group(2)), m)
    for m in _POSTCODE.finditer(text):
        digits, letters = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if letters.lower() in _POSTCODE_NOT:
            continue
        add("postcode", digits + letters.lower(), m)
    for m in _DATE_TEXT.finditer(text):
        add("date", f"{int(m.group(1))}-{_MONTH_NUMBER[m.group(2).lower()]}", m)
    for m in _DATE_NUM.finditer(text):
        add("date", f"{int(m.group(1))}-{int(m.group(2))}", m)
    for m in _PERCENT.finditer(text):
        add("percent", m.group(1).replace(",", "."), m)
    for m in _AMOUNT.finditer(text):
        raw = next(g for g in m.groups() if g)
        add("amount", str(_cents(raw)), m)
    for m in _CODE.finditer(text):
        add("number", re.sub(r"[^0-9a-z]", "", m.group(0).lower()), m)
    return sorted(set(found))


def _by_kind(items: list[Fact]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in items:
        out.setdefault(f.kind, set()).add(f.value)
    return out


# ---------------------------------------------------------------------------------------------
# Concepts (shared Dutch/English vocabulary) and question types

# concept: cue words. A cue matches a folded word that starts with it; a cue of 5 letters or
# more also matches inside a compound ("aprilfactuur", "retourpakket"). "a b" cues match two
# words in a row. Question types (the asks) are the concepts in _ASKS.
_CONCEPTS: dict[str, tuple[str, ...]] = {
    # things
    "order": ("bestel", "order", "pakket", "package", "parcel", "zending", "aankoop", "doos"),
    "invoice": ("factu", "invoice", "nota", "jaarafrekening", "afrekening"),
    "charge": ("afgeschreven", "afschrijving", "afschrijv", "incasso", "charged", "charge"),
    "payment": ("betal", "betaald", "overgemaakt", "overmak", "payment", "ideal", "paid"),
    "password": ("wachtwoord", "password", "inlogcode", "resetlink"),
    "login": ("inlog", "login", "log in", "logged", "aanmeld", "inloggegevens"),
    "account": ("account", "klantportaal", "portaal", "mijn omgeving"),
    "subscription": ("abonnement", "subscription", "lidmaatschap"),
    "contract": ("contract",),
    "address": ("adres", "address", "verhuis", "moved"),
    "phone": ("telefoonnummer", "nummer", "number", "mobiel"),
    "email": ("e-mail", "email", "mail"),
    "internet": ("internet", "wifi", "glasvezel", "modem", "router"),
    "app": ("app",),
    "card": ("pinpas", "pas", "card", "bankpas", "creditcard"),
    "engineer": ("monteur", "engineer", "technician"),
    "meter": ("meter",),
    "solar": ("zonnepanel", "panelen", "solar", "teruglever"),
    "heating": ("ketel", "verwarming", "thermostaat", "heating", "cv"),
    "power": ("stroom", "power", "elektriciteit"),
    "gas": ("gas",),
    "money": ("geld", "money"),
    "amount": ("bedrag", "termijnbedrag", "maandbedrag", "voorschot", "tarief", "prijs", "price"),
    "discount": ("korting", "discount", "kortingscode"),
    "voucher": ("cadeaubon", "cadeaukaart", "voucher", "giftcard", "gift card"),
    "policy": ("polis", "verzekering", "policy", "insurance"),
    "claim": ("schade", "claim"),
    "size": ("maat", "maatje", "size"),
    "delivery": ("bezorg", "lever", "delivery", "deliver", "afgeleverd", "courier", "bezorger"),
    "customer_no": ("klantnummer", "customer number"),
    "charger": ("laadpaal", "charger", "laadpunt"),
    "name": ("naam", "name"),
    "received": ("ontvang", "binnen", "received", "gekregen", "aangekomen"),
    "twice": ("dubbel", "twee keer", "2x", "twice", "two times"),
    "neighbours": ("buren", "buurman", "buurvrouw", "neighbour", "neighbor"),
    "confirmation": ("bevestig", "confirmation"),
    "tracking": ("trackingcode", "track", "tracking"),
    "warranty": ("garantie", "warranty"),
    "wrong": ("verkeerd", "wrong", "ander artikel"),
    "stock": ("voorraad", "stock"),
    "usage": ("verbruik", "usage"),
    "callback": ("terugbel", "call back", "bel me", "bellen"),
    "data": ("bundel", "data"),
    "tax": ("belasting", "tax"),
    "overview": ("overzicht", "jaaroverzicht", "statement"),
    # asks and problems (question types)
    "ask_status": (
        "waar blijft",
        "waar is",
        "where is",
        "blijft",
        "status",
        "hoe staat",
        "stil",
        "niet ontvangen",
        "nog niet",
        "niets ontvangen",
        "niks aangekomen",
        "niet binnen",
        "not been delivered",
        "not arrived",
        "verzonden",
        "verstuurd",
        "shipped",
        "te laat",
        "is late",
        "wanneer wordt",
        "wanneer komt",
        "when will",
        "wacht al",
        "wachten al",
        "komt niet",
        "arrive",
        "aangekomen",
    ),
    "ask_cancel": ("annul", "geannuleerd", "opzeg", "opzegg", "cancel", "stopzet", "stoppen"),
    "ask_return": ("retour", "terugstur", "return"),
    "ask_refund": ("terugbetal", "geld terug", "refund", "terugstort", "money back"),
    "ask_exchange": ("ruil", "exchange", "andere kleur", "andere maat"),
    "ask_change": ("wijzig", "aanpass", "aanpas", "veranderd", "change", "omlaag", "verlag"),
    "ask_delete": ("verwijder", "delete", "afmeld", "unsubscribe"),
    "ask_pause": ("pauze", "pauzeer", "pause"),
    "ask_upgrade": ("upgrade",),
    "ask_plan": ("termijnen", "betalingsregeling", "payment plan"),
    "ask_howmuch": ("hoeveel", "how much", "hoe snel", "how fast", "wat kost", "kosten", "kost"),
    "ask_copy": ("kopie", "copy", "sturen", "send me"),
    "ask_validity": ("geldig", "valid", "loopt af", "afloop", "verlopen", "expired"),
    "ask_appointment": ("afspraak", "appointment", "gepland", "inplannen"),
    "ask_why": ("waarom", "why", "hoe kan het"),
    "ask_pickup": ("halen", "ophal", "opgehaald", "pick up", "afhalen"),
    "ask_howto": ("hoe doe", "how do", "hoe kan", "hoe maak", "how can", "schoon"),
    "problem_damaged": ("beschadig", "kapot", "damaged", "broken", "gebarsten", "stuk"),
    "problem_fault": (
        "storing",
        "werkt niet",
        "doet het niet",
        "doet niets",
        "uitgevallen",
        "eruit",
        "is down",
        "crash",
        "valt weg",
        "valt uit",
        "slaat af",
        "fout",
        "error",
        "lukt niet",
        "laadt niet",
        "traag",
        "slow",
        "geweigerd",
        "niet geaccepteerd",
        "not accepted",
        "lekt",
        "lekkage",
        "leak",
    ),
    "problem_wrong_amount": ("te hoog", "klopt niet", "hoger", "too high", "veel meer"),
    "problem_missing": (
        "geen",
        "weet niet meer",
        "niets gekregen",
        "niks gekregen",
        "ontbreekt",
        "missing",
        "ontbreken",
        "kwijt",
        "lost",
        "vergeten",
    ),
    "problem_stolen": ("gestolen", "stolen", "blokker", "block"),
    "problem_newsletter": ("nieuwsbrie", "newsletter"),
    "problem_blocked": ("geblokkeerd", "blocked"),
}
_ASK_PREFIXES = ("ask_", "problem_")
# Asks that differ only in degree and so never veto each other.
_COMPATIBLE = {
    frozenset({"ask_status", "problem_missing"}),
    frozenset({"ask_return", "ask_refund"}),
    frozenset({"ask_return", "ask_pickup"}),
    frozenset({"ask_change", "ask_exchange"}),
    frozenset({"problem_stolen", "ask_cancel"}),
    frozenset({"problem_fault", "problem_missing"}),
    frozenset({"problem_damaged", "problem_missing"}),
    frozenset({"problem_wrong_amount", "ask_why"}),
}


@dataclass(frozen=True)
class _Cue:
    concept: str
    words: tuple[str, ...]


def _build_cues() -> tuple[dict[str, list[_Cue]], list[_Cue]]:
    single: dict[str, list[_Cue]] = {}
    multi: list[_Cue] = []
    for concept, cues in _CONCEPTS.items():
        for cue in cues:
            parts = tuple(fold(cue).split())
            if len(parts) == 1:
                single.setdefault(parts[0][:3], []).append(_Cue(concept, parts))
            else:
                multi.append(_Cue(concept, parts))
    return single, multi


_SINGLE, _MULTI = _build_cues()


@lru_cache(maxsize=50_000)
def _word_concepts(word: str) -> frozenset[str]:
    found = set()
    for cue in _SINGLE.get(word[:3], ()):
        if word.startswith(cue.words[0]):
            found.add(cue.concept)
    if len(word) >= 7:
        for cues in _SINGLE.values():
            for cue in cues:
                c = cue.words[0]
                if len(c) >= 5 and c in word[1:]:
                    found.add(cue.concept)
    return frozenset(found)


def _in_order(tokens: list[str], cue: tuple[str, ...]) -> bool:
    """The cue's words in order, each within :data:`_WINDOW` words of the one before."""
    first, rest = cue[0], cue[1:]
    for i, token in enumerate(tokens):
        if not token.startswith(first):
            continue
        at, ok = i, True
        for word in rest:
            nxt = next(
                (j for j in range(at + 1, min(at + 1 + _WINDOW, len(tokens))) if tokens[j] == word),
                None,
            )
            if nxt is None:
                ok = False
                break
            at = nxt
        if ok:
            return True
    return False


@dataclass
class _Reading:
    concepts: set[str] = field(default_factory=set)
    stems: set[str] = field(default_factory=set)
    facts: list[Fact] = field(default_factory=list)

    @property
    def asks(self) -> set[str]:
        return {c for c in self.concepts if c.startswith(_ASK_PREFIXES)}


@lru_cache(maxsize=4_096)
def _read(text: str) -> _Reading:
    reading = _Reading(facts=facts(text))
    fact_words = {w for f in reading.facts for w in words(f.shown)}
    tokens = words(text)
    for cue in _MULTI:
        if _in_order(tokens, cue.words):
            reading.concepts.add(cue.concept)
    for w in tokens:
        if w in STOPWORDS or w in fact_words or w.isdigit():
            continue
        hit = _word_concepts(w)
        if not hit:
            for part in split_compound(w):
                hit |= _word_concepts(part)
        if hit:
            reading.concepts |= hit
        elif len(w) > 2:
            reading.stems.add(stem(w))
            for part in split_compound(w):
                reading.stems.add(stem(part))
    return reading


# ---------------------------------------------------------------------------------------------
# The decision


@dataclass
class Comparison:
    same: bool
    score: float
    reasons: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"same": self.same, "score": self.score, "reasons": self.reasons}


def _fact_conflicts(a: list[Fact], b: list[Fact]) -> tuple[list[str], list[str]]:
    """(conflicts, shared) as reasons."""
    by_a, by_b = _by_kind(a), _by_kind(b)
    shown = {(f.kind, f.value): f.shown for f in a + b}
    conflicts, shared = [], []
    for kind in sorted(by_a.keys() & by_b.keys()):
        only_a, only_b = by_a[kind] - by_b[kind], by_b[kind] - by_a[kind]
        for value in sorted(by_a[kind] & by_b[kind]):
            shared.append(f"zelfde {_FACT_NAMES[kind]}: {shown[(kind, value)]}")
        if only_a and only_b:
            left = ", ".join(shown[(kind, v)] for v in sorted(only_a))
            right = ", ".join(shown[(kind, v)] for v in sorted(only_b))
            other = "andere" if kind in _DE_WORDS else "ander"
            conflicts.append(f"{other} {_FACT_NAMES[kind]}: {left} ≠ {right}")
    return conflicts, shared


def _ask_conflict(a: set[str], b: set[str]) -> bool:
    only_a, only_b = a - b, b - a
    if not only_a or not only_b:
        return False
    return not any(frozenset({x, y}) in _COMPATIBLE for x in only_a for y in only_b)


def _compatible(a: set[str], b: set[str]) -> bool:
    return any(frozenset({x, y}) in _COMPATIBLE for x in a for y in b)


def _overlap(a: _Reading, b: _Reading) -> tuple[float, list[str], list[str]]:
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
    ra, rb = _read(ca.text[:_MAX_CHARS]), _read(cb.text[:_MAX_CHARS])
    conflicts, shared_facts = _fact_conflicts(ra.facts, rb.facts)
    score, shared_c, shared_s = _overlap(ra, rb)
    one_ask = (ra.asks or rb.asks) and not ra.asks & rb.asks and not _compatible(ra.asks, rb.asks)
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
    if _ask_conflict(ra.asks, rb.asks):
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
