"""Attachments from the widget: POST /chat/upload with the visitor token, checked by size and by
what the bytes are (sniffed, not what the browser claims), then taken in through intake."""

from __future__ import annotations

import base64

from django.conf import settings

from bereikbaar.channels.webchat.payload import Refused, client_id
from bereikbaar.channels.webchat.session import take_message
from bereikbaar.intake.accept import Accepted

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# The types a customer sends a helpdesk: photos of a meter, a screenshot, an invoice PDF.
SIGNATURES: list[tuple[bytes, str]] = [
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
]


def max_bytes() -> int:
    return getattr(settings, "BEREIKBAAR_WEBCHAT_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES)


def sniff(content: bytes) -> str:
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return next((mime for magic, mime in SIGNATURES if content.startswith(magic)), "")


def take_upload(visitor: str, cid: str, filename: str, content: bytes, language: str) -> Accepted:
    cid = client_id(cid)
    if len(content) > max_bytes():
        raise Refused("too_large", f"the file is larger than {max_bytes() // (1024 * 1024)} MB")
    if not content:
        raise Refused("empty", "the file is empty")
    mime = sniff(content)
    if not mime:
        raise Refused("bad_type", "only photos (JPEG, PNG, GIF, WebP) and PDF files can be sent")
    attachment = {
        "filename": (filename or "bijlage")[:200],
        "content_type": mime,
        "data": base64.b64encode(content).decode("ascii"),
    }
    return take_message(visitor, {"client_id": cid, "attachment": attachment}, None, language)
