"""Catalogue L4 for e-mail: after the sender is erased, the same mail arriving again (an IMAP
resync after a UIDVALIDITY change, or the sender's server retrying over SMTP) brings nothing
back: no contact, no message text, no raw copy."""

import pytest

from bereikbaar.channels.email.receive import store
from bereikbaar.contacts.models import Contact
from bereikbaar.contacts.privacy import erase
from bereikbaar.conversations.models import Message
from bereikbaar.intake.models import Inbound
from bereikbaar.intake.worker import drain

from .conftest import ADDRESS

pytestmark = pytest.mark.django_db

MAIL = (
    "From: Karin Klant <karin.klant@example.nl>\r\nTo: {to}\r\nSubject: Verhuizing\r\n"
    "Message-ID: <verhuis-1@example.nl>\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n"
    "\r\nIk verhuis naar de Hoefijzerlaan 19.\r\n"
)


@pytest.mark.parametrize("again", ["same bytes", "relayed with an extra Received header"])
def test_l4_the_same_mail_after_erasure_brings_nothing_back(inbox, service, again):
    store(MAIL.format(to=ADDRESS, extra="").encode(), to=[ADDRESS], sender="")
    drain()
    erase(Contact.objects.get())

    extra = "" if again == "same bytes" else "Received: from mx2.example.nl by imap.bedrijf.nl\r\n"
    store((extra + MAIL.format(to=ADDRESS, extra="")).encode(), to=[ADDRESS], sender="")
    drain()

    assert not Contact.objects.filter(erased_at__isnull=True).exists()
    assert not Message.objects.exclude(text="").exists()
    kept = b"".join(bytes(p) for p in Inbound.objects.values_list("payload", flat=True))
    assert b"Hoefijzerlaan" not in kept and b"karin.klant" not in kept
