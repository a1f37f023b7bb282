"""Wake the intake workers the moment an inbound row commits: no polling delay.

In one process a threading.Event does it. On PostgreSQL, accept() also sends NOTIFY inside its
transaction (PostgreSQL delivers it only on commit, once per transaction), and every worker
LISTENs on a connection of its own, so `bereikbaar worker` processes beside `serve --no-worker`
are woken at once too. SQLite has no such channel; there a worker in another process falls
back to polling (worker.py), and the embedded default runs its worker in-process anyway.
"""

import logging
import threading

from django.db import connection

log = logging.getLogger(__name__)

CHANNEL = "bereikbaar_intake"
NOTIFY_SQL = f"NOTIFY {CHANNEL}"

_event = threading.Event()


def notify() -> None:
    _event.set()


def wait(timeout: float) -> bool:
    """Block until notified in this process or the timeout passes; True if notified."""
    woke = _event.wait(timeout)
    _event.clear()
    return woke


class Waiter:
    """What one worker thread sleeps on: PostgreSQL's notifications if the database has
    them (they cover this process's accepts too), else the in-process event."""

    def __init__(self) -> None:
        self._listening = connection.vendor == "postgresql"
        self._conn = None

    def wait(self, timeout: float) -> bool:
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
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None
