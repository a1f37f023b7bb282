"""The simulator's e-mail: a real SMTP conversation with our receiver, filed like any mail."""

import socket

import pytest

from bereikbaar.channels.email.models import EmailInbox
from bereikbaar.channels.email.smtp import start_receiver
from bereikbaar.conversations.models import Message


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_the_simulator_sends_a_real_email(client, anna, run_intake, settings):
    settings.BEREIKBAAR_SMTP_PORT = free_port()
    EmailInbox.objects.create(address="klantenservice@zonnestroom.example", name="Zonnestroom")
    receiver = start_receiver(port=settings.BEREIKBAAR_SMTP_PORT)
    try:
        client.force_login(anna)
        response = client.post(
            "/simulator/",
            {
                "channel": "email",
                "name": "Karin Klant",
                "address": "karin@voorbeeld.nl",
                "text": "Mijn meterstand klopt niet\n\nKunt u kijken?",
            },
        )
        assert response.status_code == 302
        run_intake()
    finally:
        receiver.stop()
    message = Message.objects.get(channel="email")
    assert message.conversation.contact.identities.filter(value="karin@voorbeeld.nl").exists()
    assert "meterstand" in message.text


def test_an_email_needs_an_email_address(client, anna):
    client.force_login(anna)
    response = client.post(
        "/simulator/",
        {"channel": "email", "address": "0612345678", "text": "Hallo"},
    )
    assert response.status_code == 400
    assert "e-mailadres" in response.content.decode()
