"""MMS media, fetched by a task with the account's credentials (only from Twilio's API host or
the configured one), size-checked and stored as attachments; retried when Twilio has trouble."""

import logging
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from bereikbaar.channels.sms.models import MediaDownload
from bereikbaar.conversations.attachments import AttachmentTooLarge, add_attachment
from bereikbaar.conversations.models import Message

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
TIMEOUT = 15
TWILIO_HOSTS = {"api.twilio.com"}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "video/mp4": "mp4"}


class Retry(Exception):
    pass


class Rejected(Exception):
    pass


@task(queue_name="default")
def fetch_media(download_id: int, attempt: int = 0) -> str:
    download = MediaDownload.objects.select_related("account").get(pk=download_id)
    if download.status == MediaDownload.Status.DONE:
        return download.status
    message = Message.objects.filter(channel="sms", provider_id=download.message_sid).first()
    try:
        if message is None:
            raise Retry("the message is not filed yet")
        content, content_type = fetch(download)
        with transaction.atomic():
            name = f"mms-{download.pk}.{EXTENSIONS.get(content_type, 'bin')}"
            attachment = add_attachment(message, name, content, content_type)
            download.status = MediaDownload.Status.DONE
            download.attachment = attachment
            download.error = ""
            download.attempts = attempt + 1
            download.save(update_fields=["status", "attachment", "error", "attempts"])
        return download.status
    except Retry as exc:
        return _failed(download, str(exc), attempt, retry=True)
    except (Rejected, AttachmentTooLarge) as exc:
        return _failed(download, str(exc), attempt, retry=False)


def fetch(download: MediaDownload) -> tuple[bytes, str]:
    account = download.account
    allowed = TWILIO_HOSTS | {urlsplit(account.api_base).hostname or ""}
    if urlsplit(download.url).hostname not in allowed:
        raise Rejected(f"refusing to fetch media from {urlsplit(download.url).hostname!r}")
    limit = settings.BEREIKBAAR_MAX_ATTACHMENT_BYTES
    try:
        # requests drops the credentials when Twilio redirects to its CDN
        with requests.get(
            download.url,
            auth=(account.account_sid, account.auth_token),
            timeout=TIMEOUT,
            stream=True,
        ) as response:
            if response.status_code >= 500 or response.status_code == 429:
                raise Retry(f"Twilio answered {response.status_code}")
            if response.status_code >= 400:
                raise Rejected(f"Twilio answered {response.status_code}")
            content = response.raw.read(limit + 1, decode_content=True)
            content_type = response.headers.get("Content-Type", download.content_type)
    except requests.RequestException as exc:
        raise Retry(f"Twilio is unreachable: {exc}") from None
    if len(content) > limit:
        raise Rejected(f"the media is over the limit of {limit} bytes")
    return content, content_type.split(";")[0].strip() or "application/octet-stream"


def _failed(download: MediaDownload, error: str, attempt: int, *, retry: bool) -> str:
    retry = retry and attempt + 1 < MAX_ATTEMPTS
    with transaction.atomic():
        download.error = error[:500]
        download.attempts = attempt + 1
        if retry:
            delay = timedelta(seconds=min(10 * 3**attempt, 3600))
            fetch_media.using(run_after=timezone.now() + delay).enqueue(download.pk, attempt + 1)
        else:
            download.status = MediaDownload.Status.FAILED
        download.save(update_fields=["status", "error", "attempts"])
    log.warning("sms media %s failed (attempt %d, retry=%s): %s", download, attempt, retry, error)
    return download.status
