"""POST /channels/cti: a PBX's call events, authenticated by the line's token (and, when the
line has a signing secret, by a fresh HMAC over timestamp and body: cti_auth.py).

Like every webhook here: check, one durable INSERT keyed by the event, answer. The call
record, the call log and the screen-pop follow from the intake worker. A newCall from a blocked
number is answered {"action": "reject", "reason": "busy"} (and recorded as rejected).
"""

import hashlib
import json
import time

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bereikbaar.channels.voice import cti_auth
from bereikbaar.channels.voice.cti import BadEvent, CtiEvent, parse, read_body
from bereikbaar.channels.voice.models import Line
from bereikbaar.intake.accept import accept

FORMS = {"application/x-www-form-urlencoded", "multipart/form-data"}


@csrf_exempt
@require_POST
def cti(request: HttpRequest) -> JsonResponse:
    line = line_for_token(_token(request))
    if line is None:
        return JsonResponse({"error": "unknown or missing token"}, status=401)
    if len(request.body) > min(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 65536, 65536):
        return JsonResponse({"error": "the body is too large"}, status=413)
    received = time.time()
    if line.signing_secret:
        problem = cti_auth.refusal(
            line.signing_secret,
            request.headers.get(cti_auth.TIMESTAMP, ""),
            request.headers.get(cti_auth.SIGNATURE, ""),
            request.body,
            received,
        )
        if problem:
            return JsonResponse({"error": problem}, status=401)
    try:
        if request.content_type in FORMS:
            fields = {key: request.POST.get(key, "") for key in request.POST}
        else:
            fields = read_body(request.body, request.content_type or "")
        event = parse(fields, received)
    except BadEvent as exc:
        return JsonResponse({"error": str(exc)}, status=422)
    rejected = is_blocked(line, event)
    stored = {"line": line.pk, "received": received, "cti": fields, "rejected": rejected}
    key = fields.get("eventId") or hashlib.sha256(request.body).hexdigest()
    try:
        accept(
            "phone",
            f"cti:{line.pk}:{key}",
            json.dumps(stored).encode(),
            order_key=f"call:{line.pk}:{event.call_id}",
        )
    except DatabaseError:
        return JsonResponse({"error": "could not store the event; retry later"}, status=503)
    if rejected:
        return JsonResponse({"action": "reject", "reason": "busy"})
    return JsonResponse({})


def is_blocked(line: Line, event: CtiEvent) -> bool:
    if event.event != "newCall" or event.direction != "in":
        return False
    blocked = set(line.blocked or [])
    return bool(event.number and event.number in blocked) or event.caller in blocked


def line_for_token(token: str) -> Line | None:
    if not token:
        return None
    return Line.objects.filter(token=token, kind=Line.Kind.CTI).first()


def _token(request: HttpRequest) -> str:
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.headers.get("X-CTI-Token", "") or request.GET.get("token", "")
