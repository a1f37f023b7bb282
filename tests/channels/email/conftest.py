"""Email test cast: the inbox service@bedrijf.nl, a real SMTP peer on loopback that captures
what we send (aiosmtpd), our own receiver on a free port, and the .eml corpus."""

import socket
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from bereikbaar.channels.email.models import EmailInbox
from bereikbaar.channels.email.receive import store

DATA = Path(__file__).resolve().parents[2] / "data" / "email"
ADDRESS = "service@bedrijf.nl"


def eml(name: str) -> bytes:
    """A corpus message with CRLF line ends, as it travels over SMTP."""
    raw = (DATA / name).read_bytes()
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Capture:
    """An SMTP server that keeps what it receives; `answer_rcpt`/`answer_data` make it refuse."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.answer_rcpt = ""
        self.answer_data = ""
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.answer_rcpt:
            return self.answer_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.answer_data:
            return self.answer_data
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.original_content))
        return "250 OK"

    def last(self):
        return BytesParser(policy=policy.default).parsebytes(self.messages[-1][2])


@pytest.fixture
def capture():
    server = Capture()
    server.controller.start()
    yield server
    server.controller.stop()


@pytest.fixture
def inbox(db, capture) -> EmailInbox:
    return EmailInbox.objects.create(
        address=ADDRESS,
        name="Klantenservice Bedrijf",
        smtp_host="127.0.0.1",
        smtp_port=capture.port,
        smtp_security="none",
    )


@pytest.fixture
def receive(inbox, run_intake):
    """Store a mail as the SMTP receiver does and run intake; returns the filed messages."""
    from bereikbaar.conversations.models import Message
    from bereikbaar.intake.models import Inbound

    def receive(raw: bytes | str, to: str = ADDRESS):
        if isinstance(raw, str):
            raw = eml(raw)
        accepted = store(raw, to=[to], sender="")
        run_intake()
        row = Inbound.objects.get(pk=accepted.id)
        assert row.status == Inbound.Status.PROCESSED, row.error
        return list(Message.objects.filter(pk__in=row.message_ids))

    return receive
