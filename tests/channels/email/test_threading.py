"""From a stored mail to the right case: references, [#case], the contact's open case; loops,
auto-replies, bounces and agents' forwards handled."""

from bereikbaar.channels.email.receive import store
from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.intake.models import Inbound

from .conftest import ADDRESS, eml


def mail(
    message_id: str,
    subject: str = "Vraag",
    sender: str = "karin.klant@example.nl",
    *,
    body: str = "Hallo",
    headers: str = "",
) -> bytes:
    return (
        f"From: Karin Klant <{sender}>\r\nTo: {ADDRESS}\r\nSubject: {subject}\r\n"
        f"Message-ID: <{message_id}>\r\n{headers}Content-Type: text/plain; charset=utf-8\r\n"
        f"\r\n{body}\r\n"
    ).encode()


def outbound(conversation: Conversation, provider_id: str) -> Message:
    return Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.OUTBOUND,
        channel="email",
        provider_id=provider_id,
        text="Ons antwoord",
        delivery_status=Message.Delivery.SENT,
    )


def test_a_new_mail_opens_a_case_for_the_sender(receive, service):
    [message] = receive("plain_nl.eml")
    conversation = message.conversation
    assert conversation.subject == "Mijn bestelling is niet aangekomen"
    assert conversation.contact.identities.get().value == "karin.klant@example.nl"
    assert conversation.contact.name == "Karin Klant"
    assert conversation.last_inbound_channel == "email"


def test_the_same_mail_twice_is_one_message(receive, run_intake):
    [first] = receive("plain_nl.eml")
    again = store(eml("plain_nl.eml"), to=[ADDRESS])
    assert again.duplicate
    assert Inbound.objects.count() == 1 and Message.objects.count() == 1
    assert first.provider_id == "CAK7q2n1-plain-nl@mail.example.nl"


def test_a_reply_to_our_mail_joins_its_case_even_when_resolved(receive):
    [first] = receive(mail("m1@example.nl", body="Eerste vraag"))
    case = first.conversation
    outbound(case, "bereikbaar.1.abcdef012345@bedrijf.nl")
    case.status = Conversation.Status.RESOLVED
    case.save()
    receive(mail("m-other@example.nl", body="Nieuwe vraag"))  # a new case in between
    [reply] = receive("gmail_reply_nl.eml")
    assert reply.conversation_id == case.pk
    case.refresh_from_db()
    assert case.status == Conversation.Status.OPEN
    assert reply.text == "Dank u, het pakket is net bezorgd!"
    assert reply.attachments.get().filename == "original.eml"


def test_a_quoted_case_number_in_the_subject_threads(receive):
    [first] = receive(mail("m1@example.nl"))
    case = first.conversation
    case.status = Conversation.Status.RESOLVED
    case.save()
    [second] = receive(mail("m2@example.nl", subject="Nog een vraag"))
    assert second.conversation_id != case.pk
    [third] = receive(mail("m3@example.nl", subject=f"Re: Vraag [#{case.pk}]"))
    assert third.conversation_id == case.pk


def test_a_case_number_of_someone_else_does_not_thread(receive):
    [first] = receive(mail("m1@example.nl", sender="ander@example.nl"))
    [second] = receive(mail("m2@example.nl", subject=f"[#{first.conversation_id}]"))
    assert second.conversation_id != first.conversation_id


def test_an_auto_reply_is_recorded_but_never_reopens(receive):
    [first] = receive(mail("m1@example.nl"))
    case = first.conversation
    outbound(case, "bereikbaar.1.abcdef012345@bedrijf.nl")
    case.status = Conversation.Status.RESOLVED
    case.save()
    [auto] = receive("autoreply_outlook_nl.eml")
    assert auto.conversation_id == case.pk
    case.refresh_from_db()
    assert case.status == Conversation.Status.RESOLVED


def test_a_bounce_of_our_mail_marks_it_failed_with_the_reason(receive):
    [first] = receive(mail("m1@example.nl"))
    ours = outbound(first.conversation, "bereikbaar.1.abcdef012345@bedrijf.nl")
    assert receive("bounce_dsn.eml") == []
    ours.refresh_from_db()
    assert ours.delivery_status == Message.Delivery.FAILED
    assert "User unknown" in ours.delivery_error
    assert Message.objects.count() == 2  # no message from MAILER-DAEMON


def test_an_agents_forward_makes_the_original_sender_the_customer(receive, alice):
    alice.email = "anna@bedrijf.nl"
    alice.save()
    [message] = receive("forwarded_by_agent.eml")
    contact = message.conversation.contact
    assert [i.value for i in contact.identities.all()] == ["piet.pieters@example.com"]
    assert contact.name == "Piet Pieters"
    assert "stofzuiger" in message.text


def test_an_agents_own_mail_without_a_customer_is_quarantined(inbox, run_intake, alice):
    accepted = store(mail("m1@example.nl", sender="alice@example.nl"), to=[ADDRESS])
    run_intake()
    row = Inbound.objects.get(pk=accepted.id)
    assert row.status == Inbound.Status.QUARANTINED
    assert "names no customer" in row.error
    assert not Message.objects.exists()


def test_our_own_mail_coming_back_is_no_message(receive):
    assert receive(mail("loop@bedrijf.nl", sender=ADDRESS)) == []
    assert not Conversation.objects.exists()


def test_a_mail_without_message_id_is_stored_once(receive):
    [message] = receive("no_message_id.eml")
    assert store(eml("no_message_id.eml"), to=[ADDRESS]).duplicate
    assert message.provider_id.startswith("sha256:")


def test_attachments_are_stored_with_the_message(receive):
    [message] = receive("nested_inline_attachment.eml")
    names = sorted(a.filename for a in message.attachments.all())
    assert names == ["pakbon_48213__kopie.pdf", "schade.png"]
    assert "<img" not in message.html and "tracker" not in message.html


def test_a_mail_without_message_id_is_one_row_whichever_server_added_headers(receive):
    receive("no_message_id.eml")
    relayed = b"Received: from mx.elders.example by imap.bedrijf.nl\r\n" + eml("no_message_id.eml")
    assert store(relayed.replace(b"\r\n", b"\n"), to=[ADDRESS]).duplicate


def test_an_attachment_above_the_limit_is_noted_not_stored(receive, settings):
    settings.BEREIKBAAR_MAX_ATTACHMENT_BYTES = 75  # the png is 70 bytes, the pdf 78
    [message] = receive("nested_inline_attachment.eml")
    assert [a.filename for a in message.attachments.all()] == ["schade.png"]
    assert "pakbon 48213 – kopie.pdf" in message.text and "te groot" in message.text


def test_an_agents_out_of_office_is_no_case(receive, alice):
    headers = "Auto-Submitted: auto-replied\r\n"
    assert receive(mail("ooo@example.nl", sender="alice@example.nl", headers=headers)) == []


def test_a_reply_too_big_to_keep_whole_is_still_filed(receive, settings):
    settings.BEREIKBAAR_MAX_ATTACHMENT_BYTES = 500
    [message] = receive("gmail_reply_nl.eml")
    assert message.text == "Dank u, het pakket is net bezorgd!"
    assert not message.attachments.exists()
