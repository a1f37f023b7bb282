"""Agent replies over SMTP to a real SMTP peer on loopback, read back to check threading."""

from bereikbaar.channels.email.models import EmailInbox
from bereikbaar.conversations.attachments import add_attachment
from bereikbaar.conversations.models import Message
from bereikbaar.delivery.reply import reply
from bereikbaar.delivery.tasks import send_message

from .test_threading import mail


def send(conversation, agent, text="Uw pakket komt morgen."):
    message = reply(conversation, agent, text)
    status = send_message.call(message.pk)
    message.refresh_from_db()
    assert message.delivery_status == status
    return message


def test_a_reply_threads_under_the_customers_mail(receive, capture, anna):
    [first] = receive("plain_nl.eml")
    message = send(first.conversation, anna)
    assert message.delivery_status == Message.Delivery.SENT
    mail_from, rcpt_tos, _raw = capture.messages[-1]
    assert (mail_from, rcpt_tos) == ("service@bedrijf.nl", ["karin.klant@example.nl"])
    sent = capture.last()
    assert sent["Message-ID"] == f"<{message.provider_id}>"
    assert message.provider_id.endswith("@bedrijf.nl")
    assert sent["In-Reply-To"] == "<CAK7q2n1-plain-nl@mail.example.nl>"
    assert sent["References"] == "<CAK7q2n1-plain-nl@mail.example.nl>"
    case = first.conversation_id
    assert sent["Subject"] == f"Re: Mijn bestelling is niet aangekomen [#{case}]"
    assert sent["From"] == "Klantenservice Bedrijf <service@bedrijf.nl>"
    assert sent.get_body(("plain",)).get_content().strip() == "Uw pakket komt morgen."
    assert "<p>Uw pakket komt morgen.</p>" in sent.get_body(("html",)).get_content()


def test_the_customers_answer_to_our_reply_threads_back(receive, capture, anna):
    [first] = receive("plain_nl.eml")
    ours = send(first.conversation, anna)
    headers = f"In-Reply-To: <{ours.provider_id}>\r\nReferences: <{ours.provider_id}>\r\n"
    receive(mail("new-case@example.nl", subject="Iets anders"))  # the newest open case
    [answer] = receive(mail("answer@example.nl", subject="Re: x", headers=headers))
    assert answer.conversation_id == first.conversation_id
    second = send(first.conversation, anna, "Graag gedaan.")
    assert capture.last()["References"] == (f"<{ours.provider_id}> <answer@example.nl>")
    assert second.provider_id != ours.provider_id


def test_references_of_a_long_thread_are_kept(receive, capture, anna):
    [message] = receive("gmail_reply_nl.eml")
    send(message.conversation, anna)
    assert capture.last()["References"] == (
        "<CAK7q2n1-plain-nl@mail.example.nl> <bereikbaar.1.abcdef012345@bedrijf.nl>"
        " <CAK7q2n2-gmail-reply@mail.gmail.com>"
    )


def test_an_injected_subject_never_becomes_a_header(receive, capture, anna):
    [message] = receive("header_injection_subject.eml")
    send(message.conversation, anna)
    sent = capture.last()
    assert sent["Bcc"] is None
    assert capture.messages[-1][1] == ["mallory@evil.example"]


def test_attachments_go_out_with_the_reply(receive, capture, anna):
    [first] = receive("plain_nl.eml")
    message = reply(first.conversation, anna, "Zie bijlage.")
    add_attachment(message, "retourlabel.pdf", b"%PDF-1.4 label", "application/pdf")
    send_message.call(message.pk)
    [attachment] = list(capture.last().iter_attachments())
    assert attachment.get_filename() == "retourlabel.pdf"
    assert attachment.get_content() == b"%PDF-1.4 label"


def test_never_to_a_noreply_address(receive, capture, anna):
    [first] = receive(mail("n1@example.nl", sender="no-reply@webshop.example"))
    message = send(first.conversation, anna)
    assert message.delivery_status == Message.Delivery.FAILED
    assert "no-reply" in message.delivery_error
    assert capture.messages == []


def test_a_permanent_refusal_fails_with_the_servers_reason(receive, capture, anna):
    [first] = receive("plain_nl.eml")
    capture.answer_rcpt = "550 5.1.1 <karin.klant@example.nl>: User unknown"
    message = send(first.conversation, anna)
    assert message.delivery_status == Message.Delivery.FAILED
    assert "550" in message.delivery_error and "User unknown" in message.delivery_error


def test_a_temporary_refusal_is_retried(receive, capture, anna):
    from django_tasks_db.models import DBTaskResult

    [first] = receive("plain_nl.eml")
    capture.answer_data = "451 4.3.0 Try again later"
    message = send(first.conversation, anna)
    assert message.delivery_status == Message.Delivery.QUEUED
    assert "451" in message.delivery_error
    assert DBTaskResult.objects.filter(args_kwargs__args=[message.pk, 1]).exists()
    capture.answer_data = ""
    assert send_message.call(message.pk, 1) == Message.Delivery.SENT


def test_an_unreachable_server_is_retried(receive, capture, anna):
    [first] = receive("plain_nl.eml")
    EmailInbox.objects.update(smtp_port=1)
    message = send(first.conversation, anna)
    assert message.delivery_status == Message.Delivery.QUEUED
    assert "unreachable" in message.delivery_error


def test_a_retry_carries_the_same_message_id(receive, capture, anna):
    [first] = receive("plain_nl.eml")
    message = reply(first.conversation, anna, "Nogmaals")
    from bereikbaar.channels.email.sender import send as send_email

    assert send_email(message) == send_email(message)
    assert (
        capture.messages[0][2].split(b"Message-ID:")[1][:80]
        == (capture.messages[1][2].split(b"Message-ID:")[1][:80])
    )
