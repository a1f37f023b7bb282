"""Reliability catalogue B/C for email (docs/reliability-map.md): real MIME bytes through the
receiver's own store() and the intake worker; what must be filed, and to whom."""

from bereikbaar.channels.email.models import EmailInbox
from bereikbaar.channels.email.receive import store
from bereikbaar.conversations.models import Message
from bereikbaar.intake.models import Inbound

from .conftest import ADDRESS
from .test_threading import mail, outbound


def test_b10_one_mail_to_two_of_our_inboxes_is_one_message(receive, inbox):
    EmailInbox.objects.create(address="facturen@bedrijf.nl", name="Facturen")
    [first] = receive(mail("twee-inboxen@example.nl"))
    second = store(mail("twee-inboxen@example.nl"), to=["facturen@bedrijf.nl"])
    assert second.duplicate  # the policy: one story per mail, whichever inbox it reached
    assert Message.objects.get() == first


def test_c1_a_multipart_without_boundary_is_filed_not_lost(receive):
    raw = (
        b"From: Karin <karin@example.nl>\r\nTo: service@bedrijf.nl\r\nSubject: geen grens\r\n"
        b"Message-ID: <no-boundary@example.nl>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed\r\n\r\nDe tekst zonder grens\r\n"
    )
    [message] = receive(raw)
    assert message.conversation.contact.identities.get().value == "karin@example.nl"
    assert message.text == "De tekst zonder grens"  # before: an empty message


def test_c6_the_display_name_never_decides_who_wrote(receive):
    raw = mail("spoof@example.nl").replace(
        b"From: Karin Klant <karin.klant@example.nl>",
        b'From: "service@bedrijf.nl" <attacker@evil.example>',
    )
    [message] = receive(raw)
    identities = list(message.conversation.contact.identities.values_list("kind", "value"))
    assert identities == [("email", "attacker@evil.example")]


def test_c6_a_cve_2023_27043_address_never_becomes_the_victim(receive):
    raw = mail("parse@example.nl").replace(
        b"From: Karin Klant <karin.klant@example.nl>", b"From: alice@example.org(<bob@example.org>"
    )
    [message] = receive(raw)
    values = list(message.conversation.contact.identities.values_list("value", flat=True))
    assert "bob@example.org" not in values


def test_c7_utf7_html_never_becomes_a_stored_script(receive):
    raw = (
        b"From: a@example.nl\r\nTo: service@bedrijf.nl\r\nMessage-ID: <utf7@example.nl>\r\n"
        b"Content-Type: text/html; charset=utf-7\r\n\r\n"
        b"+ADw-script+AD4-alert(1)+ADw-/script+AD4- hoi\r\n"
    )
    [message] = receive(raw)
    assert "<script" not in message.html.lower() and "alert(" not in message.text
    assert "hoi" in message.text


def test_c9_a_mail_without_to_and_body_is_still_filed(receive):
    raw = b"From: Karin <karin@example.nl>\r\nMessage-ID: <leeg@example.nl>\r\n\r\n"
    [message] = receive(raw)
    assert message.conversation.contact.identities.get().value == "karin@example.nl"


def test_c13_a_stranger_answering_our_mail_to_someone_else_gets_no_access(receive):
    [first] = receive(mail("m1@example.nl", sender="karin.klant@example.nl"))
    ours = outbound(first.conversation, "bereikbaar.1.abcdef012345@bedrijf.nl")
    headers = f"In-Reply-To: <{ours.provider_id}>\r\nReferences: <{ours.provider_id}>\r\n"
    stranger = mail(
        "m2@evil.example",
        subject=f"Re: Vraag [#{first.conversation_id}]",
        sender="attacker@evil.example",
        headers=headers,
    )
    [second] = receive(stranger)
    assert second.conversation_id != first.conversation_id
    assert second.conversation.contact_id != first.conversation.contact_id
    assert not Inbound.objects.filter(status=Inbound.Status.QUARANTINED).exists()
    assert ADDRESS  # the mail reached our inbox; it simply opened its own case


def test_d3_a_script_in_subject_and_sender_name_never_renders(receive, client, anna):
    raw = mail("xss-subject@example.nl", subject="<script>alert('onderwerp')</script>").replace(
        b"From: Karin Klant", b"From: \"<img src=x onerror=alert('naam')>\""
    )
    [message] = receive(raw)
    client.force_login(anna)
    pk = message.conversation_id
    for url in ("/", f"/conversations/{pk}/", f"/conversations/{pk}/timeline/"):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, url
        if not url.endswith("timeline/"):  # the timeline shows messages, not the subject
            assert "&lt;script&gt;alert(&#x27;onderwerp&#x27;)" in html, url  # shown as text
