"""One person, three channels, one case: a mail through the real SMTP receiver, a signed
WhatsApp webhook, then a phone call over CTI. bereikbaar suggests the two records are one
person (her signature carries the number), the agent merges, the questions become one case,
and the call's screen-pop shows what she wrote on both channels."""

import smtplib

import pytest
from django.test import Client

from bereikbaar.channels.email import smtp
from bereikbaar.channels.email.models import EmailInbox
from bereikbaar.channels.email.simulate import compose
from bereikbaar.channels.voice.models import Call
from bereikbaar.channels.whatsapp.models import Account
from bereikbaar.channels.whatsapp.simulate import text_webhook
from bereikbaar.contacts.merge import merge
from bereikbaar.contacts.models import Contact
from bereikbaar.contacts.suggest import from_text
from bereikbaar.conversations.models import Conversation
from bereikbaar.stories.caselink import after_merge
from tests.channels.email.conftest import free_port

pytestmark = pytest.mark.django_db(transaction=True)

SUPPORT = "klantenservice@example.nl"
MAIL = "Mijn jaarafrekening van november is veel te hoog.\n\nGroet,\nKarin de Vries\n06-12345678"
APP = "Hoi, mijn jaarafrekening van november is te hoog, klopt dat bedrag wel?"


def mail_in(run_intake) -> None:
    EmailInbox.objects.create(address=SUPPORT)
    port = free_port()
    controller = smtp.start_receiver("127.0.0.1", port)
    try:
        mail = compose("karin@example.nl", "Karin de Vries", SUPPORT, "Jaarafrekening", MAIL)
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            assert client.send_message(mail) == {}
    finally:
        controller.stop()
    run_intake()


def whatsapp_in(client, run_intake) -> None:
    account = Account.objects.create(
        phone_number_id="109876", app_secret="app-geheim", verify_token="v", access_token="t"
    )
    body, headers = text_webhook(account, "+31612345678", APP, name="Karin")
    response = client.post(
        "/channels/whatsapp/webhook",
        data=body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": headers["X-Hub-Signature-256"]},
    )
    assert response.status_code == 200
    run_intake()


def test_mail_then_whatsapp_then_a_call_is_one_case_with_one_screen_pop(
    client, cti, run_intake, anna
):
    mail_in(run_intake)
    whatsapp_in(client, run_intake)
    by_mail = Contact.objects.get(identities__kind="email")
    by_app = Contact.objects.get(identities__kind="whatsapp")
    assert by_mail != by_app  # different identities: suggested, never merged silently
    [hint] = from_text(by_mail, by_mail.conversations.get().messages.get().text)
    assert hint.contact == by_app and "+31612345678" in hint.evidence[0]

    merge(by_mail, by_app, by=anna)
    [link] = after_merge(by_mail.pk)
    assert link.signal == "same_question"
    [case] = Conversation.objects.filter(contact=by_mail, status__in=Conversation.ACTIVE)
    assert case.pk == link.case_id
    assert set(case.messages.values_list("channel", flat=True)) == {"email", "whatsapp"}

    cti("newCall", **{"from": "0612345678"})
    call = Call.objects.get()
    assert call.contact_id == by_mail.pk  # the number she WhatsApps from is her phone too
    agent = Client()
    agent.force_login(anna)
    pop = agent.get(f"/channels/voice/calls/{call.pk}/pop").content.decode()
    assert "Karin de Vries" in pop
    assert "jaarafrekening van november is veel te hoog" in pop  # the mail
    assert "klopt dat bedrag wel?" in pop  # the WhatsApp message

    cti("answer", user="anna")
    cti("hangup", cause="normal", user="anna")
    case.refresh_from_db()
    assert Conversation.objects.filter(contact=by_mail, status__in=Conversation.ACTIVE).count() == 1
    assert set(case.messages.values_list("channel", flat=True)) == {"email", "whatsapp", "phone"}
    assert case.assignee_id in (None, anna.pk)
