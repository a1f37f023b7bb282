"""`bereikbaar channel add email` and `channel list --json`, and what `serve` starts."""

import io
import json
import smtplib
import threading

import pytest
from django.test import override_settings

from bereikbaar import cli
from bereikbaar.channels.email import runtime, setup
from bereikbaar.channels.email.models import EmailInbox
from bereikbaar.intake.models import Inbound

from .conftest import ADDRESS, eml, free_port


def add(*argv: str) -> tuple[int, str]:
    args = cli.parser().parse_args(["channel", "add", "email", *argv])
    out = io.StringIO()
    return setup.add(args, out=out), out.getvalue()


def test_it_adds_and_updates_an_inbox(db):
    code, out = add(
        "--address",
        "Service@Bedrijf.NL",
        "--name",
        "Klantenservice",
        "--imap-host",
        "imap.bedrijf.nl",
        "--imap-user",
        "service",
        "--imap-password",
        "geheim",
        "--smtp-host",
        "smtp.bedrijf.nl",
    )
    assert code == 0 and "added" in out
    inbox = EmailInbox.objects.get()
    assert (inbox.address, inbox.imap_host, inbox.smtp_port) == (ADDRESS, "imap.bedrijf.nl", 587)
    assert inbox.polls_imap
    code, out = add("--address", ADDRESS, "--smtp-port", "2587")
    assert code == 0 and "updated" in out
    assert EmailInbox.objects.get().smtp_port == 2587


def test_a_bad_address_is_refused(db):
    code, out = add("--address", "geen-adres")
    assert code == 2 and "not an email address" in out
    assert not EmailInbox.objects.exists()


def test_the_listing_has_kind_and_name_and_no_passwords(db):
    add("--address", ADDRESS, "--imap-host", "imap.bedrijf.nl", "--imap-password", "geheim")
    [row] = setup.describe_all()
    assert row["kind"] == "email" and row["name"] == ADDRESS
    assert "geheim" not in json.dumps(row)


@pytest.mark.django_db(transaction=True)
def test_serve_starts_the_smtp_receiver(monkeypatch):
    EmailInbox.objects.create(address=ADDRESS)
    port = free_port()
    stop = threading.Event()
    with override_settings(BEREIKBAAR_SMTP_PORT=port):
        runtime.start(stop)
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.sendmail("karin.klant@example.nl", [ADDRESS], eml("plain_nl.eml"))
        assert Inbound.objects.count() == 1
    finally:
        stop.set()


@pytest.mark.django_db(transaction=True)
def test_a_taken_smtp_port_does_not_stop_serve(caplog):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        stop = threading.Event()
        with override_settings(BEREIKBAAR_SMTP_PORT=taken.getsockname()[1]):
            runtime.start(stop)
        stop.set()
    assert "SMTP receiver not started" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_the_simulator_sends_a_customer_mail(run_intake):
    from bereikbaar.channels.email import simulate, smtp
    from bereikbaar.conversations.models import Message

    EmailInbox.objects.create(address=ADDRESS)
    port = free_port()
    controller = smtp.start_receiver("127.0.0.1", port)
    try:
        mail = simulate.compose(
            "els@example.nl", "Els", ADDRESS, "Vraag", "Waar blijft mijn pakket?"
        )
        message_id = simulate.send(mail, port)
    finally:
        controller.stop()
    run_intake()
    assert Message.objects.get().provider_id == message_id
