"""What the widget sends, checked and stored as the raw intake payload (JSON)."""

from __future__ import annotations

import json
import re

MAX_TEXT = 10_000  # characters; a chat message longer than this is refused with a reason
ANSWER_VIA = ("email", "phone", "whatsapp")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class Refused(ValueError):
    """The widget's message cannot be taken; `code` tells the widget which text to show."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def clean_text(value: object, limit: int = MAX_TEXT) -> str:
    """A str without lone surrogates or NULs (which break UTF-8 and PostgreSQL), or Refused."""
    if not isinstance(value, str):
        return ""
    if len(value) > limit:
        raise Refused("too_long", f"a message takes at most {limit} characters")
    text = value.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")
    return text.strip()


def client_id(value: object) -> str:
    if not isinstance(value, str) or not _CLIENT_ID.match(value):
        raise Refused("bad_request", "every message needs a client_id (letters, digits, - or _)")
    return value


def message_payload(visitor: str, content: dict, verified: dict | None, language: str) -> bytes:
    """The raw payload for intake; typed details travel as typed, verified ones as verified."""
    cid = client_id(content.get("client_id"))
    text = clean_text(content.get("text"))
    if not text and not content.get("attachment"):
        raise Refused("empty", "an empty message cannot be sent")
    prechat = content.get("prechat") if isinstance(content.get("prechat"), dict) else {}
    typed = {k: clean_text(prechat.get(k), 320) for k in ("name", "email", "phone")}
    answer_via = content.get("answer_via") if content.get("answer_via") in ANSWER_VIA else ""
    data = {
        "kind": "message",
        "visitor": visitor,
        "client_id": cid,
        "text": text,
        "typed": {k: v for k, v in typed.items() if v},
        "verified": verified or {},
        "answer_via": answer_via,
        "answer_to": clean_text(content.get("answer_to"), 320) if answer_via else "",
        "language": language if language in ("nl", "en") else "nl",
    }
    if isinstance(content.get("attachment"), dict):
        data["attachment"] = content["attachment"]
    return json.dumps(data, ensure_ascii=False).encode()


def status_payload(visitor: str, provider_id: str, status: str) -> bytes:
    return json.dumps(
        {"kind": "status", "visitor": visitor, "id": str(provider_id)[:40], "status": status}
    ).encode()
