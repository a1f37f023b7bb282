"""Facts that tell two customer messages apart: order numbers, amounts, IBANs, postcodes.

Pure Python (no Django). :func:`facts` reads order numbers and other identifiers, amounts,
IBANs, postcodes, dates, phone numbers, e-mail addresses and percentages from a text and
normalises them (``€ 1.250,00`` = ``1250 euro``, ``NL91 ABNA 0417 1643 00`` =
``NL91ABNA0417164300``, ``3511 AB`` = ``3511ab``), so that same-question detection
(:mod:`bereikbaar.text.similarity`) can see when two texts name different things.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["DE_WORDS", "FACT_NAMES", "Fact", "by_kind", "facts"]

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
        return f"{FACT_NAMES[self.kind]} {self.shown}"


FACT_NAMES = {
    "iban": "IBAN",
    "email": "e-mailadres",
    "phone": "telefoonnummer",
    "postcode": "postcode",
    "date": "datum",
    "amount": "bedrag",
    "percent": "percentage",
    "number": "nummer",
}
DE_WORDS = frozenset({"iban", "postcode", "date"})  # "andere postcode", "ander bedrag"


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


def by_kind(items: list[Fact]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in items:
        out.setdefault(f.kind, set()).add(f.value)
    return out
