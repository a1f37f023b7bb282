"""Chat uploads the store could not take when their message was filed (catalogue I18).

The widget's upload endpoint only accepts: the file travels base64-encoded inside the payload
intake commits (upload.py), and the store is written later, when the intake worker files the
message. A full disk there used to fail the filing, so the visitor's message went to
quarantine. Now the message is filed with its file as a pending attachment
(conversations/attachments.py) and this task stores the file later: intake keeps the raw
payload under the message's key (blanked only on erasure or when retention deletes the case),
so the bytes are found again there. Retried with back-off while the store (or the database)
still fails; after MAX_ATTEMPTS, or when the payload is gone or holds another file, the
attachment is marked failed, visibly. Every change is pushed to the open inbox.
"""

import base64
import binascii
import json
import logging
from datetime import timedelta

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django_tasks import task

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
    """Registered with conversations.attachments.store_later("webchat", …) by the app."""
    attachment = Attachment.objects.select_related("message").filter(pk=attachment_id).first()
    if attachment is None or attachment.state != Attachment.State.PENDING:
        return attachment.state if attachment else "gone"
    try:
        stored = store_pending(attachment, refind(attachment))
    except Gone as exc:
        return _failed(attachment, str(exc), attempt, retry=False)
    except (OSError, DatabaseError) as exc:
        return _failed(attachment, str(exc) or type(exc).__name__, attempt, retry=True)
    if stored:
        _announce(attachment.message)
    return attachment.state


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
        "chat upload %s of message %s not stored (attempt %d, retry=%s): %s",
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
