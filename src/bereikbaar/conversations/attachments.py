"""Storing attachments within the size limit: an oversize file is refused, never truncated."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.text import get_valid_filename

from bereikbaar.conversations.models import Attachment, Message


class AttachmentTooLarge(ValueError):
    pass


def add_attachment(
    message: Message, filename: str, content: bytes, content_type: str
) -> Attachment:
    limit = settings.BEREIKBAAR_MAX_ATTACHMENT_BYTES
    if len(content) > limit:
        raise AttachmentTooLarge(f"{filename} is {len(content)} bytes; the limit is {limit}")
    safe_name = get_valid_filename(filename) or "attachment"
    attachment = Attachment(
        message=message, filename=safe_name, content_type=content_type, size=len(content)
    )
    attachment.file.save(safe_name, ContentFile(content), save=True)
    return attachment
