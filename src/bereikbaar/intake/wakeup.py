"""Wake the intake worker the moment an inbound row commits: no polling delay in-process.

A worker in another process cannot see this event; it polls briefly instead (see worker.py).
"""

import threading

_event = threading.Event()


def notify() -> None:
    _event.set()


def wait(timeout: float) -> bool:
    """Block until notified or the timeout passes; True if notified."""
    woke = _event.wait(timeout)
    _event.clear()
    return woke
