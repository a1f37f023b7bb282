"""POST /api/v1/inbound through the webhook door (fastdoor.py), past Django's request cycle.

It calls the same handle_post() as the ninja route, so the two answer alike.
"""

import json

from django.conf import settings

from bereikbaar.api.errors import error_body
from bereikbaar.api.inbound import handle_post
from bereikbaar.fastdoor import Answer, serve

PATH = "/api/v1/inbound"

TOO_LARGE = Answer(413, json.dumps(error_body("too_large", "the body is over 1 MiB")).encode())
UNAVAILABLE = Answer(
    503, json.dumps(error_body("unavailable", "the database is unavailable; retry later")).encode()
)


def matches(scope: dict) -> bool:
    return scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == PATH


def _handle(body: bytes, headers: dict[bytes, bytes]) -> Answer:
    status, data = handle_post(body, headers.get(b"authorization", b"").decode("latin-1"))
    return Answer(status, json.dumps(data).encode())


async def app(scope: dict, receive, send) -> None:
    await serve(
        scope,
        receive,
        send,
        handler=_handle,
        limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        too_large=TOO_LARGE,
        unavailable=UNAVAILABLE,
    )
