"""Storing attachments within the size limit: an oversize file is refused, never truncated.

Downloads (WhatsApp and MMS media) are streamed: `spool()` copies the body in 64 KiB chunks to
a temporary file and enforces the cap while reading, so a 25 MB attachment never sits in memory
and a body over the cap is stopped after cap + 1 bytes, whatever its Content-Length claimed.
Only a complete body within the cap reaches storage (`store()`); anything else is discarded
with the temporary file, so nothing is ever half stored (a write the disk cut short is removed).

When the store itself fails (a full disk, a broken volume: an OSError) while a message is
filed, a channel that can find the bytes again later (e-mail, chat: the raw payload intake keeps)
registers its task with `store_later()`: the attachment is then filed as pending, the message
goes on to the agent, and the channel's task stores the file with `store_pending()` (I18). A
channel that did not register keeps the old rule: the OSError fails the filing, which intake
quarantines. A task that died on something other than the disk (a database error, a lost
worker) would leave its attachment pending for ever: `reschedule_stranded()`, run by the
minutely sweep, enqueues the task again for every pending attachment no task is waiting for."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.utils.text import get_valid_filename
from django_tasks.base import Task
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bereikbaar.conversations.models import Attachment, Message

log = logging.getLogger(__name__)

CHUNK = 64 * 1024


class AttachmentTooLarge(ValueError):
    pass


class IncompleteBody(ValueError):
    """The body ended before its Content-Length: a broken transfer, worth another try."""


class SpoolFailed(OSError):
    """The temporary file could not be written (a full disk): worth another try later."""


def add_attachment(
    message: Message, filename: str, content: bytes, content_type: str
) -> Attachment:
    """Store bytes already in memory (mail parts, which the SMTP/IMAP size limit bounds)."""
    limit = settings.BEREIKBAAR_MAX_ATTACHMENT_BYTES
    if len(content) > limit:
        raise AttachmentTooLarge(f"{filename} is {len(content)} bytes; the limit is {limit}")
    try:
        return _save(message, filename, ContentFile(content), len(content), content_type)
    except OSError as exc:
        task = _later.get(message.channel)
        if task is None:
            raise
        attachment = _pending(message, filename, len(content), content_type, str(exc))
        task.enqueue(attachment.pk)  # in this transaction: a rolled-back filing enqueues nothing
        return attachment


_later: dict[str, Task] = {}


def store_later(channel: str, task: Task) -> None:
    """Register the task that stores `channel`'s pending attachments later, called as
    `task(attachment_id, attempt=0)`: it is enqueued in the filing's transaction, finds the
    bytes again by `attachment.part` and hands them to store_pending()."""
    _later[channel] = task


def reschedule_stranded() -> int:
    """Enqueue the channel's task again for each pending attachment that no task is waiting
    for (its last run ended on a database error, or its worker was lost), counting on from
    its attempts so far; returns how many. The minutely sweep (server._sweep) runs this."""
    if not _later:
        return 0
    pending = [
        row
        for row in Attachment.objects.filter(state=Attachment.State.PENDING)
        .values_list("pk", "message__channel", "attempts")
        .order_by("pk")[:1000]
        if row[1] in _later
    ]
    if not pending:
        return 0
    waiting = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        task_path__in=[task.module_path for task in _later.values()],
    ).values_list("args_kwargs", flat=True)
    queued = {(item.get("args") or [None])[0] for item in waiting}
    stranded = [(pk, channel, tries) for pk, channel, tries in pending if pk not in queued]
    for pk, channel, tries in stranded:
        _later[channel].enqueue(pk, tries)
    if stranded:
        log.warning("attachments: %d pending file(s) had no task; enqueued again", len(stranded))
    return len(stranded)


def store_pending(attachment: Attachment, content: bytes) -> bool:
    """Store the file of a pending attachment; False (and nothing kept) when it is no longer
    pending, e.g. another run stored it first. An OSError means: still broken, try later; a
    database error removes the file written, so a later run starts clean."""
    name = _write(attachment, ContentFile(content))
    try:
        done = Attachment.objects.filter(pk=attachment.pk, state=Attachment.State.PENDING).update(
            state=Attachment.State.STORED, file=name, size=len(content), error=""
        )
    except BaseException:
        attachment.file.storage.delete(name)
        raise
    if not done:
        attachment.file.storage.delete(name)
        return False
    attachment.state, attachment.file.name, attachment.error = Attachment.State.STORED, name, ""
    return True


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
    try:
        spooled = TemporaryUploadedFile("download", "application/octet-stream", 0, None)
    except OSError as exc:
        raise SpoolFailed(f"the temporary file could not be made: {exc}") from exc
    try:
        size = 0
        while chunk := read(min(CHUNK, limit + 1 - size)):
            size += len(chunk)
            if size > limit:
                raise AttachmentTooLarge(f"the media is over the limit of {limit} bytes")
            _to_disk(spooled.write, chunk)
        if expected is not None and size != expected:
            raise IncompleteBody(f"the transfer broke off after {size} of {expected} bytes")
        _to_disk(spooled.flush)  # a full disk often shows only when the buffer is written
    except BaseException:
        spooled.close()
        raise
    spooled.size = size
    spooled.seek(0)
    return spooled


def _to_disk(write: Callable, *args) -> None:
    try:
        write(*args)
    except OSError as exc:
        raise SpoolFailed(f"the temporary file could not be written: {exc}") from exc


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
    attachment.file.name = _write(attachment, content)
    attachment.save()
    return attachment


def _write(attachment: Attachment, content: File) -> str:
    """Write the file under a free name and return that name; a write that failed part-way (a
    full disk) is removed, so no truncated file stays behind under a name."""
    field = attachment.file.field
    storage = attachment.file.storage
    name = storage.get_available_name(
        field.generate_filename(attachment, attachment.filename), max_length=field.max_length
    )
    try:
        return storage.save(name, content, max_length=field.max_length)
    except OSError:
        try:
            if storage.exists(name):
                storage.delete(name)
        except OSError:
            pass  # the storage is broken beyond this file; the error below says why
        raise


def _pending(
    message: Message, filename: str, size: int, content_type: str, error: str
) -> Attachment:
    """The row of a file the store refused: its name, type, size and place (`part`, the
    number of attachments filed before it), no file."""
    return Attachment.objects.create(
        message=message,
        filename=get_valid_filename(filename) or "attachment",
        content_type=content_type,
        size=size,
        state=Attachment.State.PENDING,
        part=Attachment.objects.filter(message=message).count(),
        error=error[:300],
    )
