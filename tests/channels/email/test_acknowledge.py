"""The optional receipt: only for a person's new case, honest about the wait, never looping."""

import pytest

from bereikbaar.channels.email.acknowledge import duration
from bereikbaar.channels.email.models import EmailInbox
from bereikbaar.conversations.models import Message
from bereikbaar.delivery.tasks import send_message

from .test_threading import mail


@pytest.fixture
def acknowledging(inbox):
    EmailInbox.objects.update(acknowledge=True)
    return inbox


def receipts():
    return Message.objects.filter(direction=Message.Direction.OUTBOUND, author__isnull=True)


def test_a_new_case_gets_a_threaded_receipt_that_is_no_first_response(
    acknowledging, receive, capture
):
    [first] = receive("plain_nl.eml")
    [receipt] = receipts()
    case = first.conversation
    assert f"#{case.pk}" in receipt.text and "Beste Karin Klant" in receipt.text
    assert "zo snel mogelijk" in receipt.text  # no figures yet: no promise
    assert send_message.call(receipt.pk) == Message.Delivery.SENT
    sent = capture.last()
    assert sent["Auto-Submitted"] == "auto-replied"
    assert sent["In-Reply-To"] == "<CAK7q2n1-plain-nl@mail.example.nl>"
    case.refresh_from_db()
    assert case.first_response_at is None


def test_no_receipt_for_a_follow_up_an_auto_reply_or_a_noreply(acknowledging, receive):
    receive(mail("m1@example.nl"))
    receive(mail("m2@example.nl"))  # joins the open case
    receive("autoreply_precedence.eml")
    receive(mail("m3@example.nl", sender="noreply@webshop.example"))
    assert receipts().count() == 1


def test_no_receipt_unless_the_inbox_asks(inbox, receive):
    receive("plain_nl.eml")
    assert not receipts().exists()


def test_an_english_customer_gets_an_english_receipt(acknowledging, receive):
    receive(mail("en1@example.co.uk", headers="Content-Language: en-GB\r\n"))
    assert receipts().get().text.startswith("Dear Karin Klant")


def test_durations_read_naturally():
    assert duration(3, "nl") == "5 minuten"
    assert duration(61, "nl") == "2 uur"
    assert duration(60 * 30, "en") == "30 hours"
    assert duration(60 * 48, "en") == "2 days"


def test_one_receipt_per_person_per_day(acknowledging, receive):
    [first] = receive(mail("m1@example.nl"))
    first.conversation.status = "resolved"
    first.conversation.save()
    receive(mail("m2@example.nl", subject="Nieuwe vraag"))
    assert (
        Message.objects.filter(conversation__contact=first.conversation.contact)
        .filter(direction=Message.Direction.INBOUND)
        .values("conversation")
        .distinct()
        .count()
        == 2
    )
    assert receipts().count() == 1


def test_no_receipt_when_the_sender_failed_authentication(acknowledging, receive):
    forged = "Authentication-Results: mx.bedrijf.nl; spf=fail smtp.mailfrom=example.nl\r\n"
    receive(mail("forged@example.nl", headers=forged))
    assert not receipts().exists()
