"""Text no database takes (NUL, lone surrogates) never quarantines a customer's message.

PostgreSQL refuses NUL in text and JSON; SQLite stores it. Whatever a channel reads, the
message is filed with U+FFFD in its place, on both (the suite runs on both).
"""

from urllib.parse import urlencode

import pytest

from bereikbaar.conversations.models import Message
from bereikbaar.intake.accept import accept
from bereikbaar.intake.message import InboundAttachment, InboundMessage, storable
from bereikbaar.intake.models import Inbound
from bereikbaar.intake.worker import drain

pytestmark = pytest.mark.django_db


def test_storable_replaces_what_no_database_takes():
    assert storable("a\x00b") == "a\ufffdb"
    assert storable("x\ud800y") == "x\ufffdy"
    assert storable("gewoon tekst, ook met é en 🙂") == "gewoon tekst, ook met é en 🙂"
    assert storable({"k\x00": ["v\x00", 3, None]}) == {"k\ufffd": ["v\ufffd", 3, None]}
    assert storable(("a", "b\x00")) == ("a", "b\ufffd")


def test_every_text_field_of_a_parsed_message_is_storable():
    message = InboundMessage(
        "email",
        "id\x00@example.nl",
        [("email", "klant@example.nl")],
        text="Hallo\x00daar",
        html="<p>\ud800</p>",
        sender_name="Karin\x00",
        subject="Vraag\x00",
        references=["ref\x00"],
        extra={"header\x00": "waarde\x00"},
        attachments=[InboundAttachment("bijlage\x00.pdf", "application/pdf", b"\x00raw")],
    )
    assert message.text == "Hallo\ufffddaar"
    assert message.html == "<p>\ufffd</p>"
    assert message.provider_id == "id\ufffd@example.nl"
    assert (message.sender_name, message.subject) == ("Karin\ufffd", "Vraag\ufffd")
    assert message.references == ["ref\ufffd"]
    assert message.extra == {"header\ufffd": "waarde\ufffd"}
    assert message.attachments[0].filename == "bijlage\ufffd.pdf"
    assert message.attachments[0].content == b"\x00raw"  # bytes are a file's, kept exact


def test_an_email_with_a_nul_is_filed(service):
    from bereikbaar.channels.email.receive import store

    raw = (
        b"From: Karin Klant <klant@example.nl>\r\nTo: service@bedrijf.nl\r\n"
        b"Subject: Rekening\x00 vraag\r\nMessage-ID: <nul-1@example.nl>\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nMijn rekening\x00 klopt niet.\r\n"
    )
    store(raw, to=["service@bedrijf.nl"], sender="klant@example.nl")
    assert drain() == 1
    assert not Inbound.objects.filter(status=Inbound.Status.QUARANTINED).exists()
    message = Message.objects.get()
    assert "\x00" not in message.text and "klopt niet" in message.text


def test_an_sms_with_a_nul_is_filed(service):
    body = urlencode(
        {
            "MessageSid": "SMnul1",
            "From": "+31612345678",
            "To": "+3197010000000",
            "Body": "Hoi\x00, mijn stroom is uit",
            "NumMedia": "0",
        }
    ).encode()
    accept("sms", "SMnul1", body, order_key="phone:+31612345678")
    assert drain() == 1
    assert not Inbound.objects.filter(status=Inbound.Status.QUARANTINED).exists()
    assert Message.objects.get().text == "Hoi\ufffd, mijn stroom is uit"
