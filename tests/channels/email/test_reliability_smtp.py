"""Reliability catalogue C8/F4 for the SMTP receiver (docs/reliability-map.md), spoken to over
a real socket: too many recipients is a temporary 452, only <CRLF>.<CRLF> ends DATA, and a
message holding a bare CR or LF is refused with 550 while the session stays usable."""

import smtplib
import socket

import pytest

from bereikbaar.channels.email import smtp
from bereikbaar.channels.email.models import EmailInbox
from bereikbaar.channels.email.simulate import compose
from bereikbaar.intake.models import Inbound

from .conftest import ADDRESS, free_port

pytestmark = pytest.mark.django_db(transaction=True)

HEAD = [b"HELO x\r\n", b"MAIL FROM:<a@example.nl>\r\n", f"RCPT TO:<{ADDRESS}>\r\n".encode()]
GOOD = (
    b"From: a@example.nl\r\nTo: service@bedrijf.nl\r\nMessage-ID: <good@example.nl>\r\n\r\n"
    b"Goede regel.\r\n.\r\n"
)


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


def session(port: int, blob: bytes) -> list[bytes]:
    """Pipeline the whole blob, then QUIT; every reply line the receiver gave, greeting off."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        f = sock.makefile("rb")
        f.readline()
        sock.sendall(blob + b"QUIT\r\n")
        return f.read().splitlines()


def codes(answers: list[bytes]) -> list[int]:
    return [int(a[:3]) for a in answers]


@pytest.mark.parametrize("ending", [b"\n.\n", b"\r.\r", b"\n.\r\n", b"\r\n.\n", b"\r\n.\r"])
def test_c8_a_bare_lf_or_cr_dot_never_ends_the_data(receiver, ending):
    """The bare dot does not end DATA: the smuggled MAIL FROM is never answered as a command.
    The whole blob is one message, refused for its bare line ends; the session goes on."""
    data = (
        b"From: a@example.nl\r\nTo: service@bedrijf.nl\r\nMessage-ID: <c8@example.nl>\r\n\r\n"
        b"eerste" + ending + b"MAIL FROM:<ceo@bedrijf.nl>\r\nvals\r\n.\r\n"
    )
    then = b"".join([b"NOOP\r\n", *HEAD[1:], b"DATA\r\n", GOOD])
    answers = session(receiver, b"".join([*HEAD, b"DATA\r\n", data, then]))
    assert codes(answers) == [250, 250, 250, 354, 550, 250, 250, 250, 354, 250, 221]
    assert answers[4] == smtp.BARE_NEWLINE.encode()
    assert answers[9].startswith(b"250 2.0.0 OK: queued as")
    assert list(Inbound.objects.values_list("dedupe_key", flat=True)) == ["good@example.nl"]


@pytest.mark.parametrize(
    "body",
    [
        b"Subject: kaal LF\nX-Extra: ja\r\n\r\nhallo\r\n",  # bare LF in the header
        b"Subject: kaal CR\r\n\r\nhallo\rwereld\r\n",  # bare CR in the body
        b"Subject: CR CR LF\r\n\r\nhallo\r\r\n",  # a CR before the CRLF
        b"Subject: LF CR LF\r\n\r\nhallo\n\r\n",  # an LF before the CRLF
    ],
)
def test_c8_a_bare_cr_or_lf_inside_a_message_is_refused_with_550(receiver, body):
    data = b"From: a@example.nl\r\nMessage-ID: <bare@example.nl>\r\n" + body + b".\r\n"
    answers = session(receiver, b"".join([*HEAD, b"DATA\r\n", data, *HEAD[1:], b"DATA\r\n", GOOD]))
    assert codes(answers) == [250, 250, 250, 354, 550, 250, 250, 354, 250, 221]
    assert answers[4] == b"550 5.6.0 bare CR or LF not allowed"
    assert answers[8].startswith(b"250 2.0.0 OK: queued as")  # same session, next message
    assert list(Inbound.objects.values_list("dedupe_key", flat=True)) == ["good@example.nl"]


def test_c8_mail_from_our_smtplib_senders_still_arrives(receiver):
    """Our senders (simulate.py, sender.py) hand smtplib a str or an EmailMessage; smtplib then
    writes every line end as CRLF, so nothing they send is refused as bare."""
    text = "From: a@example.nl\nTo: service@bedrijf.nl\nMessage-ID: <lf@example.nl>\n\nhoi\n"
    mail = compose("a@example.nl", "Karin", ADDRESS, "Vraag", "regel een\nregel twee\n")
    with smtplib.SMTP("127.0.0.1", receiver, timeout=10) as client:
        assert client.sendmail("a@example.nl", [ADDRESS], text) == {}
        assert client.send_message(mail) == {}
    keys = set(Inbound.objects.values_list("dedupe_key", flat=True))
    assert keys == {"lf@example.nl", str(mail["Message-ID"]).strip("<>")}
    payload = bytes(Inbound.objects.get(dedupe_key="lf@example.nl").payload)
    assert payload.endswith(b"Message-ID: <lf@example.nl>\r\n\r\nhoi\r\n")


@pytest.mark.parametrize(
    ("data", "bare"),
    [
        (b"", False),
        (b"a\r\nb\r\n", False),
        (b"a\nb\r\n", True),
        (b"a\rb\r\n", True),
        (b"a\r\r\n", True),
        (b"a\n\r\n", True),
        (b"a\r\n\r\n", False),
        (b"a\n\r", True),
    ],
)
def test_c8_what_counts_as_a_bare_cr_or_lf(data, bare):
    assert smtp.has_bare_newline(data) is bare
