"""Message-IDs and addresses: one spelling for each, shared by receiving, parsing and sending."""

import hashlib
import re
from email.utils import getaddresses

_ID = re.compile(r"<([^<>\s]+)>")
MAX_ID = 200

NOREPLY = re.compile(
    r"^(no-?reply|do-?not-?reply|donotreply|mailer-daemon|postmaster|bounces?|auto-?reply)"
    r"([+._-].*)?$",
    re.IGNORECASE,
)


def clean_id(value: str) -> str:
    """A Message-ID without brackets or whitespace; hashed when too long to be a key."""
    value = value.strip().strip("<>").strip()
    if len(value) > MAX_ID:
        return "sha256:" + hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()
    return value


def ids_in(header: str) -> list[str]:
    """All Message-IDs in a References / In-Reply-To header, in order, without repeats."""
    found: list[str] = []
    for raw in _ID.findall(header or ""):
        value = clean_id(raw)
        if value and value not in found:
            found.append(value)
    return found


def dedupe_key(message_id: str, raw: bytes) -> str:
    """The Message-ID when there is one, else a hash of what the sender wrote: From, To,
    Date, Subject and the body without whitespace. Headers servers add on the way (Received,
    Return-Path, X-…) do not count, so the same mail fetched by IMAP and received by SMTP
    hashes the same (Zammad PR #2063)."""
    if message_id:
        return clean_id(message_id)
    return "sha256:" + hashlib.sha256(_content(raw)).hexdigest()


_HASHED = (b"from", b"to", b"date", b"subject")


def _content(raw: bytes) -> bytes:
    head, _, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    fields: dict[bytes, bytes] = {}
    name = b""
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and name:
            fields[name] += b" " + line.strip()
        elif b":" in line:
            key, _, value = line.partition(b":")
            name = key.strip().lower()
            if name in _HASHED and name not in fields:
                fields[name] = value.strip()
            elif name not in _HASHED:
                name = b""
    parts = [b" ".join(fields.get(k, b"").split()) for k in _HASHED]
    return b"\0".join([*parts, b"".join(body.split())])


def message_id_of(raw: bytes) -> str:
    """The Message-ID header, read without parsing the whole message."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    match = re.search(rb"^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)", head, re.I | re.M)
    if not match:
        return ""
    ids = _ID.findall(match.group(1).decode("ascii", "replace"))
    return ids[0] if ids else ""


def addresses(*headers: str) -> list[str]:
    """Lower-cased addresses from address headers, skipping anything that is not one."""
    found = []
    for _name, addr in getaddresses([h for h in headers if h]):
        addr = addr.strip().lower()
        if "@" in addr and " " not in addr and addr not in found:
            found.append(addr)
    return found


def is_noreply(address: str) -> bool:
    local = address.rpartition("@")[0]
    return bool(NOREPLY.match(local))
