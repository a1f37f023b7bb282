"""E-mail attachments the store could not take when their mail was filed (catalogue I18).

The mail is filed with its text and each refused file as a pending attachment; this task stores
it later (the retries, failure and pushes are intake/late_files.py's). It holds no bytes of its
own: intake keeps every raw mail in its Inbound row, so the part is found again there by its
place, and checked to be the same file.
"""

from django.utils.text import get_valid_filename
from django_tasks import task

from bereikbaar.channels.email.parse import attachment_at
from bereikbaar.conversations.models import Attachment
from bereikbaar.intake.late_files import MAX_ATTEMPTS, Gone, store_late
from bereikbaar.intake.models import Inbound

__all__ = ["MAX_ATTEMPTS", "refind", "store_attachment"]


@task(queue_name="default")
def store_attachment(attachment_id: int, attempt: int = 0) -> str:
    """Registered with conversations.attachments.store_later("email", …) by the app."""
    return store_late(store_attachment, attachment_id, attempt, refind)


def refind(attachment: Attachment) -> bytes:
    """The attachment's bytes, from the raw mail intake kept under the message's key."""
    message = attachment.message
    row = (
        Inbound.objects.filter(channel="email", dedupe_key=message.provider_id)
        .only("payload")
        .first()
    )
    stored = bytes(row.payload) if row is not None else b""
    if not stored:
        raise Gone("the raw mail is no longer kept (erased, or its case was deleted)")
    item = attachment_at(stored, attachment.part) if attachment.part is not None else None
    if item is None:
        raise Gone(f"the raw mail has no attachment number {attachment.part}")
    same = (get_valid_filename(item.filename) or "attachment") == attachment.filename
    if not same or len(item.content) != attachment.size:
        raise Gone(f"attachment number {attachment.part} of the raw mail is another file")
    return item.content
