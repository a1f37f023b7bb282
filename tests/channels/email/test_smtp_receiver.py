"""Mail into the running receiver with a real SMTP client (smtplib): 250 only after commit."""

import shutil
import smtplib
import socket
import subprocess

import pytest

from bereikbaar.channels.email import smtp
from bereikbaar.channels.email.models import EmailInbox
from bereikbaar.conversations.models import Message
from bereikbaar.intake.models import Inbound

from .conftest import ADDRESS, eml, free_port

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT = 256 * 1024


@pytest.fixture
def receiver():
    EmailInbox.objects.create(address=ADDRESS)
    port = free_port()
    controller = smtp.start_receiver("127.0.0.1", port, max_bytes=LIMIT)
    yield port
    controller.stop()


def client(port: int) -> smtplib.SMTP:
    return smtplib.SMTP("127.0.0.1", port, timeout=10)


def test_a_mail_is_committed_before_the_250(receiver, run_intake):
    with client(receiver) as c:
        refused = c.sendmail("karin.klant@example.nl", [ADDRESS], eml("plain_nl.eml"))
    assert refused == {}
    row = Inbound.objects.get()  # committed: visible from this thread the moment 250 came
    assert row.channel == "email" and row.dedupe_key == "CAK7q2n1-plain-nl@mail.example.nl"
    assert bytes(row.payload).endswith(eml("plain_nl.eml"))
    run_intake()
    message = Message.objects.get()
    assert message.conversation.contact.identities.get().value == "karin.klant@example.nl"


def test_the_250_names_the_queue_id_and_a_retry_stores_nothing(receiver):
    raw = eml("gmail_reply_nl.eml")
    with client(receiver) as c:
        c.ehlo()
        c.mail("karin.klant@example.nl")
        c.rcpt(ADDRESS)
        code, text = c.data(raw)
        assert code == 250 and b"queued as" in text
        c.rset()
        c.mail("karin.klant@example.nl")
        c.rcpt(ADDRESS)
        code, text = c.data(raw)
    assert code == 250 and b"duplicate" in text
    assert Inbound.objects.count() == 1


def test_unknown_recipients_are_refused_with_550(receiver):
    with client(receiver) as c, pytest.raises(smtplib.SMTPRecipientsRefused) as exc:
        c.sendmail("a@example.nl", ["iemand@elders.example"], eml("plain_nl.eml"))
    assert exc.value.recipients["iemand@elders.example"][0] == 550
    assert not Inbound.objects.exists()


def test_one_known_recipient_is_enough(receiver):
    with client(receiver) as c:
        refused = c.sendmail(
            "a@example.nl", ["iemand@elders.example", "Service@Bedrijf.nl"], eml("plain_nl.eml")
        )
    assert list(refused) == ["iemand@elders.example"]
    assert Inbound.objects.count() == 1


def test_an_oversize_mail_is_refused_with_552(receiver):
    big = eml("plain_nl.eml") + b"x" * 76 + b"\r\n"
    big += (b"y" * 998 + b"\r\n") * (LIMIT // 1000 + 10)
    with client(receiver) as c:
        c.ehlo()
        assert int(c.esmtp_features["size"]) == LIMIT
        with pytest.raises(smtplib.SMTPSenderRefused) as declared:
            c.sendmail("a@example.nl", [ADDRESS], big, mail_options=[f"SIZE={len(big)}"])
        assert declared.value.smtp_code == 552
    with client(receiver) as c:  # no SIZE declared: refused at the end of DATA
        c.ehlo()
        c.mail("a@example.nl")
        c.rcpt(ADDRESS)
        code, _ = c.data(big)
    assert code == 552
    assert not Inbound.objects.exists()


def test_a_failed_store_answers_451_so_the_sender_retries(receiver, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(smtp, "store", broken)
    with client(receiver) as c:
        c.ehlo()
        c.mail("a@example.nl")
        c.rcpt(ADDRESS)
        code, _ = c.data(eml("plain_nl.eml"))
    assert code == 451
    assert not Inbound.objects.exists()


def test_a_smuggled_second_message_is_not_split_off(receiver):
    """SMTP smuggling (CVE-2023-51764 class): only <CRLF>.<CRLF> ends DATA."""
    smuggled = (
        b"From: a@example.nl\r\nTo: service@bedrijf.nl\r\nMessage-ID: <s1@example.nl>\r\n"
        b"Subject: eerste\r\n\r\nhallo\n.\r\nMAIL FROM:<ceo@bedrijf.nl>\r\n"
        b"RCPT TO:<service@bedrijf.nl>\r\nDATA\r\nFrom: ceo@bedrijf.nl\r\n\r\nvals\r\n"
        b".\r\n"
    )
    with socket.create_connection(("127.0.0.1", receiver), timeout=10) as sock:
        f = sock.makefile("rb")
        f.readline()
        for line in (
            b"HELO x\r\n",
            b"MAIL FROM:<a@example.nl>\r\n",
            f"RCPT TO:<{ADDRESS}>\r\n".encode(),
            b"DATA\r\n",
        ):
            sock.sendall(line)
            f.readline()
        sock.sendall(smuggled + b"NOOP\r\nQUIT\r\n")
        answers = f.read().splitlines()
    # One answer for the whole blob: the bare LF refuses it (550); the smuggled commands were
    # never read as commands (they would have added answers of their own before the NOOP's).
    assert [a[:3] for a in answers] == [b"550", b"250", b"221"]
    assert answers[0].startswith(b"550 5.6.0")
    assert not Inbound.objects.exists()


@pytest.mark.skipif(
    not shutil.which("swaks"), reason="swaks is not installed (apt-get install swaks)"
)
def test_swaks_delivers_a_mail_with_an_attachment(receiver, run_intake, tmp_path):
    attachment = tmp_path / "factuur.pdf"
    attachment.write_bytes(b"%PDF-1.4 factuur")
    result = subprocess.run(
        [
            "swaks",
            "--server",
            f"127.0.0.1:{receiver}",
            "--to",
            ADDRESS,
            "--from",
            "piet@example.com",
            "--header",
            "Subject: Factuur klopt niet",
            "--body",
            "Zie bijlage.",
            "--attach",
            f"@{attachment}",
            "--attach-type",
            "application/pdf",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "<-  250 2.0.0 OK: queued as" in result.stdout
    run_intake()
    message = Message.objects.get()
    assert message.conversation.subject == "Factuur klopt niet"
    assert message.attachments.get().filename == "factuur.pdf"
