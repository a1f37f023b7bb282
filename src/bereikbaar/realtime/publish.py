"""publish(): hand an event to the channel layer once the transaction that caused it commits."""

import asyncio
import logging
import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from bereikbaar.realtime.events import ALL

log = logging.getLogger(__name__)

# The serving process's event loop. The in-memory layer's queues belong to it, so events made on
# other threads (the intake worker, sync views) are handed to that loop rather than a new one.
_server_loop: asyncio.AbstractEventLoop | None = None


def bind_server_loop(loop: asyncio.AbstractEventLoop) -> None:
    global _server_loop
    _server_loop = loop


def publish(event: str, payload: dict, groups: list[str]) -> None:
    """Send after commit, so a browser never sees what the database does not have."""
    if event not in ALL:
        raise ValueError(f"unknown realtime event {event!r}; name it in realtime/events.py")
    message = {"type": "inbox.event", "event": event, "payload": payload, "at": time.time()}
    transaction.on_commit(lambda: send_now(groups, message), robust=True)


def send_now(groups: list[str], message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    loop = _server_loop
    for group in dict.fromkeys(groups):
        try:
            if loop is not None and loop.is_running():
                asyncio.run_coroutine_threadsafe(layer.group_send(group, message), loop)
            else:
                async_to_sync(layer.group_send)(group, message)
        except Exception:  # a lost push is resynced by the browser; never fail the commit
            log.exception("realtime: could not publish %s to %s", message["event"], group)
