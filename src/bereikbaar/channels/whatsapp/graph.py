"""The Graph API, as the Cloud API speaks it: bearer token, JSON in and out, errors as
{"error": {"code", "message", "error_data": {"details"}}}. One place does HTTP."""

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from django.core.files.uploadedfile import TemporaryUploadedFile

from bereikbaar.channels.whatsapp.models import Account
from bereikbaar.conversations.attachments import AttachmentTooLarge, IncompleteBody, spool

TIMEOUT = 15
# Codes worth another try later (throttling, "try again"): https://developers.facebook.com/
# documentation/business-messaging/whatsapp/support/error-codes
TRANSIENT_CODES = {1, 2, 4, 17, 341, 80007, 130429, 131000, 131016, 131056, 133004}
MEDIA_HOSTS = {"lookaside.fbsbx.com"}


class GraphError(Exception):
    def __init__(self, text: str, *, status: int = 0, code: int = 0, transient: bool) -> None:
        super().__init__(text)
        self.status = status
        self.code = code
        self.transient = transient


class TooLarge(GraphError):
    def __init__(self, text: str) -> None:
        super().__init__(text, transient=False)


def call(account: Account, method: str, path: str, body: dict | None = None) -> dict:
    url = f"{account.api_base.rstrip('/')}/{path.lstrip('/')}"
    data = json.dumps(body).encode() if body is not None else None
    raw, _ = _open(account, method, url, data, limit=1024 * 1024)
    try:
        answer = json.loads(raw)
    except ValueError:
        raise GraphError(
            "the Graph API answered something that is not JSON", transient=True
        ) from None
    return answer if isinstance(answer, dict) else {}


def download(account: Account, url: str, limit: int) -> tuple[TemporaryUploadedFile, str]:
    """Stream a media URL with the token to a temporary file, the limit enforced while reading
    (conversations.attachments.spool), only from Meta's media host or the configured API."""
    host = urlsplit(url).hostname or ""
    if urlsplit(url).scheme not in ("http", "https") or host not in _allowed(account):
        raise GraphError(f"refusing to fetch media from {host or url!r}", transient=False)
    with _opened(account, "GET", url, None) as response:
        length = response.headers.get("Content-Length", "")
        try:
            spooled = spool(
                response.read, limit=limit, expected=int(length) if length.isdigit() else None
            )
        except AttachmentTooLarge as exc:
            raise TooLarge(str(exc)) from None
        except IncompleteBody as exc:
            raise GraphError(str(exc), transient=True) from None
        return spooled, response.headers.get("Content-Type", "")


def _allowed(account: Account) -> set[str]:
    return MEDIA_HOSTS | {urlsplit(account.api_base).hostname or ""}


class _StayOnAllowedHosts(urllib.request.HTTPRedirectHandler):
    """urllib follows redirects anywhere and copies the Authorization header along: a redirect
    off the allowed hosts would hand the access token (and our network) to another host."""

    def __init__(self, allowed: set[str]) -> None:
        self.allowed = allowed

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        parts = urlsplit(newurl)
        if parts.scheme not in ("http", "https") or (parts.hostname or "") not in self.allowed:
            raise GraphError(
                f"refusing a redirect to {parts.hostname or newurl!r}", transient=False
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _open(
    account: Account, method: str, url: str, data: bytes | None, limit: int
) -> tuple[bytes, str]:
    with _opened(account, method, url, data) as response:
        length = int(response.headers.get("Content-Length") or 0)
        if length > limit:
            raise TooLarge(f"{length} bytes is over the limit of {limit}")
        raw = response.read(limit + 1)
        if len(raw) > limit:
            raise TooLarge(f"more than {limit} bytes")
        return raw, response.headers.get("Content-Type", "")


@contextmanager
def _opened(
    account: Account, method: str, url: str, data: bytes | None
) -> Iterator[http.client.HTTPResponse]:
    """The open response; transport trouble while it is read becomes a transient GraphError."""
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (configured base)
    request.add_header("Authorization", f"Bearer {account.access_token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        opener = urllib.request.build_opener(_StayOnAllowedHosts(_allowed(account)))
        with opener.open(request, timeout=TIMEOUT) as response:
            yield response
    except urllib.error.HTTPError as exc:
        raise _error(exc.code, exc.read(64 * 1024)) from None
    except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException) as exc:
        raise GraphError(f"the Graph API is unreachable: {exc}", transient=True) from None


def _error(status: int, raw: bytes) -> GraphError:
    try:
        error = json.loads(raw).get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    if not isinstance(error, dict):
        error = {}
    code = error.get("code") if isinstance(error.get("code"), int) else 0
    details = (
        (error.get("error_data") or {}).get("details", "")
        if isinstance(error.get("error_data"), dict)
        else ""
    )
    text = f"{code or status} {error.get('message') or 'HTTP ' + str(status)}"
    if details:
        text = f"{text}: {details}"
    transient = status >= 500 or status == 429 or code in TRANSIENT_CODES
    return GraphError(text, status=status, code=code, transient=transient)
