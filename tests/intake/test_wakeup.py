"""On PostgreSQL a worker is woken by NOTIFY, so a worker in another process than the one
that accepted files the row at once instead of at its next poll."""

import json
import threading
import time

import pytest
from django.db import connection

from bereikbaar.intake import wakeup
from bereikbaar.intake.accept import accept
from bereikbaar.intake.models import Inbound
from bereikbaar.intake.worker import run_forever
from bereikbaar.routing.models import Team

pytestmark = pytest.mark.django_db(transaction=True)

NEVER = 3600.0  # a poll interval the test would never outlive: only NOTIFY can wake the worker


def postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; SQLite workers wake in-process")


def accept_one(n: int) -> int:
    body = {"external_id": f"w{n}", "from": {"email": "wekker@example.nl"}, "text": f"hallo {n}"}
    return accept("api", f"w{n}", json.dumps(body).encode(), order_key="email:wekker").id


def wait_processed(inbound_id: int, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if Inbound.objects.filter(pk=inbound_id, status="processed").exists():
            return True
        time.sleep(0.05)
    return False


def start_worker(stop: threading.Event) -> threading.Thread:
    def run() -> None:
        try:
            run_forever(stop, poll=NEVER)
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_a_worker_sleeping_on_listen_is_woken_by_an_accept_elsewhere(monkeypatch):
    postgres_only()
    Team.objects.create(name="Service", slug="service", is_default=True)
    # The in-process event is not how this worker can wake: only the NOTIFY can.
    monkeypatch.setattr(wakeup, "notify", lambda: None)
    stop = threading.Event()
    worker = start_worker(stop)
    try:
        time.sleep(0.5)  # the worker found nothing and is asleep on LISTEN
        first = accept_one(1)
        assert wait_processed(first)
        second = accept_one(2)  # and again: it went back to sleep and wakes once more
        assert wait_processed(second)
    finally:
        stop.set()
        with connection.cursor() as cursor:
            cursor.execute(wakeup.NOTIFY_SQL)  # let it see the stop now
        worker.join(timeout=10)
    assert not worker.is_alive()


def test_a_lost_listen_connection_falls_back_and_listens_again():
    postgres_only()
    waiter = wakeup.Waiter()
    try:
        assert waiter.wait(0.05) is False  # nothing announced: times out
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query = %s AND pid <> pg_backend_pid()",
                [f"LISTEN {wakeup.CHANNEL}"],
            )
        waiter.wait(0.05)  # notices the loss; polls meanwhile
        waiter.wait(0.05)  # listening again
        with connection.cursor() as cursor:
            cursor.execute(wakeup.NOTIFY_SQL)
        assert waiter.wait(5.0) is True
    finally:
        waiter.close()


# --- SQLite: a datagram socket per worker ------------------------------------------------------


def sqlite_only() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite workers wake by datagram; PostgreSQL ones by NOTIFY")


def notify_from_another_process() -> None:
    import os
    import subprocess
    import sys

    from django.conf import settings

    code = "import django; django.setup(); from bereikbaar.intake import wakeup; wakeup.notify()"
    env = {**os.environ, "BEREIKBAAR_DATA_DIR": str(settings.DATA_DIR)}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)


def test_a_sqlite_worker_is_woken_by_an_accept_in_another_process():
    sqlite_only()
    waiter = wakeup.Waiter()
    try:
        assert waiter.wait(0.05) is False
        notify_from_another_process()
        assert waiter.wait(5.0) is True
        assert waiter.wait(0.05) is False  # one accept, one wake: nothing left queued
    finally:
        waiter.close()


def test_an_accept_in_this_process_wakes_the_worker_thread_too():
    sqlite_only()
    Team.objects.create(name="Service", slug="service", is_default=True)
    stop = threading.Event()
    worker = start_worker(stop)
    try:
        time.sleep(0.5)  # asleep on its socket, with a poll it would never outlive
        assert wait_processed(accept_one(1))
        assert wait_processed(accept_one(2))
    finally:
        stop.set()
        wakeup.notify()
        worker.join(timeout=10)
    assert not worker.is_alive()


def test_the_socket_of_a_worker_that_died_is_cleared_away():
    sqlite_only()
    import socket

    from django.conf import settings

    wake_dir = settings.DATA_DIR / "intake-wake"
    wake_dir.mkdir(exist_ok=True)
    dead = wake_dir / "999999-1.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(dead))
    sock.close()  # its file stays, as after a SIGKILL
    waiter = wakeup.Waiter()
    try:
        wakeup._datagrams.forget_listing()
        wakeup.notify()
        assert not dead.exists()
        assert waiter.wait(5.0) is True  # the live one was woken all the same
    finally:
        waiter.close()
