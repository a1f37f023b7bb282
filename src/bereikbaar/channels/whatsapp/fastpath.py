"""POST /channels/whatsapp/webhook through the webhook door (fastdoor.py), past Django's
request cycle: Meta's webhooks cost ~10 ms of server CPU each through it (bench/RESULTS.md,
WhatsApp ingestion). It calls the view's own handle_post(), so the two answer alike; the
handshake (GET) stays with the view.
"""

import json

from bereikbaar.channels.whatsapp.views import MAX_BODY, error_body, handle_post
from bereikbaar.fastdoor import Answer, serve

PATH = "/channels/whatsapp/webhook"

TOO_LARGE = Answer(
    413, json.dumps(error_body("too_large", f"the body is over {MAX_BODY} bytes")).encode()
)
UNAVAILABLE = Answer(
    503, json.dumps(error_body("unavailable", "could not store the webhook; retry later")).encode()
)


def matches(scope: dict) -> bool:
    return scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == PATH


def _handle(body: bytes, headers: dict[bytes, bytes]) -> Answer:
    signature = headers.get(b"x-hub-signature-256", b"").decode("latin-1")
    status, data = handle_post(body, signature)
    return Answer(status, json.dumps(data).encode())


async def app(scope: dict, receive, send) -> None:
    await serve(
        scope,
        receive,
        send,
        handler=_handle,
        limit=MAX_BODY,
        too_large=TOO_LARGE,
        unavailable=UNAVAILABLE,
    )
