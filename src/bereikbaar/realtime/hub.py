"""The embedded default's channel layer: in memory, yet fed by workers in other processes.

Without Redis the agents' WebSockets live in the one `serve` process, in channels' in-memory
layer. An intake worker beside it (`serve --intake-processes N`, or `bereikbaar worker`) files
messages in another process, whose events would reach no one. So the serving process also
listens on a Unix socket in the data dir (the hub), and the layer of any other process
forwards its group sends there, one JSON line each. A process with no hub to reach delivers in
memory as before (tests, management commands).

Events stay best effort, as on Redis pub/sub: one lost while the server restarts is resynced
by the browser when its socket reconnects (inbox.js).
"""

import asyncio
import contextlib
import json
import logging
import socket
import threading
import time
from pathlib import Path

from channels.layers import InMemoryChannelLayer
from django.conf import settings

log = logging.getLogger(__name__)

SOCKET_NAME = "events.sock"
LINE_LIMIT = 1 << 20  # an event is a few hundred bytes; a longer line is not ours
RETRY_SECONDS = 2.0  # after a failed connect, deliver locally this long before trying again


def socket_path() -> Path:
    return Path(settings.DATA_DIR) / SOCKET_NAME


class HubChannelLayer(InMemoryChannelLayer):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.serving = False
        self._socket: socket.socket | None = None
        self._lock = threading.Lock()  # one writer per line, whichever thread or loop sends
        self._retry_at = 0.0

    async def group_send(self, group: str, message: dict) -> None:
        await self.group_send_many([(group, message)])

    async def group_send_many(self, items: list[tuple[str, dict]]) -> None:
        """Several group sends at once: one write to the hub for a worker's whole commit."""
        if self.serving or not self._forward(items):
            for group, message in items:
                try:
                    await super().group_send(group, message)
                except Exception:  # one bad event must not cost the others theirs
                    log.exception("realtime: could not deliver an event to %s", group)

    def _forward(self, items: list[tuple[str, dict]]) -> bool:
        """Send to the hub; False when there is none to reach (then deliver here)."""
        lines = b"".join(json.dumps(item, separators=(",", ":")).encode() + b"\n" for item in items)
        with self._lock:
            for _attempt in range(2):  # a hub restarted since: reconnect once
                sock = self._connected()
                if sock is None:
                    return False
                try:
                    sock.sendall(lines)
                    return True
                except OSError:
                    self._close()
            return False

    def _connected(self) -> socket.socket | None:
        if self._socket is not None:
            return self._socket
        if time.monotonic() < self._retry_at:
            return None
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(str(socket_path()))
        except OSError:
            sock.close()
            self._retry_at = time.monotonic() + RETRY_SECONDS
            return None
        self._socket = sock
        return sock

    def _close(self) -> None:
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.close()
            self._socket = None

    async def listen(self) -> asyncio.AbstractServer | None:
        """Become the hub (on the serving loop): other processes' events arrive here.

        A socket file left by a crashed server is replaced; one a live server answers on is
        left alone, and this process then forwards to that one like a worker would.
        """
        path = socket_path()
        if path.exists():
            try:
                _reader, writer = await asyncio.open_unix_connection(str(path))
            except OSError:
                path.unlink(missing_ok=True)
            else:
                writer.close()
                log.warning("realtime: another server already serves events on %s", path)
                return None
        server = await asyncio.start_unix_server(self._receive, path=str(path), limit=LINE_LIMIT)
        self.serving = True
        return server

    async def _receive(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while line := await reader.readline():
                try:
                    group, message = json.loads(line)
                    await InMemoryChannelLayer.group_send(self, group, message)
                except (ValueError, TypeError) as exc:  # not ours: say so, keep listening
                    log.warning("realtime hub: dropped an unreadable event line (%s)", exc)
        except (ConnectionError, ValueError) as exc:  # gone, or a line over the limit
            log.warning("realtime hub: closed a sender's connection (%s)", exc)
        finally:
            writer.close()
