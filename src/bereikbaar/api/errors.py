"""Every API error has one shape: {"error": {"code", "message"}} with the right 4xx."""

from django.http import Http404, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError


def error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def error_body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        return error(exc.status, exc.code, exc.message)

    @api.exception_handler(ValidationError)
    def validation(request, exc: ValidationError):
        first = exc.errors[0] if exc.errors else {}
        where = ".".join(str(p) for p in first.get("loc", []) if p not in ("body", "payload"))
        message = f"{where}: {first.get('msg', 'invalid')}" if where else "invalid request"
        return error(400, "invalid", message)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return error(401, "unauthenticated", "send a valid token as 'Authorization: Bearer …'")

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return error(404, "not_found", "no such object, or not visible to you")

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return error(exc.status_code, "error", str(exc))
