"""Reliability catalogue F4 (docs/reliability-map.md): the receiver holds at most
max_connections SMTP sessions; one more is told 421 (try again later) and closed, never
silently dropped, and a place comes back whenever a session ends, however it ends."""

import smtplib
import socket
import struct
import threading
import time

import pytest

from bereikbaar.channels.email import runtime, smtp
from bereikbaar.channels.email.models import EmailInbox
from bereikbaar.intake.models import Inbound

from .conftest import ADDRESS, eml, free_port

pytestmark = pytest.mark.django_db(transaction=True)

TOO_MANY = b"421 4.7.0 Too many connections, try again later\r\n"


def start(cap: int) -> smtp.CappedController:
    controller = smtp.start_receiver("127.0.0.1", free_port(), max_connections=cap)
    settle(controller, 0)  # aiosmtpd's own start-up probe connection has gone
    return controller


def settle(controller: smtp.CappedController, count: int) -> None:
    """Wait until the receiver counts `count` open sessions (closing is asynchronous)."""
    deadline = time.monotonic() + 5
    while controller.gate.open != count:
        assert time.monotonic() < deadline, f"{controller.gate.open} open, expected {count}"
        time.sleep(0.01)


@pytest.fixture
def receiver():
    EmailInbox.objects.create(address=ADDRESS)
    controllers = []

    def make(cap: int) -> smtp.CappedController:
        controllers.append(start(cap))
        return controllers[-1]

    yield make
    for controller in controllers:
        controller.stop()


def connect(port: int) -> tuple[socket.socket, bytes]:
    """A raw connection and its greeting line."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    return sock, sock.makefile("rb").readline()


def test_f4_one_connection_over_the_cap_gets_421_and_is_closed(receiver):
    controller = receiver(2)
    held = [connect(controller.port) for _ in range(2)]
    assert [greeting[:4] for _, greeting in held] == [b"220 ", b"220 "]
    extra, greeting = connect(controller.port)
    with extra:
        assert greeting == TOO_MANY
        assert extra.recv(100) == b""  # closed by the receiver
    with pytest.raises(smtplib.SMTPConnectError) as refused:  # a real client: temporary error
        smtplib.SMTP("127.0.0.1", controller.port, timeout=10)
    assert refused.value.smtp_code == 421
    sock, _ = held[0]  # the sessions inside the cap are unaffected
    sock.sendall(b"HELO x\r\nNOOP\r\nQUIT\r\n")
    assert [line[:3] for line in sock.makefile("rb").read().splitlines()] == [
        b"250",
        b"250",
        b"221",
    ]
    for sock, _ in held:
        sock.close()


def test_f4_a_burst_past_the_cap_is_answered_not_dropped(receiver):
    """120 connections at once against a cap of 100: each gets an answer, exactly 100 a 220."""
    controller = receiver(100)
    greetings: list[bytes] = []
    socks: list[socket.socket] = []
    lock = threading.Lock()

    def one() -> None:
        sock, greeting = connect(controller.port)
        with lock:
            socks.append(sock)
            greetings.append(greeting)

    threads = [threading.Thread(target=one) for _ in range(120)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert len(greetings) == 120
        assert sum(g.startswith(b"220 ") for g in greetings) == 100
        assert greetings.count(TOO_MANY) == 20
    finally:
        for sock in socks:
            sock.close()
    settle(controller, 0)


def test_f4_the_place_comes_back_after_quit_reset_and_a_drop_mid_data(receiver):
    controller = receiver(1)

    with smtplib.SMTP("127.0.0.1", controller.port, timeout=10) as client:  # QUIT
        assert client.noop()[0] == 250
    settle(controller, 0)

    sock, greeting = connect(controller.port)  # abrupt: a TCP reset, no QUIT
    assert greeting.startswith(b"220 ")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()
    settle(controller, 0)

    sock, _ = connect(controller.port)  # the client vanishes in the middle of DATA
    sock.sendall(b"HELO x\r\nMAIL FROM:<a@example.nl>\r\n")
    sock.sendall(f"RCPT TO:<{ADDRESS}>\r\nDATA\r\nSubject: half\r\n".encode())
    time.sleep(0.2)
    sock.close()
    settle(controller, 0)

    with smtplib.SMTP("127.0.0.1", controller.port, timeout=10) as client:  # still one place
        assert client.sendmail("a@example.nl", [ADDRESS], eml("plain_nl.eml")) == {}
    assert Inbound.objects.count() == 1  # the half message was not stored


def test_f4_the_cap_comes_from_the_setting(settings, monkeypatch):
    started = {}

    class Fake:
        def stop(self) -> None:
            started["stopped"] = True

    def fake_start(host, port, max_bytes, max_connections):
        started.update(port=port, max_connections=max_connections)
        return Fake()

    monkeypatch.setattr(smtp, "start_receiver", fake_start)
    settings.BEREIKBAAR_SMTP_PORT = 2599
    settings.BEREIKBAAR_SMTP_MAX_CONNECTIONS = 7
    stop = threading.Event()
    stop.set()
    for thread in runtime.start(stop):
        thread.join(5)
    assert started["port"] == 2599 and started["max_connections"] == 7


def test_f4_a_cap_below_one_is_refused_at_start():
    with pytest.raises(ValueError, match="max_connections"):
        smtp.start_receiver("127.0.0.1", free_port(), max_connections=0)
