"""Child processes of `serve`: started with it, restarted when one dies, stopped with it.

`serve --intake-processes N` files inbound messages in N `bereikbaar worker --intake-only`
children, so filing (CPU-bound Python) and answering webhooks no longer take turns for one
interpreter lock. They share the database, the data dir and the environment of the parent.
"""

import logging
import os
import subprocess
import sys
import threading

log = logging.getLogger("bereikbaar.server")

PARENT_ENV = "BEREIKBAAR_PARENT_PID"  # a child stops when this process is gone (orphaned)
READY_ENV = "BEREIKBAAR_READY_FD"  # a child writes a byte here once its workers run
READY_TIMEOUT = 60.0
RESTART_AFTER = 1.0  # seconds: a child that keeps crashing is not restarted in a tight loop


class Children:
    def __init__(self, args: list[str], count: int) -> None:
        self.args = args
        self.count = count
        self._stopping = threading.Event()
        self._procs: list[subprocess.Popen | None] = [None] * count
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start every child and return once each says it is running (or has failed to): the
        server then opens its port with its workers ready, not a second later."""
        ready = []
        for slot in range(self.count):
            started = threading.Event()
            ready.append(started)
            threading.Thread(
                target=self._keep, args=(slot, started), name=f"child-{slot}", daemon=True
            ).start()
        for started in ready:
            if not started.wait(READY_TIMEOUT):
                log.error("%s did not report ready in %.0f s", " ".join(self.args), READY_TIMEOUT)

    def _keep(self, slot: int, started: threading.Event) -> None:
        command = [sys.executable, "-m", "bereikbaar.cli", *self.args]
        while not self._stopping.is_set():
            with self._lock:
                if self._stopping.is_set():
                    return
                read_end, write_end = os.pipe()
                env = {**os.environ, PARENT_ENV: str(os.getpid()), READY_ENV: str(write_end)}
                proc = subprocess.Popen(command, env=env, pass_fds=[write_end])
                self._procs[slot] = proc
            os.close(write_end)
            with os.fdopen(read_end, "rb") as pipe:
                pipe.read(1)  # a byte once ready; b"" if it exits first
            started.set()
            code = proc.wait()
            if self._stopping.is_set():
                return
            log.error("%s exited with %s; starting it again", " ".join(self.args), code)
            self._stopping.wait(RESTART_AFTER)

    def stop(self, timeout: float = 10.0) -> None:
        with self._lock:
            self._stopping.set()
            running = [p for p in self._procs if p is not None and p.poll() is None]
        for proc in running:
            proc.terminate()
        for proc in running:
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def orphaned() -> bool:
    """True in a child of `serve` whose parent died (even by SIGKILL): time to stop."""
    parent = os.environ.get(PARENT_ENV)
    return bool(parent) and str(os.getppid()) != parent


def report_ready() -> None:
    """In a child of `serve`: its workers run (the parent waits for this before serving)."""
    fd = os.environ.pop(READY_ENV, "")
    if fd.isdigit():
        try:
            os.write(int(fd), b"1")
            os.close(int(fd))
        except OSError:
            pass
