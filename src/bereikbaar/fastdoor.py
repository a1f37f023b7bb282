"""A webhook's door that skips Django's request cycle: read the body, hand it to a handler on a
thread, answer.

Django's ASGI request cycle costs ~3 ms of CPU per request on this machine (research/perf.md),
an accept ~0.3 ms. Providers burst (Meta batches, Twilio retries, an integration replaying a
backlog), so the doors that only check and store — POST /api/v1/inbound, Meta's webhook — take
this path, and their Django views call the same handler, so the two can never answer
differently. The handler runs where a view would: on a thread, with that thread's connection.

A body over the door's limit is refused before more of it is read (by its Content-Length, or
while reading a chunked one). A database that cannot be reached is a 503 with Retry-After, as
everywhere else (unavailable.py): providers retry it, and nothing was acknowledged.
"""

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import InterfaceError, OperationalError, close_old_connections

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: bytes = b"application/json"


# handler(body, headers) -> Answer; headers as ASGI gives them (lower-case bytes names)
Handler = Callable[[bytes, dict[bytes, bytes]], Answer]


def _handle(handler: Handler, body: bytes, headers: dict, unavailable: Answer) -> Answer:
    """As Django's request cycle does around a view: connections too old or broken are closed
    before and after. After matters with PostgreSQL's pool (CONN_MAX_AGE 0): the connection
    goes back to the pool instead of staying with an idle thread (and with a thread that ends,
    lost to the pool for good)."""
    close_old_connections()
    try:
        return handler(body, headers)
    except (OperationalError, InterfaceError) as exc:
        log.warning("database unavailable on a webhook door: %s", exc)
        return unavailable
    finally:
        close_old_connections()


async def serve(
    scope: dict,
    receive,
    send,
    *,
    handler: Handler,
    limit: int,
    too_large: Answer,
    unavailable: Answer,
) -> None:
    headers = dict(scope["headers"])
    answer = None
    try:
        if int(headers.get(b"content-length", b"0")) > limit:
            answer = too_large
    except ValueError:
        pass
    body = bytearray()
    while answer is None:
        event = await receive()
        if event["type"] == "http.disconnect":
            return
        body += event.get("body", b"")
        if len(body) > limit:
            answer = too_large
        elif not event.get("more_body"):
            break
    if answer is None:
        loop = asyncio.get_running_loop()
        # the loop's pool: asgiref's sync_to_async did the same with a copied context and
        # bookkeeping the handler needs neither of (135 against 84 µs of CPU for a no-op)
        answer = await loop.run_in_executor(
            None, _handle, handler, bytes(body), headers, unavailable
        )
    extra = [(b"retry-after", str(RETRY_AFTER_SECONDS).encode())] if answer.status == 503 else []
    await send(
        {
            "type": "http.response.start",
            "status": answer.status,
            "headers": [
                (b"content-type", answer.content_type),
                (b"content-length", str(len(answer.body)).encode()),
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": answer.body})
