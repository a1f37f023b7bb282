"""POST /api/v1/inbound and GET /api/v1/inbound/{id}: the API channel's door.

handle_post() is shared by the ninja route and the ASGI fast path (api/fastpath.py), so the
two can never answer differently.
"""

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from ninja import Router, Schema

from bereikbaar.api.auth import bearer, token_is_valid
from bereikbaar.api.errors import ApiError, error_body
from bereikbaar.channels.api.inbound import accept_api_message
from bereikbaar.channels.api.payload import InvalidPayload
from bereikbaar.intake.models import Inbound

router = Router(tags=["inbound"])

INBOUND_SCHEMA = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["external_id", "from", "text"],
                    "properties": {
                        "external_id": {"type": "string", "maxLength": 255},
                        "from": {
                            "type": "object",
                            "properties": {
                                "name": {"type": "string"},
                                "email": {"type": "string"},
                                "phone": {"type": "string"},
                            },
                        },
                        "text": {"type": "string"},
                        "html": {"type": "string"},
                    },
                }
            }
        },
    }
}


def handle_post(body: bytes, authorization: str) -> tuple[int, dict]:
    if not token_is_valid(bearer(authorization)):
        return 401, error_body("unauthenticated", "send a valid token as 'Authorization: Bearer …'")
    if len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        return 413, error_body("too_large", "the body is over 1 MiB")
    try:
        accepted = accept_api_message(body)
    except InvalidPayload as exc:
        return 400, error_body("invalid", str(exc))
    except DatabaseError:  # not stored: a 503 tells the sender to retry, as the webhooks do
        return 503, error_body("unavailable", "could not store the message; retry later")
    return 202, {"id": accepted.id, "duplicate": accepted.duplicate, "status": "accepted"}


class InboundStatus(Schema):
    id: int
    status: str
    processed: bool
    conversation_id: int | None
    message_ids: list[int]
    error: str


@router.post("/inbound", auth=None, openapi_extra=INBOUND_SCHEMA, response={202: dict})
def post_inbound(request: HttpRequest):
    """Accept a customer message; 202 once it is stored. Same external_id again: same answer."""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        raise ApiError(413, "too_large", "the body is over 1 MiB")
    status, data = handle_post(request.body, request.headers.get("Authorization", ""))
    return JsonResponse(data, status=status)


@router.get("/inbound/{inbound_id}", response=InboundStatus)
def get_inbound(request: HttpRequest, inbound_id: int):
    """Whether an accepted message was processed, and into which conversation."""
    inbound = Inbound.objects.filter(pk=inbound_id, channel="api").first()
    if inbound is None:
        raise ApiError(404, "not_found", f"no inbound message {inbound_id}")
    return InboundStatus(
        id=inbound.pk,
        status=inbound.status,
        processed=inbound.status == Inbound.Status.PROCESSED,
        conversation_id=inbound.conversation_id,
        message_ids=inbound.message_ids,
        error=inbound.error if inbound.status == Inbound.Status.QUARANTINED else "",
    )
