"""GET/POST /channels/whatsapp/webhook: the handshake, and signed webhooks stored before 200.

The POST checks the size, then the signature over the raw bytes, then that it is JSON, and
answers 200 only once accept() has committed the body. Parsing happens in the intake worker.
The signature may be by any number's app secret, or by its previous secret until that
number's `previous_valid_until` (a secret rotation: Meta's retries signed with the old secret
are not refused while the new one is being rolled out).

The body limit is the webhook's own (MAX_BODY), not Django's 1 MiB upload limit: Meta batches
several messages into one POST and documents bodies of a few MB; a 413 there would make Meta
retry until it gives up, and the messages would be lost. The body is read with a bound, so a
chunked request without Content-Length cannot grow past it either.
"""

import hashlib
import hmac
import json

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from bereikbaar.channels.whatsapp.models import Account
from bereikbaar.channels.whatsapp.parse import senders
from bereikbaar.channels.whatsapp.signature import valid
from bereikbaar.intake.accept import accept

MAX_BODY = 8 * 1024 * 1024  # Meta's batches reach a few MB; well above, and still bounded
MAX_CHALLENGE = 256  # Meta sends a number; anything longer is not Meta and is not echoed


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return handshake(request)
    return receive(request)


def handshake(request: HttpRequest) -> HttpResponse:
    token = request.GET.get("hub.verify_token", "")
    known = Account.objects.values_list("verify_token", flat=True)
    matches = any(hmac.compare_digest(token.encode(), t.encode()) for t in known if t)
    if request.GET.get("hub.mode") != "subscribe" or not token or not matches:
        return _error(403, "forbidden", "wrong hub.mode or hub.verify_token")
    challenge = request.GET.get("hub.challenge", "")
    if len(challenge) > MAX_CHALLENGE:
        return _error(400, "invalid", f"hub.challenge is over {MAX_CHALLENGE} characters")
    return HttpResponse(challenge, content_type="text/plain")


def receive(request: HttpRequest) -> HttpResponse:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        return _error(413, "too_large", f"the body is over {MAX_BODY} bytes")
    body = request.read(MAX_BODY + 1)  # not request.body: that enforces Django's 1 MiB
    if len(body) > MAX_BODY:
        return _error(413, "too_large", f"the body is over {MAX_BODY} bytes")
    status, data = handle_post(body, request.headers.get("X-Hub-Signature-256", ""))
    return JsonResponse(data, status=status)


def handle_post(body: bytes, signature: str) -> tuple[int, dict]:
    """A webhook body within MAX_BODY: checked and stored (200) or refused; shared by the
    view and the ASGI door (fastpath.py), so the two answer alike."""
    if not valid(body, signature, webhook_secrets()):
        return _failure(401, "bad_signature", "X-Hub-Signature-256 does not match the body")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _failure(400, "invalid", "the body is not valid JSON")
    except RecursionError:  # signed, yet nested deeper than any Meta payload
        return _failure(400, "invalid", "the JSON is nested too deeply")
    if not isinstance(data, dict):
        return _failure(400, "invalid", "the body must be a JSON object")
    numbers = senders(data)
    try:
        accept("whatsapp", hashlib.sha256(body).hexdigest(), body, order_key=_order_key(numbers))
    except DatabaseError:
        # not stored: Meta retries on a non-2xx, so tell it to come back
        return _failure(503, "unavailable", "could not store the webhook; retry later")
    return 200, {"status": "accepted"}


def webhook_secrets() -> set[str]:
    """Every number's app secret, plus a previous one still inside its rotation window."""
    now = timezone.now()
    fields = ("app_secret", "previous_app_secret", "previous_valid_until")
    return {s for account in Account.objects.only(*fields) for s in account.webhook_secrets(now)}


def _order_key(numbers: list[str]) -> str:
    """One customer's messages are filed in order across channels (their phone number)."""
    return f"phone:{numbers[0]}" if numbers else ""


def _failure(status: int, code: str, detail: str) -> tuple[int, dict]:
    return status, error_body(code, detail)


def error_body(code: str, detail: str) -> dict:
    return {"error": code, "detail": detail}


def _error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse(error_body(code, detail), status=status)
