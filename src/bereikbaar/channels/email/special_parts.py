"""Parts an agent cannot read as they are: encrypted mail and calendar invitations (C11).

An S/MIME or PGP encrypted mail has no text we can show: it reached the inbox as an empty
message with an opaque file, and the agent could not tell why. A meeting invitation sent as
text/calendar alone looked empty too. Each gets a note in the message's text saying what it
is (the part itself stays attached, as sent); an invitation's note names its title and start.
Signed mail needs nothing: its text is readable and the signature stays attached.
"""

import re

ENCRYPTED = {
    "application/pkcs7-mime": "S/MIME",
    "application/x-pkcs7-mime": "S/MIME",
    "application/pgp-encrypted": "PGP",
}
# Names for parts that come without one (mime.py uses "<type>.<subtype>" otherwise).
DEFAULT_NAMES = {
    "application/ms-tnef": "winmail.dat",
    "text/calendar": "uitnodiging.ics",
    "application/pkcs7-mime": "smime.p7m",
    "application/x-pkcs7-mime": "smime.p7m",
    "application/pkcs7-signature": "smime.p7s",
    "application/pgp-encrypted": "pgp-versie.txt",
    "application/pgp-signature": "handtekening.asc",
}
_STAMP = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})\d{2}(Z?))?$")


def notes_for(attachments: list[tuple[str, str, bytes]]) -> list[str]:
    notes = []
    kinds = sorted({ENCRYPTED[ctype] for _name, ctype, _data in attachments if ctype in ENCRYPTED})
    for kind in kinds:
        notes.append(
            f"[versleuteld bericht ({kind}): de tekst kan hier niet gelezen worden; het "
            "versleutelde deel staat als bijlage bij dit bericht]"
        )
    for _name, ctype, data in attachments:
        if ctype == "text/calendar":
            notes.append(_invitation(data))
    return notes


def _invitation(data: bytes) -> str:
    fields = _fields(data.decode("utf-8", "replace"))
    title = fields.get("SUMMARY", "").strip() or "zonder titel"
    start = _when(fields.get("DTSTART", ""))
    method = fields.get("METHOD", "").upper()
    kind = "afzegging" if method == "CANCEL" else "agenda-uitnodiging"
    return f"[{kind}: {title}" + (f", {start}" if start else "") + "]"


def _fields(text: str) -> dict[str, str]:
    """The first value of each property, lines unfolded (RFC 5545 3.1), escapes undone."""
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    found: dict[str, str] = {}
    for line in unfolded.splitlines()[:2000]:
        name, colon, value = line.partition(":")
        if not colon:
            continue
        key = name.split(";", 1)[0].strip().upper()
        if key and key not in found:
            found[key] = (
                value.replace("\\n", " ")
                .replace("\\N", " ")
                .replace("\\,", ",")
                .replace("\\;", ";")
                .replace("\\\\", "\\")[:200]
            )
    return found


def _when(value: str) -> str:
    match = _STAMP.match(value.strip())
    if not match:
        return ""
    year, month, day, hour, minute, utc = match.groups()
    when = f"{day}-{month}-{year}"
    if hour is not None:
        when += f" {hour}:{minute}" + (" UTC" if utc else "")
    return when
