"""Wake the intake workers the moment an inbound row commits: no polling delay.

In one process a threading.Event does it. On PostgreSQL, accept() also sends NOTIFY inside its
transaction (PostgreSQL delivers it only on commit, once per transaction), and every worker
LISTENs on a connection of its own, so `bereikbaar worker` processes beside `serve --no-worker`
are woken at once too. SQLite has no such channel, so there each worker binds a datagram
socket in the data dir and accept() sends every one of them a byte after its commit: a worker
in a child of `serve --intake-processes` (or a `bereikbaar worker`) wakes as fast as a thread.
"""

import contextlib
import logging
import os
import select
import socket
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

log = logging.getLogger(__name__)

CHANNEL = "bereikbaar_intake"
NOTIFY_SQL = f"NOTIFY {CHANNEL}"

_event = threading.Event()


def notify() -> None:
    _event.set()
    if connection.vendor == "sqlite":
        _datagrams.send()


def _wake_dir() -> Path:
    return Path(settings.DATA_DIR) / "intake-wake"


class _Datagrams:
    """The sending side: the workers' sockets, listed again every second (at every send while
    there are none, so a worker process that starts after the server is woken at once)."""

    def __init__(self) -> None:
        self._sock: socket.socket | None = None
        self._paths: list[str] = []
        self._listed = 0.0
        self._lock = threading.Lock()

    def forget_listing(self) -> None:
        self._listed = 0.0

    def send(self) -> None:
        with self._lock:
            if not self._paths or time.monotonic() - self._listed > 1.0:  # a new worker?
                self._paths = [str(p) for p in _wake_dir().glob("*.sock")]
                self._listed = time.monotonic()
            if not self._paths:
                return
            if self._sock is None:
                self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                self._sock.setblocking(False)
            for path in list(self._paths):
                try:
                    self._sock.sendto(b"!", path)
                except BlockingIOError:  # its queue is full: it has wakes enough
                    pass
                except OSError as exc:  # that worker is gone
                    self._paths.remove(path)
                    if isinstance(exc, ConnectionRefusedError):  # and left its socket file
                        with contextlib.suppress(OSError):
                            os.unlink(path)


_datagrams = _Datagrams()


def wait(timeout: float) -> bool:
    """Block until notified in this process or the timeout passes; True if notified."""
    woke = _event.wait(timeout)
    _event.clear()
    return woke


class Waiter:
    """What one worker thread sleeps on: PostgreSQL's notifications if the database has
    them, else its own datagram socket (both cover this process's accepts too)."""

    def __init__(self) -> None:
        self._listening = connection.vendor == "postgresql"
        self._conn = None
        self._socket = None if self._listening else _bind()

    def wait(self, timeout: float) -> bool:
        if self._socket is not None:
            return _drain(self._socket, timeout)
        if not self._listening:
            return wait(timeout)
        try:
            conn = self._conn or self._listen()
            woke = any(True for _ in conn.notifies(timeout=timeout, stop_after=1))
        except Exception as exc:  # the server restarted, the network dropped: poll meanwhile
            log.warning("intake LISTEN connection lost (%s); polling until it is back", exc)
            self.close()
            return wait(timeout)
        _event.clear()
        return woke

    def _listen(self):
        import psycopg

        params = connection.get_connection_params()
        for django_only in ("cursor_factory", "context"):  # Django's adapters; not needed here
            params.pop(django_only, None)
        self._conn = psycopg.connect(**params, autocommit=True)
        self._conn.execute(f"LISTEN {CHANNEL}")
        return self._conn

    def close(self) -> None:
        if self._socket is not None:
            path = self._socket.getsockname()
            self._socket.close()
            self._socket = None
            with contextlib.suppress(OSError):
                os.unlink(path)
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None


def _bind() -> socket.socket | None:
    """This worker's socket; None (then: the in-process event) if it cannot have one."""
    path = _wake_dir() / f"{os.getpid()}-{threading.get_ident()}.sock"
    try:
        path.parent.mkdir(exist_ok=True)
        path.unlink(missing_ok=True)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(str(path))
    except OSError as exc:  # a path over the 107 bytes a socket may have, a read-only dir
        log.warning("intake: no wake-up socket (%s); in-process wake-ups only", exc)
        return None
    sock.setblocking(False)
    _datagrams.forget_listing()
    return sock


def _drain(sock: socket.socket, timeout: float) -> bool:
    """Wait for a wake-up or the timeout; swallow every wake-up queued meanwhile."""
    woke = bool(select.select([sock], [], [], timeout)[0])
    with contextlib.suppress(BlockingIOError):
        while sock.recv(64):
            pass
    _event.clear()
    return woke
