"""Chat uploads the store could not take when their message was filed (catalogue I18).

The widget's upload endpoint only accepts: the file travels base64-encoded inside the payload
intake commits (upload.py), and the store is written later, when the intake worker files the
message. A full disk there used to fail the filing, so the visitor's message went to
quarantine. Now the message is filed with its file as a pending attachment and this task stores
the file later (the retries, failure and pushes are intake/late_files.py's): intake keeps the
raw payload under the message's key, so the bytes are found again there.
"""

import base64
import binascii
import json

from django.utils.text import get_valid_filename
from django_tasks import task

from bereikbaar.conversations.models import Attachment
from bereikbaar.intake.late_files import MAX_ATTEMPTS, Gone, store_late
from bereikbaar.intake.models import Inbound

__all__ = ["MAX_ATTEMPTS", "refind", "store_attachment"]


@task(queue_name="default")
def store_attachment(attachment_id: int, attempt: int = 0) -> str:
    """Registered with conversations.attachments.store_later("webchat", …) by the app."""
    return store_late(store_attachment, attachment_id, attempt, refind)


def refind(attachment: Attachment) -> bytes:
    """The upload's bytes, from the payload intake kept under the message's key."""
    row = (
        Inbound.objects.filter(channel="webchat", dedupe_key=attachment.message.provider_id)
        .only("payload")
        .first()
    )
    raw = bytes(row.payload) if row is not None else b""
    if not raw:
        raise Gone("the chat payload is no longer kept (erased, or its case was deleted)")
    try:
        item = json.loads(raw.decode("utf-8")).get("attachment") or {}
        content = base64.b64decode(item.get("data", ""), validate=True)
    except (UnicodeDecodeError, ValueError, AttributeError, TypeError, binascii.Error):
        raise Gone("the chat payload holds no readable file") from None
    name = get_valid_filename(str(item.get("filename", "bijlage"))[:200]) or "attachment"
    if attachment.part != 0 or name != attachment.filename or len(content) != attachment.size:
        raise Gone("the chat payload holds another file")
    return content
