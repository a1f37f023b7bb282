"""Reliability catalogue C8/F4 for the SMTP receiver (docs/reliability-map.md), spoken to over
a real socket: too many recipients is a temporary 452, and only <CRLF>.<CRLF> ends DATA."""

import socket

import pytest

from bereikbaar.channels.email import smtp
from bereikbaar.channels.email.models import EmailInbox
from bereikbaar.intake.models import Inbound

from .conftest import ADDRESS, free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def receiver():
    EmailInbox.objects.create(address=ADDRESS)
    port = free_port()
    controller = smtp.start_receiver("127.0.0.1", port, max_bytes=256 * 1024)
    yield port
    controller.stop()


def talk(port: int, lines: list[bytes]) -> list[bytes]:
    """Send each line, read one reply line per command (multi-line EHLO is not used)."""
    answers = []
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        f = sock.makefile("rb")
        f.readline()
        for line in lines:
            sock.sendall(line)
            answers.append(f.readline())
        sock.sendall(b"QUIT\r\n")
    return answers


def test_f4_recipients_past_the_limit_get_a_temporary_452(receiver):
    rcpts = [f"RCPT TO:<{ADDRESS}>\r\n".encode()] * (smtp.MAX_RECIPIENTS + 2)
    answers = talk(receiver, [b"HELO x\r\n", b"MAIL FROM:<a@example.nl>\r\n", *rcpts])
    replies = answers[2:]
    assert all(a.startswith(b"250") for a in replies[: smtp.MAX_RECIPIENTS])
    assert all(a.startswith(b"452") for a in replies[smtp.MAX_RECIPIENTS :])


@pytest.mark.parametrize("ending", [b"\n.\n", b"\r.\r", b"\n.\r\n"])
def test_c8_a_bare_lf_or_cr_dot_never_ends_the_data(receiver, ending):
    data = (
        b"From: a@example.nl\r\nTo: service@bedrijf.nl\r\nMessage-ID: <c8@example.nl>\r\n\r\n"
        b"eerste" + ending + b"MAIL FROM:<ceo@bedrijf.nl>\r\nvals\r\n.\r\n"
    )
    head = [b"HELO x\r\n", b"MAIL FROM:<a@example.nl>\r\n", f"RCPT TO:<{ADDRESS}>\r\n".encode()]
    answers = talk(receiver, [*head, b"DATA\r\n", data])
    assert answers[-1].startswith(b"250")
    assert Inbound.objects.count() == 1  # one message, the smuggled part inside it
    assert b"MAIL FROM:<ceo@bedrijf.nl>" in bytes(Inbound.objects.get().payload)
