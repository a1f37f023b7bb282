"""E-mail attachments the store could not take when their mail was filed (catalogue I18).

A full disk or a broken volume must not hold the customer's words back: the mail is filed with
its text, each refused file as a pending attachment (conversations/attachments.py), and this
task stores it later. It holds no bytes of its own: intake keeps every raw mail in its Inbound
row (blanked only on erasure or when retention deletes the case), so the task finds the part
again there by its place. Retried with back-off while the store still fails; after
MAX_ATTEMPTS, or when the raw mail is gone or no longer holds that file, the attachment is
marked failed, visibly. A database error is retried the same way; when even recording the
retry fails (the database is down), the minutely sweep enqueues the task again
(conversations.attachments.reschedule_stranded). Every change is pushed to the open inbox
(MESSAGE_UPDATED).
"""

import logging
from datetime import timedelta

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django_tasks import task

from bereikbaar.channels.email.parse import attachment_at
from bereikbaar.conversations.attachments import store_pending
from bereikbaar.conversations.models import Attachment, Message
from bereikbaar.intake.models import Inbound
from bereikbaar.realtime import events
from bereikbaar.realtime.publish import publish
from bereikbaar.routing.access import groups_for

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # 30 s, 1, 2, 4, 8, 16, 32 min: about an hour for an operator to free space


class Gone(Exception):
    """The bytes cannot be found again: retrying will not help."""


def backoff(attempt: int) -> timedelta:
    return timedelta(seconds=min(30 * 2**attempt, 3600))


@task(queue_name="default")
def store_attachment(attachment_id: int, attempt: int = 0) -> str:
    """Registered with conversations.attachments.store_later("email", …) by the app."""
    attachment = Attachment.objects.select_related("message").filter(pk=attachment_id).first()
    if attachment is None or attachment.state != Attachment.State.PENDING:
        return attachment.state if attachment else "gone"
    try:
        content = refind(attachment)
        stored = store_pending(attachment, content)
    except Gone as exc:
        return _failed(attachment, str(exc), attempt, retry=False)
    except (OSError, DatabaseError) as exc:
        return _failed(attachment, str(exc) or type(exc).__name__, attempt, retry=True)
    if stored:
        _announce(attachment.message)
    return attachment.state


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


def _failed(attachment: Attachment, error: str, attempt: int, *, retry: bool) -> str:
    retry = retry and attempt + 1 < MAX_ATTEMPTS
    with transaction.atomic():
        fields = {"error": error[:300], "attempts": attempt + 1}
        if not retry:
            fields["state"] = Attachment.State.FAILED
        changed = Attachment.objects.filter(
            pk=attachment.pk, state=Attachment.State.PENDING
        ).update(**fields)
        if changed and retry:
            store_attachment.using(run_after=timezone.now() + backoff(attempt)).enqueue(
                attachment.pk, attempt + 1
            )
        elif changed:
            _announce(attachment.message)
    log.warning(
        "email attachment %s of message %s not stored (attempt %d, retry=%s): %s",
        attachment.pk,
        attachment.message_id,
        attempt + 1,
        retry,
        error,
    )
    attachment.refresh_from_db(fields=["state", "error", "attempts"])
    return attachment.state


def _announce(message: Message) -> None:
    publish(
        events.MESSAGE_UPDATED,
        {
            "conversation_id": message.conversation_id,
            "message_id": message.pk,
            "delivery_status": message.delivery_status,
        },
        groups_for(message.conversation),
    )
