"""One writer at a time on SQLite, queued by us instead of by SQLite's busy handler.

Every writer takes a turn: webhook threads accepting and intake workers filing. SQLite's busy
handler waits by sleeping with back-off, so under load accepts slept behind a worker that took
the write lock again at once (bench: p99 over 1 s). A thread lock hands the turn over as soon
as it is free within a process, and an flock on a file beside the database does the same
between processes (`serve --intake-processes`, `bereikbaar worker`): the kernel wakes the
waiter the moment the holder lets go. PostgreSQL needs none of this.
"""

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator

from django.db import DEFAULT_DB_ALIAS, connections

_locks: dict[str, threading.Lock] = {}  # database alias -> the turn within this process
_files: dict[str, int] = {}  # database path -> the open lock file of this process


@contextlib.contextmanager
def write_turn(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """The turn to write the database `using` (each SQLite file has a turn of its own)."""
    db = connections[using]
    if db.vendor != "sqlite":
        yield
        return
    with _locks.setdefault(using, threading.Lock()):
        fd = _lock_file(str(db.settings_dict["NAME"]))
        if fd is None:
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


def held(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether a thread of this process has the turn of `using` now."""
    lock = _locks.get(using)
    return lock is not None and lock.locked()


def _lock_file(database: str) -> int | None:
    """The lock file's descriptor, opened once per process (None for in-memory databases)."""
    if database in _files:
        return _files[database]
    if not database or database.startswith(":memory:") or "mode=memory" in database:
        _files[database] = None
        return None
    _files[database] = os.open(f"{database}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    return _files[database]
