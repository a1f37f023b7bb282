"""Storing attachments within the size limit: an oversize file is refused, never truncated.

Downloads (WhatsApp and MMS media) are streamed: `spool()` copies the body in 64 KiB chunks to
a temporary file and enforces the cap while reading, so a 25 MB attachment never sits in memory
and a body over the cap is stopped after cap + 1 bytes, whatever its Content-Length claimed.
Only a complete body within the cap reaches storage (`store()`); anything else is discarded
with the temporary file, so nothing is ever half stored."""

from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.utils.text import get_valid_filename

from bereikbaar.conversations.models import Attachment, Message

CHUNK = 64 * 1024


class AttachmentTooLarge(ValueError):
    pass


class IncompleteBody(ValueError):
    """The body ended before its Content-Length: a broken transfer, worth another try."""


def add_attachment(
    message: Message, filename: str, content: bytes, content_type: str
) -> Attachment:
    """Store bytes already in memory (mail parts, which the SMTP/IMAP size limit bounds)."""
    limit = settings.BEREIKBAAR_MAX_ATTACHMENT_BYTES
    if len(content) > limit:
        raise AttachmentTooLarge(f"{filename} is {len(content)} bytes; the limit is {limit}")
    return _save(message, filename, ContentFile(content), len(content), content_type)


def spool(
    read: Callable[[int], bytes], *, limit: int | None = None, expected: int | None = None
) -> TemporaryUploadedFile:
    """Copy a body from `read(n)` (which returns b"" at its end) to a temporary file on disk.

    Raises AttachmentTooLarge once more than `limit` bytes came (at most limit + 1 are read)
    or when `expected` (a Content-Length) already says so; IncompleteBody when fewer than
    `expected` bytes came. Django's storage moves this file into place instead of copying it.
    The caller closes the file (a `with` block), which deletes it unless it was stored."""
    limit = settings.BEREIKBAAR_MAX_ATTACHMENT_BYTES if limit is None else limit
    if expected is not None and expected > limit:
        raise AttachmentTooLarge(f"the media is {expected} bytes; the limit is {limit}")
    spooled = TemporaryUploadedFile("download", "application/octet-stream", 0, None)
    try:
        size = 0
        while chunk := read(min(CHUNK, limit + 1 - size)):
            size += len(chunk)
            if size > limit:
                raise AttachmentTooLarge(f"the media is over the limit of {limit} bytes")
            spooled.write(chunk)
        if expected is not None and size != expected:
            raise IncompleteBody(f"the transfer broke off after {size} of {expected} bytes")
    except BaseException:
        spooled.close()
        raise
    spooled.size = size
    spooled.seek(0)
    return spooled


def store(message: Message, filename: str, spooled: File, content_type: str) -> Attachment:
    """Store a spooled download as an attachment of `message`."""
    return _save(message, filename, spooled, spooled.size, content_type)


def _save(
    message: Message, filename: str, content: File, size: int, content_type: str
) -> Attachment:
    safe_name = get_valid_filename(filename) or "attachment"
    attachment = Attachment(
        message=message, filename=safe_name, content_type=content_type, size=size
    )
    attachment.file.save(safe_name, content, save=True)
    return attachment
