"""POST /simulator/callback: where the API channel delivers agent replies in the demo
(BEREIKBAAR_API_CALLBACK_URL), checking the signature when a secret is set. The simulator page
marks the replies that arrived here, so the whole outbound path is visible too."""

import hmac
import json
import logging
import threading
from collections import OrderedDict

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bereikbaar.channels.api.sender import signature

log = logging.getLogger(__name__)

_received: OrderedDict[int, str] = OrderedDict()
_received_lock = threading.Lock()
_RECEIVED_MAX = 1000


def received_callbacks() -> set[int]:
    """Ids of messages the API channel delivered here (kept in this process's memory)."""
    with _received_lock:
        return set(_received)


@csrf_exempt
@require_POST
def callback(request: HttpRequest) -> JsonResponse:
    body = request.body
    if secret := settings.BEREIKBAAR_API_CALLBACK_SECRET:
        given = request.headers.get("X-Bereikbaar-Signature", "")
        if not hmac.compare_digest(given.encode(), signature(secret, body).encode()):
            return JsonResponse({"error": "invalid_signature"}, status=403)
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": "invalid", "message": "the body is not JSON"}, status=400)
    if not isinstance(data, dict) or not isinstance(data.get("message_id"), int):
        return JsonResponse(
            {"error": "invalid", "message": "expected an object with message_id"}, status=400
        )
    with _received_lock:
        _received[data["message_id"]] = timezone.now().isoformat()
        while len(_received) > _RECEIVED_MAX:
            _received.popitem(last=False)
    log.info(
        "simulator: reply %s for conversation %s received",
        data["message_id"],
        data.get("conversation_id"),
    )
    return JsonResponse({"ok": True, "message_id": data["message_id"]})
