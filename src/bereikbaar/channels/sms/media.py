"""MMS media, fetched by a task with the account's credentials, streamed to storage within the
size limit and stored as attachments; retried when Twilio has trouble.

Twilio answers a media URL on api.twilio.com with a redirect to a short-lived URL on its media
CDN (mms.twiliocdn.com, https://support.twilio.com/hc/en-us/articles/223183748). Redirects are
followed here by hand, because a redirect is an address someone else chose: at most MAX_HOPS of
them, over http(s) only, to Twilio's hosts or the configured API base, never to an address
inside our network (unless it is the configured base: a local stand-in), and the credentials go
only to the origin of the URL Twilio gave us. A refused redirect fails the download visibly;
the message itself is filed already.

A full disk (the temporary file or the store fails with an OSError) is retried with the same
back-off and fails visibly after MAX_ATTEMPTS (I18). The file is stored only while its download
is still pending (one failed meanwhile, in the admin or by an erasure, stays failed and the file
is discarded), and the open inbox is told when it lands (MESSAGE_UPDATED)."""

import ipaddress
import logging
import socket
from datetime import timedelta
from functools import partial
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from bereikbaar.channels.sms.models import Account, MediaDownload
from bereikbaar.conversations.attachments import (
    AttachmentTooLarge,
    IncompleteBody,
    SpoolFailed,
    spool,
    store,
)
from bereikbaar.conversations.models import Message
from bereikbaar.realtime import events
from bereikbaar.realtime.publish import publish
from bereikbaar.routing.access import groups_for

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
MAX_HOPS = 3
TIMEOUT = 15
TWILIO_HOSTS = {"api.twilio.com"}
CDN_SUFFIX = ".twiliocdn.com"
REDIRECTS = {301, 302, 303, 307, 308}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "video/mp4": "mp4"}


class Retry(Exception):
    pass


class Rejected(Exception):
    pass


@task(queue_name="default")
def fetch_media(download_id: int, attempt: int = 0) -> str:
    download = MediaDownload.objects.select_related("account").get(pk=download_id)
    if download.status != MediaDownload.Status.PENDING:  # done, or failed (e.g. erased)
        return download.status
    message = Message.objects.filter(channel="sms", provider_id=download.message_sid).first()
    try:
        if message is None:
            raise Retry("the message is not filed yet")
        spooled, content_type = fetch(download)
        with spooled:
            return _store(download, message, spooled, content_type, attempt)
    except (Retry, IncompleteBody) as exc:
        return _failed(download, str(exc), attempt, retry=True)
    except (Rejected, AttachmentTooLarge) as exc:
        return _failed(download, str(exc), attempt, retry=False)
    except OSError as exc:  # a full disk: the temporary file or the store
        return _failed(download, f"the file could not be stored (disk): {exc}", attempt, retry=True)


def _store(
    download: MediaDownload,
    message: Message,
    spooled: TemporaryUploadedFile,
    content_type: str,
    attempt: int,
) -> str:
    """Store the file and mark the download done, in one transaction, if it is still pending;
    otherwise (erased, or another run was first) remove the file again and keep nothing."""
    name = f"mms-{download.pk}.{EXTENSIONS.get(content_type, 'bin')}"
    with transaction.atomic():
        attachment = store(message, name, spooled, content_type)
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


def fetch(download: MediaDownload) -> tuple[TemporaryUploadedFile, str]:
    """The media as a spooled temporary file (see conversations.attachments) and its type."""
    account = download.account
    origin = _origin(download.url)
    if urlsplit(download.url).hostname not in TWILIO_HOSTS | {_base_host(account)}:
        raise Rejected(f"refusing to fetch media from {urlsplit(download.url).hostname!r}")
    url = download.url
    try:
        for _ in range(MAX_HOPS + 1):
            check_hop(url, account)
            credentials = (account.account_sid, account.auth_token)
            with requests.get(
                url,
                auth=credentials if _origin(url) == origin else None,
                timeout=TIMEOUT,
                stream=True,
                allow_redirects=False,
            ) as response:
                status = response.status_code
                if status in REDIRECTS and response.headers.get("Location"):
                    url = urljoin(url, response.headers["Location"])
                    continue
                if status >= 500 or status == 429:
                    raise Retry(f"Twilio answered {status}")
                if status >= 300:
                    raise Rejected(f"Twilio answered {status}")
                spooled = spool(
                    partial(response.raw.read, decode_content=True), expected=_length(response)
                )
                content_type = response.headers.get("Content-Type", download.content_type)
                return spooled, content_type.split(";")[0].strip() or "application/octet-stream"
    except urllib3.exceptions.DecodeError as exc:
        raise Rejected(f"the media could not be decoded: {exc}") from None
    except SpoolFailed:
        raise  # our disk, not Twilio: fetch_media retries it as such
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        raise Retry(f"Twilio is unreachable: {exc}") from None
    raise Rejected(f"stopped after {MAX_HOPS} redirects")


def check_hop(url: str, account: Account) -> None:
    """Refuse an address we must not fetch: another scheme, a host that is not Twilio's (or the
    configured base), or a Twilio name that resolves into our own network."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https"):
        raise Rejected(f"refusing a redirect to {parts.scheme or url!r}")
    if host == _base_host(account):
        return
    if host not in TWILIO_HOSTS and not host.endswith(CDN_SUFFIX):
        raise Rejected(f"refusing a redirect to {host!r}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if not all(ipaddress.ip_address(a).is_global for a in addresses(host, port)):
        raise Rejected(f"refusing a redirect to {host!r}: it resolves to a private address")


def addresses(host: str, port: int) -> list[str]:
    """The IP addresses `host` resolves to (none when it does not resolve)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise Retry(f"{host} does not resolve: {exc}") from None
    return [info[4][0].split("%")[0] for info in infos]


def _length(response: requests.Response) -> int | None:
    """The Content-Length, when it is the length of what we store (no Content-Encoding)."""
    length = response.headers.get("Content-Length", "")
    return int(length) if length.isdigit() and "Content-Encoding" not in response.headers else None


def _base_host(account: Account) -> str:
    return urlsplit(account.api_base).hostname or ""


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, parts.hostname or "", parts.port


def _failed(download: MediaDownload, error: str, attempt: int, *, retry: bool) -> str:
    """Record the failed attempt and enqueue the next, only while the download is pending (a
    "failed" set meanwhile is never turned back into a retry)."""
    retry = retry and attempt + 1 < MAX_ATTEMPTS
    fields = {"error": error[:500], "attempts": attempt + 1}
    if not retry:
        fields["status"] = MediaDownload.Status.FAILED
    with transaction.atomic():
        changed = MediaDownload.objects.filter(
            pk=download.pk, status=MediaDownload.Status.PENDING
        ).update(**fields)
        if changed and retry:
            delay = timedelta(seconds=min(10 * 3**attempt, 3600))
            fetch_media.using(run_after=timezone.now() + delay).enqueue(download.pk, attempt + 1)
        elif changed:  # failed for good: the open inbox shows it now
            message = Message.objects.filter(channel="sms", provider_id=download.message_sid)
            if found := message.first():
                _announce(found)
    log.warning("sms media %s failed (attempt %d, retry=%s): %s", download, attempt, retry, error)
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
