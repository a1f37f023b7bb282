"""Media of inbound WhatsApp messages, fetched by a task: media id → URL → bytes with the
token, streamed to a temporary file within the size limit (graph.download), type-checked on
their first bytes and stored as an attachment; retried with back-off when the Graph API has
trouble, marked failed (visible) when the media itself is wrong.

A full disk (an OSError from the temporary file or from the store) is trouble of ours, not of
the media: retried with the same back-off, failed visibly after MAX_ATTEMPTS (I18). The file is
stored only while its download is still pending: an erasure that failed it meanwhile wins, and
the fetched file is discarded. The open inbox is told when the file lands (MESSAGE_UPDATED)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from bereikbaar.channels.whatsapp import graph
from bereikbaar.channels.whatsapp.models import MediaDownload
from bereikbaar.channels.whatsapp.sniff import agrees, sniff
from bereikbaar.conversations.attachments import store
from bereikbaar.conversations.models import Message
from bereikbaar.realtime import events
from bereikbaar.realtime.publish import publish
from bereikbaar.routing.access import groups_for

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
HEAD = 64  # bytes enough for sniff() to recognise a type
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "audio/ogg": "ogg",
    "audio/mpeg": "mp3",
    "audio/amr": "amr",
    "video/mp4": "mp4",
    "application/pdf": "pdf",
}


class MediaRejected(Exception):
    """The media is not acceptable (too big, lying about its type): no retry."""


def backoff(attempt: int) -> timedelta:
    return timedelta(seconds=min(10 * 3**attempt, 3600))


@task(queue_name="default")
def fetch_media(download_id: int, attempt: int = 0) -> str:
    download = MediaDownload.objects.select_related("account").get(pk=download_id)
    if download.status != MediaDownload.Status.PENDING:  # done, or failed (e.g. erased)
        return download.status
    message = Message.objects.filter(channel="whatsapp", provider_id=download.wamid).first()
    try:
        if message is None:
            raise graph.GraphError("the message is not filed yet", transient=True)
        spooled, mime = fetch(download)
    except graph.GraphError as exc:
        return _failed(download, str(exc), attempt, retry=exc.transient)
    except MediaRejected as exc:
        return _failed(download, str(exc), attempt, retry=False)
    except OSError as exc:  # the temporary file, read back (its writes fail as GraphError)
        return _failed(download, _disk(exc), attempt, retry=True)
    with spooled:
        try:
            return _store(download, message, spooled, mime, attempt)
        except OSError as exc:
            return _failed(download, _disk(exc), attempt, retry=True)


def _store(
    download: MediaDownload,
    message: Message,
    spooled: TemporaryUploadedFile,
    mime: str,
    attempt: int,
) -> str:
    """Store the file and mark the download done, in one transaction, if it is still pending;
    otherwise (erased, or another run was first) remove the file again and keep nothing."""
    with transaction.atomic():
        attachment = store(message, filename_for(download, mime), spooled, mime)
        done = MediaDownload.objects.filter(
            pk=download.pk, status=MediaDownload.Status.PENDING
        ).update(
            status=MediaDownload.Status.DONE, attachment=attachment, error="", attempts=attempt + 1
        )
        if done:
            _announce(message)
        else:
            transaction.set_rollback(True)
    if not done:
        attachment.file.storage.delete(attachment.file.name)
    download.refresh_from_db(fields=["status", "attachment", "error", "attempts"])
    return download.status


def _disk(exc: OSError) -> str:
    return f"the file could not be stored (disk): {exc}"


def fetch(download: MediaDownload) -> tuple[TemporaryUploadedFile, str]:
    """The media streamed to a temporary file (never whole in memory), and its type."""
    limit = settings.BEREIKBAAR_MAX_ATTACHMENT_BYTES
    info = graph.call(download.account, "GET", download.media_id)
    url = info.get("url")
    if not isinstance(url, str) or not url:
        raise MediaRejected("the Graph API gave no URL for this media")
    size = info.get("file_size")
    if str(size).isdigit() and int(size) > limit:
        raise MediaRejected(f"the media is {size} bytes; the limit is {limit}")
    try:
        spooled, header_type = graph.download(download.account, url, limit)
    except graph.TooLarge as exc:
        raise MediaRejected(str(exc)) from None
    head = spooled.read(HEAD)
    spooled.seek(0)
    declared = download.mime_type or str(info.get("mime_type") or "") or header_type
    if not agrees(declared, head):
        spooled.close()
        raise MediaRejected(f"declared {declared} but the content is {sniff(head) or 'unknown'}")
    return spooled, (declared.split(";")[0].strip() or sniff(head) or "application/octet-stream")


def filename_for(download: MediaDownload, mime: str) -> str:
    if download.filename:
        return download.filename
    return f"whatsapp-{download.kind}.{EXTENSIONS.get(mime, 'bin')}"


def _failed(download: MediaDownload, error: str, attempt: int, *, retry: bool) -> str:
    """Record the failed attempt and enqueue the next, only while the download is pending (an
    erasure's "failed" is never turned back into a retry)."""
    retry = retry and attempt + 1 < MAX_ATTEMPTS
    fields = {"error": error[:500], "attempts": attempt + 1}
    if not retry:
        fields["status"] = MediaDownload.Status.FAILED
    with transaction.atomic():
        changed = MediaDownload.objects.filter(
            pk=download.pk, status=MediaDownload.Status.PENDING
        ).update(**fields)
        if changed and retry:
            fetch_media.using(run_after=timezone.now() + backoff(attempt)).enqueue(
                download.pk, attempt + 1
            )
        elif changed:  # failed for good: the open inbox shows it now
            message = Message.objects.filter(channel="whatsapp", provider_id=download.wamid)
            if found := message.first():
                _announce(found)
    log.warning(
        "whatsapp media %s failed (attempt %d, retry=%s): %s", download, attempt, retry, error
    )
    download.refresh_from_db(fields=["status", "error", "attempts"])
    return download.status


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
