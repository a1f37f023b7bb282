"""Quoted history and signatures off the timeline (Dutch and English mail clients).

Only the new words of a reply go on the timeline; the whole mail stays available as
original.eml. When stripping would leave nothing, nothing is stripped.
"""

import re
from email.utils import parseaddr

_HEADER_LINE = re.compile(
    r"^\s*\**(van|from|verzonden|sent|datum|date|aan|to|onderwerp|subject|cc)\s*:\**\s",
    re.IGNORECASE,
)
_CUT_LINE = [
    re.compile(r"^\s*-{2,}\s*(oorspronkelijk bericht|original message)\s*-{2,}\s*$", re.I),
    re.compile(r"^\s*-{2,}\s*(doorgestuurd bericht|forwarded message)\s*-{2,}\s*$", re.I),
    re.compile(r"^\s*_{10,}\s*$"),
    re.compile(r"^-- ?$"),  # the signature delimiter
    re.compile(
        r"^\s*(verzonden (vanaf|met|vanuit) mijn|sent from my|verstuurd vanaf mijn)\s", re.I
    ),
]
# "Op di 24 nov. 2026 om 10:02 schreef Jan <jan@example.nl>:" may wrap over two lines.
_ATTRIBUTION = [
    re.compile(r"^\s*op\s.{4,200}\sschreef\s.{0,200}:\s*$", re.I | re.S),
    re.compile(r"^\s*on\s.{4,200}\swrote:\s*$", re.I | re.S),
    re.compile(r"^\s*op\s.{4,200}\sheeft\s.{0,200}\shet volgende geschreven:\s*$", re.I | re.S),
    re.compile(r"^\s*am\s.{4,200}\sschrieb\s.{0,200}:\s*$", re.I | re.S),
    re.compile(r"^\s*le\s.{4,200}\sa écrit\s?:\s*$", re.I | re.S),
]
_FORWARD = re.compile(
    r"^\s*-{2,}\s*(doorgestuurd bericht|forwarded message|oorspronkelijk bericht|"
    r"original message)\s*-{2,}\s*$",
    re.I,
)
_FROM = re.compile(r"^\s*\**(van|from)\s*:\**\s*(.+)$", re.I)
_MAILTO = re.compile(r"\[mailto:([^\]\s]+)\]", re.I)


def strip_quotes(text: str) -> str:
    """The new part of a reply: everything above the first quote marker, trailing '>' lines
    and signatures removed."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = _first_marker(lines)
    kept = lines[:cut]
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith(">")):
        kept.pop()
    result = "\n".join(kept).strip()
    return result if result else text.strip()


def _first_marker(lines: list[str]) -> int:
    for i, line in enumerate(lines):
        if any(p.match(line) for p in _CUT_LINE):
            return i
        joined = line if i + 1 >= len(lines) else line + " " + lines[i + 1]
        if any(p.match(line) or p.match(joined) for p in _ATTRIBUTION):
            # "Op … schreef" followed by quoted lines, or at least by nothing new
            return i
        if _HEADER_LINE.match(line) and _FROM.match(line):
            block = lines[i : i + 6]
            if sum(1 for b in block if _HEADER_LINE.match(b)) >= 3:  # Outlook's header block
                return i
    return len(lines)


_HTML_MARKERS = [
    re.compile(p, re.I)
    for p in (
        r"<div[^>]*class=\"?gmail_quote",
        r"<blockquote[^>]*type=\"?cite",
        r"<div[^>]*id=\"?divRplyFwdMsg",
        r"<div[^>]*id=\"?appendonsend",
        r"<div[^>]*class=\"?moz-cite-prefix",
        r"<div[^>]*class=\"?yahoo_quoted",
        r"-{3,}\s*(Oorspronkelijk bericht|Original Message)\s*-{3,}",
        r"<hr[^>]*>\s*(<[^>]+>\s*)*(<b>)?\s*(Van|From)\s*:",
    )
]


def strip_html_quotes(markup: str) -> str:
    """HTML up to the first quote container (Gmail, Outlook, Apple Mail, Thunderbird)."""
    cut = len(markup)
    for marker in _HTML_MARKERS:
        if match := marker.search(markup):
            cut = min(cut, match.start())
    head = markup[:cut]
    return head if re.sub(r"<[^>]*>|&nbsp;|\s", "", head) else markup


def forwarded_sender(text: str) -> tuple[str, str]:
    """(name, address) of the original sender in a forwarded mail's header block, if any."""
    lines = text.replace("\r\n", "\n").split("\n")
    seen_marker = False
    for i, line in enumerate(lines):
        if _FORWARD.match(line):
            seen_marker = True
            continue
        match = _FROM.match(line)
        if match and (seen_marker or _looks_like_header_block(lines, i)):
            value = match.group(2).strip()
            if mailto := _MAILTO.search(value):
                name = _MAILTO.sub("", value).strip().strip('"')
                return name, mailto.group(1).lower()
            name, address = parseaddr(value)
            if "@" in address:
                return name, address.lower()
    return "", ""


def _looks_like_header_block(lines: list[str], i: int) -> bool:
    return sum(1 for b in lines[i : i + 6] if _HEADER_LINE.match(b)) >= 3
