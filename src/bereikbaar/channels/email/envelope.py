"""The one line we put in front of a stored mail: who it was delivered to, and how.

MTAs prepend Received/Delivered-To lines; we prepend a single JSON line, so the bytes after
it are exactly what the sender sent (and hash the same whether they came by SMTP or IMAP).
Only the very first line is ever read as ours, so a sender cannot forge it.
"""

import json

PREFIX = b"X-Bereikbaar-Envelope: "


def wrap(raw: bytes, *, to: list[str], sender: str = "", via: str = "smtp") -> bytes:
    data = {"to": [_clean(a) for a in to], "from": _clean(sender), "via": via}
    line = json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode()
    return PREFIX + line + b"\r\n" + raw


def unwrap(stored: bytes) -> tuple[dict, bytes]:
    """(envelope, the mail as received); an unwrapped mail gets an empty envelope."""
    if not stored.startswith(PREFIX):
        return {"to": [], "from": "", "via": ""}, stored
    line, _, rest = stored.partition(b"\r\n")
    try:
        data = json.loads(line[len(PREFIX) :])
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    to = [a for a in data.get("to", []) if isinstance(a, str)]
    sender = data.get("from") if isinstance(data.get("from"), str) else ""
    return {"to": to, "from": sender, "via": str(data.get("via", ""))}, rest


def _clean(address: str) -> str:
    return "".join(ch for ch in address if ch >= " ").strip().lower()[:320]
