"""publish(): hand an event to the channel layer once the transaction that caused it commits."""

import asyncio
import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Iterator

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
    """Hand one event to the channel layer now (publish() calls this once its commit is done).

    With a serving loop bound, the event joins an outbox that one task on that loop empties:
    a worker committing a batch wakes the loop once, not once per event and group.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    held = getattr(_held, "events", None)
    if held is not None:
        held.append((groups, message))
        return
    loop = _server_loop
    if loop is not None and loop.is_running():
        _post(loop, layer, [(groups, message)])
    else:
        _send_here(layer, groups, message)


_held = threading.local()


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Events sent on this thread inside leave together at the end, in order: a worker that
    commits many messages at once wakes the serving loop once for all of them."""
    if getattr(_held, "events", None) is not None:  # nested: the outer one sends
        yield
        return
    _held.events = []
    try:
        yield
    finally:
        events, _held.events = _held.events, None
        if events and (layer := get_channel_layer()) is not None:
            loop = _server_loop
            if loop is not None and loop.is_running():
                _post(loop, layer, events)
            else:
                for groups, message in events:
                    _send_here(layer, groups, message)


def _addressed(message: dict, group: str) -> dict:
    """The message as sent to one group, naming it: a socket can then drop events of a group
    its user has since left (inbox/consumers.py), before the socket has left the group."""
    return {**message, "group": group}


def _send_here(layer, groups: list[str], message: dict) -> None:
    for group in dict.fromkeys(groups):
        try:
            async_to_sync(layer.group_send)(group, _addressed(message, group))
        except Exception:  # a lost push is resynced by the browser; never fail the commit
            log.exception("realtime: could not publish %s to %s", message["event"], group)


_outbox: deque[tuple[list[str], dict]] = deque()
_outbox_lock = threading.Lock()
_flushing = False  # a flush task is scheduled or running on the serving loop


def _post(loop: asyncio.AbstractEventLoop, layer, events: list[tuple[list[str], dict]]) -> None:
    global _flushing
    with _outbox_lock:
        _outbox.extend(events)
        if _flushing:
            return
        _flushing = True
    try:
        loop.call_soon_threadsafe(lambda: loop.create_task(_flush(layer)))
    except RuntimeError:  # the loop closed meanwhile: send what waits from this thread
        with _outbox_lock:
            waiting = list(_outbox)
            _outbox.clear()
            _flushing = False
        for item in waiting:
            _send_here(layer, *item)


async def _flush(layer) -> None:
    """Send everything in the outbox, in order, until it stays empty."""
    global _flushing
    while True:
        with _outbox_lock:
            if not _outbox:
                _flushing = False
                return
            batch = list(_outbox)
            _outbox.clear()
        if send_many := getattr(layer, "group_send_many", None):  # the hub: one write for all
            items = [(g, _addressed(m, g)) for groups, m in batch for g in dict.fromkeys(groups)]
            try:
                await send_many(items)
            except Exception:  # a lost push is resynced by the browser
                log.exception("realtime: could not publish %d events", len(batch))
            continue
        for groups, message in batch:
            for group in dict.fromkeys(groups):
                try:
                    await layer.group_send(group, _addressed(message, group))
                except Exception:  # a lost push is resynced by the browser
                    log.exception("realtime: could not publish %s to %s", message["event"], group)
