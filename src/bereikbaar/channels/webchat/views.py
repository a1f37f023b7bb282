"""HTTP for the widget: the script itself, the full-page chat, attachment upload, the site
check, demo site."""

from __future__ import annotations

import errno
import logging
from pathlib import Path

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from bereikbaar.channels.webchat.origins import allowed
from bereikbaar.channels.webchat.payload import Refused
from bereikbaar.channels.webchat.tokens import BadToken, visitor_for
from bereikbaar.channels.webchat.upload import max_bytes, take_upload

log = logging.getLogger(__name__)

WIDGET = Path(__file__).parent / "static" / "webchat" / "widget.js"
UPLOAD_MESSAGES = {
    "too_large": _("Dit bestand is te groot."),
    "bad_type": _("Alleen foto's (JPEG, PNG, GIF, WebP) en PDF-bestanden kunnen mee."),
    "empty": _("Dit bestand is leeg."),
    "bad_request": _("Dit bestand kon niet worden verwerkt."),
    "bad_token": _("Je chatsessie is verlopen. Laad de pagina opnieuw."),
    "forbidden_origin": _("Deze chat hoort bij een andere website."),
    "not_stored": _("Het kon nu niet worden opgeslagen; probeer het later opnieuw."),
}
FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
RETRY_AFTER_SECONDS = 60


@require_GET
def widget_js(request: HttpRequest) -> HttpResponse:
    """Served from one stable URL for any site; cached briefly so a new version spreads."""
    response = HttpResponse(WIDGET.read_bytes(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def chat_page(request: HttpRequest) -> HttpResponse:
    language = request.GET.get("lang") or getattr(request, "LANGUAGE_CODE", "nl")
    return render(request, "webchat/chat.html", {"lang": "en" if language == "en" else "nl"})


@require_GET
def demo_site(request: HttpRequest) -> HttpResponse:
    return render(request, "webchat/demo_site.html")


def _cors(response: HttpResponse) -> HttpResponse:
    # The widget runs on other sites; the token is the credential, never a cookie.
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Headers"] = "X-Visitor-Token"
    response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
    return response


def _refused(code: str, status: int, language: str = "nl") -> HttpResponse:
    with translation.override(language):
        text = str(UPLOAD_MESSAGES[code])
    return _cors(JsonResponse({"error": code, "message": text}, status=status))


@require_GET
def site_check(request: HttpRequest) -> HttpResponse:
    """May the page asking run the widget? 200, or 403 `forbidden_origin` with a message.

    A refused site's socket handshake fails before it opens (close 4403 before accept), and a
    browser hides why from the page: to the widget it looks like a network drop, and it kept
    knocking every 10 s. After a handshake that never opened, the widget asks here and, on a
    403, stops and stays out of sight. Informational only: the socket and the upload check
    the Origin themselves. No Origin (a same-origin fetch, our own /chat/ page) is not a
    refusal here, so the widget never gives up on a site the socket may let in.
    """
    origin = request.headers.get("Origin", "")
    if origin and not allowed(origin, request.get_host()):
        response = _refused("forbidden_origin", 403, _language(request))
    else:
        response = _cors(JsonResponse({"ok": True}))
    response["Cache-Control"] = "no-store"  # the admin may change the list at any moment
    return response


def _language(request: HttpRequest) -> str:
    return "en" if request.GET.get("lang") == "en" else "nl"


@csrf_exempt
def upload(request: HttpRequest) -> HttpResponse:
    if request.method == "OPTIONS":
        return _cors(HttpResponse(status=204))
    if request.method != "POST":
        return _refused("bad_request", 405)
    language = _language(request)
    if not allowed(request.headers.get("Origin", ""), request.get_host()):
        return _refused("forbidden_origin", 403, language)
    if int(request.META.get("CONTENT_LENGTH") or 0) > max_bytes() + 64 * 1024:
        return _refused("too_large", 413, language)
    try:
        visitor = visitor_for(request.headers.get("X-Visitor-Token", ""))
    except BadToken:
        return _refused("bad_token", 401, language)
    try:
        return _take(request, visitor, language)
    except OSError as exc:  # a large upload is spooled to a temporary file: the disk is full
        status = 507 if exc.errno in FULL_ERRNOS else 503
        return _not_stored(status, language, f"the upload's temporary file: {exc}")
    except (OperationalError, InterfaceError) as exc:  # the database is full or unreachable
        return _not_stored(503, language, f"the database: {exc}")


def _take(request: HttpRequest, visitor: str, language: str) -> HttpResponse:
    item = request.FILES.get("file")
    if item is None:
        return _refused("bad_request", 400, language)
    if item.size > max_bytes():
        return _refused("too_large", 413, language)
    try:
        accepted = take_upload(
            visitor, request.POST.get("client_id", ""), item.name, item.read(), language
        )
    except Refused as exc:
        code = exc.code if exc.code in UPLOAD_MESSAGES else "bad_request"
        return _refused(code, 413 if code == "too_large" else 400, language)
    return _cors(JsonResponse({"ok": True, "duplicate": accepted.duplicate}, status=202))


def _not_stored(status: int, language: str, why: str) -> HttpResponse:
    """Nothing was accepted, so nothing is lost: the widget shows that the file was not sent
    and may be sent again later; the visitor's typed messages go by the socket, unaffected."""
    log.warning("chat upload not accepted (%s): %s", status, why)
    response = _refused("not_stored", status, language)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
