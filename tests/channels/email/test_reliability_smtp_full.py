"""Catalogue I18, the raw mail: when even the raw mail cannot be stored because the database is
full, the receiver answers 452 4.3.1 (insufficient system storage), as Postfix does with a full
queue disk. The sender keeps the mail and retries; once there is room again the retry is taken,
once. Here the queue's SQLite file is really full: its page count is capped where it stands."""

import errno
import os
import smtplib
from email import policy
from email.message import EmailMessage

import pytest
from django.db import DatabaseError, connections
from django.db.backends.signals import connection_created

from bereikbaar.channels.email import smtp
from bereikbaar.channels.email.models import EmailInbox
from bereikbaar.intake.models import Inbound
from bereikbaar.intake.router import queue_db

from .conftest import ADDRESS, free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def receiver():
    EmailInbox.objects.create(address=ADDRESS)
    port = free_port()
    controller = smtp.start_receiver("127.0.0.1", port)
    yield port
    controller.stop()


@pytest.fixture
def full_queue():
    """Every new connection to the queue's SQLite file may not let it grow: a full disk."""
    alias = queue_db()
    if connections[alias].vendor != "sqlite":
        pytest.skip("caps an SQLite file's size")
    with connections[alias].cursor() as cursor:
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]

    capped = []

    def cap(sender, connection, **kwargs):
        if connection.alias == alias:
            connection.connection.execute(f"PRAGMA max_page_count = {pages}")
            capped.append(connection.connection)

    def make_room():
        connection_created.disconnect(dispatch_uid="i18-full-queue")
        for raw in capped:  # the receiver's threads keep their connection open
            raw.execute("PRAGMA max_page_count = 1073741823")

    connection_created.connect(cap, weak=False, dispatch_uid="i18-full-queue")
    yield make_room
    connection_created.disconnect(dispatch_uid="i18-full-queue")


def mail_with_photo() -> bytes:
    """A mail of some 140 KB, as a customer's photo makes it: more than the file has room."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = "Karin Klant <karin.klant@example.nl>"
    message["To"] = ADDRESS
    message["Subject"] = "Foto van de schade"
    message["Message-ID"] = "<i18-full-queue@example.nl>"
    message.set_content("Hierbij de foto van de beschadigde doos.")
    message.add_attachment(os.urandom(100_000), "image", "jpeg", filename="schade.jpg")
    return message.as_bytes()


def send(port: int, raw: bytes) -> tuple[int, bytes]:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as c:
        c.ehlo()
        c.mail("karin.klant@example.nl")
        c.rcpt(ADDRESS)
        return c.data(raw)


def test_i18_a_full_database_answers_452_and_the_retry_is_taken_once_there_is_room(
    receiver, full_queue
):
    raw = mail_with_photo()
    code, text = send(receiver, raw)
    assert (code, text) == (452, b"4.3.1 Insufficient system storage")
    assert not Inbound.objects.exists()

    full_queue()  # an operator makes room
    code, text = send(receiver, raw)  # the sender's retry
    assert code == 250 and b"duplicate" not in text
    assert bytes(Inbound.objects.get().payload).endswith(raw)


@pytest.mark.parametrize(
    ("error", "full"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), True),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), True),
        (OSError(errno.EACCES, "Permission denied"), False),
        (OSError("disk full"), False),  # no errno: not known to be storage
        (DatabaseError("database is locked"), False),
    ],
)
def test_i18_what_counts_as_full_storage(error, full):
    assert smtp.storage_full(error) is full


def test_i18_a_wrapped_driver_error_counts_by_its_cause():
    class DiskFull(Exception):
        sqlstate = "53100"  # as psycopg's errors.DiskFull carries it

    try:
        try:
            raise DiskFull("could not extend file: No space left on device")
        except DiskFull as cause:
            raise DatabaseError("could not extend file") from cause
    except DatabaseError as wrapped:
        assert smtp.storage_full(wrapped)
