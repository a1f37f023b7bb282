"""The rest of a filing that had to wait: storing a file the store refused (catalogue I18).

A full disk or a broken volume must not hold a customer's words back: the message is filed with
each refused file as a pending attachment (conversations/attachments.py), and the channel's task
stores it later. The channel only knows where the bytes are found again (`refind`: the raw
payload intake keeps, blanked on erasure or when retention deletes the case); this module runs
the rest, the same for every channel: retried with back-off while the store or the database
still fails, marked failed, visibly, after MAX_ATTEMPTS or when `refind` raises Gone, and every
change pushed to the open inbox (MESSAGE_UPDATED). When even recording a retry fails (the
database is down), the minute sweep enqueues the task again
(conversations.attachments.reschedule_stranded).
"""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.db import DatabaseError, transaction
from django.utils import timezone
from django_tasks.base import Task

from bereikbaar.conversations.attachments import store_pending
from bereikbaar.conversations.models import Attachment, Message
from bereikbaar.realtime import events
from bereikbaar.realtime.publish import publish
from bereikbaar.routing.access import groups_for

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # 30 s, 1, 2, 4, 8, 16, 32 min: about an hour for an operator to free space


class Gone(Exception):
    """The bytes cannot be found again: retrying will not help."""


def backoff(attempt: int) -> timedelta:
    return timedelta(seconds=min(30 * 2**attempt, 3600))


def store_late(
    task: Task, attachment_id: int, attempt: int, refind: Callable[[Attachment], bytes]
) -> str:
    """One run of a channel's `task`: store the pending attachment from `refind`'s bytes, or
    enqueue the next try, or mark it failed. Returns the attachment's state."""
    attachment = Attachment.objects.select_related("message").filter(pk=attachment_id).first()
    if attachment is None or attachment.state != Attachment.State.PENDING:
        return attachment.state if attachment else "gone"
    try:
        stored = store_pending(attachment, refind(attachment))
    except Gone as exc:
        return _failed(task, attachment, str(exc), attempt, retry=False)
    except (OSError, DatabaseError) as exc:
        return _failed(task, attachment, str(exc) or type(exc).__name__, attempt, retry=True)
    if stored:
        _announce(attachment.message)
    return attachment.state


def _failed(task: Task, attachment: Attachment, error: str, attempt: int, *, retry: bool) -> str:
    retry = retry and attempt + 1 < MAX_ATTEMPTS
    with transaction.atomic():
        fields = {"error": error[:300], "attempts": attempt + 1}
        if not retry:
            fields["state"] = Attachment.State.FAILED
        changed = Attachment.objects.filter(
            pk=attachment.pk, state=Attachment.State.PENDING
        ).update(**fields)
        if changed and retry:
            task.using(run_after=timezone.now() + backoff(attempt)).enqueue(
                attachment.pk, attempt + 1
            )
        elif changed:
            _announce(attachment.message)
    log.warning(
        "%s attachment %s of message %s not stored (attempt %d, retry=%s): %s",
        attachment.message.channel,
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
