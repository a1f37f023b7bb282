"""Encrypted mail and calendar invitations (catalogue C11): the agent is told what arrived.

An encrypted mail used to reach the inbox as an empty message with a file named
"application.pgp-encryp", a calendar invitation sent alone as an empty message with
"text.calendar". Signed mail was and stays readable, its signature attached.
"""

import pytest

from bereikbaar.channels.email import envelope
from bereikbaar.channels.email.parse import parse

HEAD = (
    "From: Karin <karin@example.nl>\r\nTo: service@bereikbaar.test\r\nSubject: Test\r\n"
    "Message-ID: <{id}@example.nl>\r\nMIME-Version: 1.0\r\n"
)
SIGNED = HEAD.format(id="s1") + (
    'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary="B"\r\n'
    "\r\n--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMijn factuur klopt niet.\r\n"
    "--B\r\nContent-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n"
    "\r\nMIIGAAYJKoZIhvcNAQcCoIIF8TCCBe0CAQEx\r\n--B--\r\n"
)
SMIME = HEAD.format(id="e1") + (
    "Content-Type: application/pkcs7-mime; smime-type=enveloped-data\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\nMIIGAAYJKoZIhvcNAQcDoIIF8TCCBe0CAQEx\r\n"
)
PGP = HEAD.format(id="p1") + (
    'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="C"\r\n'
    "\r\n--C\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n"
    '--C\r\nContent-Type: application/octet-stream; name="encrypted.asc"\r\n\r\n'
    "-----BEGIN PGP MESSAGE-----\r\nhQEMA1234\r\n-----END PGP MESSAGE-----\r\n--C--\r\n"
)
CALENDAR = HEAD.format(id="c1") + (
    "Content-Type: text/calendar; method={method}; charset=utf-8\r\n\r\n"
    "BEGIN:VCALENDAR\r\nMETHOD:{method}\r\nBEGIN:VEVENT\r\n"
    "SUMMARY;LANGUAGE=nl:Afspraak monteur\\, keuken\r\n  en badkamer\r\n"
    "DTSTART;TZID=Europe/Amsterdam:20261210T090000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def one(raw: str):
    stored = envelope.wrap(raw.encode(), to=["service@bereikbaar.test"], sender="k@example.nl")
    [message] = parse(stored)
    return message


def files(message) -> list[tuple[str, str]]:
    return [(a.filename, a.content_type) for a in message.attachments]


@pytest.mark.django_db
def test_a_signed_mail_reads_as_usual_with_its_signature_attached():
    message = one(SIGNED)
    assert message.text == "Mijn factuur klopt niet."
    assert files(message) == [("smime.p7s", "application/pkcs7-signature")]


@pytest.mark.django_db
@pytest.mark.parametrize(("raw", "kind"), [(SMIME, "S/MIME"), (PGP, "PGP")])
def test_an_encrypted_mail_says_so_and_keeps_the_encrypted_part(raw, kind):
    message = one(raw)
    assert message.text.startswith(f"[versleuteld bericht ({kind}): de tekst kan hier niet")
    assert any(name in ("smime.p7m", "encrypted.asc") for name, _type in files(message))
    assert not any("." not in name or name.startswith("application.") for name, _ in files(message))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "kind"), [("REQUEST", "agenda-uitnodiging"), ("CANCEL", "afzegging")]
)
def test_an_invitation_names_its_title_and_start(method, kind):
    message = one(CALENDAR.format(method=method))
    assert message.text == f"[{kind}: Afspraak monteur, keuken en badkamer, 10-12-2026 09:00]"
    assert files(message) == [("uitnodiging.ics", "text/calendar")]
