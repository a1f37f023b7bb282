"""Every API error has one shape: {"error": {"code", "message"}} with the right 4xx.

Clients (and the people debugging them) should never have to parse an HTML error page or guess
which field was wrong, so ninja's own error answers are replaced here, and the few errors that
happen outside ninja's operations (405, oversize bodies, unknown paths) are caught by
json_errors() around each API view.
"""

import functools
import json
import logging

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from bereikbaar.delivery.reply import ReplyRefused
from bereikbaar.routing.casework import CaseworkRefused

log = logging.getLogger(__name__)

CODES = {
    400: "invalid",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "throttled",
}
UNAUTHENTICATED = "send a valid token as 'Authorization: Bearer …'"
TOO_LARGE = "the body is over 1 MiB"


def error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def error_body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


class NotAnObject(ValueError):
    """A JSON body that parsed but is not an object ([], 42, null): no field can be read."""


class ObjectParser(Parser):
    """ninja's JSON parser, but a body that is not a JSON object is refused here, by name,
    instead of surfacing later as a confusing 'field required'."""

    def parse_body(self, request):
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise NotAnObject("the body must be a JSON object")
        return data


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def validation_message(errors: list[dict]) -> str:
    """'text: Input should be a valid string' — the field first, without ninja's plumbing."""
    first = errors[0] if errors else {}
    loc = [str(p) for p in first.get("loc", [])]
    source, names = (loc[0], loc[1:]) if loc else ("", [])
    if source == "body" and names:
        names = names[1:]  # the view's parameter name, not a field the client sent
    msg = first.get("msg", "invalid")
    if source == "body" and not names:
        if first.get("type") == "missing":
            return "the body must be a JSON object (it is empty)"
        return "the body must be a JSON object"
    return f"{'.'.join(names)}: {msg}" if names else msg


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        return error(exc.status, exc.code, exc.message)

    @api.exception_handler(ValidationError)
    def validation(request, exc: ValidationError):
        return error(400, "invalid", validation_message(exc.errors))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return error(401, "unauthenticated", UNAUTHENTICATED)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return error(404, "not_found", "no such object, or not visible to you")

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if exc.status_code == 400 and isinstance(exc.__cause__, NotAnObject):
            return error(400, "invalid", str(exc.__cause__))
        if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
            return error(400, "invalid_json", "the body is not valid JSON")
        return error(exc.status_code, CODES.get(exc.status_code, "error"), str(exc))

    @api.exception_handler(RequestDataTooBig)
    def too_large(request, exc):
        return error(413, "too_large", TOO_LARGE)

    @api.exception_handler(ReplyRefused)
    def reply_refused(request, exc: ReplyRefused):
        return error(400, "refused", str(exc))

    @api.exception_handler(CaseworkRefused)
    def casework_refused(request, exc: CaseworkRefused):
        return error(400, "refused", str(exc))

    @api.exception_handler(OperationalError)
    @api.exception_handler(InterfaceError)
    def database_unavailable(request, exc):
        # the database is restarting or unreachable: a retry will do, so say so (not a 500)
        log.warning("API: database unavailable on %s %s: %s", request.method, request.path, exc)
        return error(503, "unavailable", "the database is unavailable; retry later")

    @api.exception_handler(Exception)
    def internal(request, exc: Exception):
        log.exception("API error on %s %s", request.method, request.path)
        return error(500, "internal", "something went wrong on our side; it has been logged")


def json_errors(view):
    """Wrap an API view so the answers Django and ninja give outside an operation are JSON too:
    405 (ninja returns a plain HttpResponseNotAllowed), 413 (RequestDataTooBig raised while
    reading the body) — whatever happens, the client gets the one error shape."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except RequestDataTooBig:
            return error(413, "too_large", TOO_LARGE)
        if response.status_code == 405 and not _is_json(response):
            allowed = response.get("Allow", "")
            answer = error(405, "method_not_allowed", f"{request.method} is not allowed here")
            if allowed:
                answer["Allow"] = allowed
            return answer
        return response

    return wrapped


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def unknown_path(request, *args, **kwargs) -> JsonResponse:
    """Anything under /api/v1/ that is not a route: a JSON 404, never Django's HTML page."""
    return error(404, "not_found", f"no API route {request.path}")
