"""One writer at a time on SQLite, queued in-process instead of by SQLite's busy handler.

The embedded default has every writer in one process: webhook threads accepting and the intake
worker filing. SQLite's busy handler waits by sleeping with back-off, so under load accepts
slept behind a worker that took the write lock again at once (bench: p99 over 1 s). A Python
lock hands the turn over as soon as it is free. PostgreSQL needs none of this.
"""

import contextlib
import threading
from collections.abc import Iterator

from django.db import connection

_lock = threading.Lock()


@contextlib.contextmanager
def write_turn() -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    with _lock:
        yield
