"""A database that cannot be reached (restarting, failing over, a lock held too long) makes
every page and webhook answer 503 with Retry-After, never a 500.

Providers (Meta, Twilio, a PBX) and browsers retry a 503, and it is the truth: nothing was
stored, so nothing was acknowledged. Only connection-level errors qualify; an IntegrityError
or ProgrammingError is a bug and stays a 500. The REST API answers the same in its own error
shape (api/errors.py), and the webhook doors past Django the same (fastdoor.py).
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

from bereikbaar.fastdoor import RETRY_AFTER_SECONDS

log = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        log.warning("database unavailable on %s %s: %s", request.method, request.path, exception)
        response = HttpResponse(
            "The service is briefly unavailable; please retry.",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
