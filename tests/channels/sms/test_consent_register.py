"""SMS consent lives in the one central register (contacts.consent): a STOP opts the contact out
of SMS only, and an opt-in recorded centrally lets the SMS sender start a text."""

import pytest

from bereikbaar.contacts import consent as register
from bereikbaar.contacts.models import Consent, Contact
from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.delivery.reply import ReplyRefused, reply
from bereikbaar.delivery.senders import refusal
from bereikbaar.delivery.tasks import send_message

from .conftest import form


def test_an_sms_stop_blocks_sms_and_leaves_whatsapp_alone(post_sms, run_intake, service):
    post_sms("inbound_sms")
    run_intake()
    contact = Message.objects.get().conversation.contact
    register.record(contact, "whatsapp", True, "webformulier", "Mag we u via WhatsApp berichten?")

    post_sms("inbound_stop")
    run_intake()

    conversation = Message.objects.order_by("-pk").first().conversation
    assert register.opted_out(contact, "sms")
    assert register.has_consent(contact, "whatsapp")
    assert "afgemeld voor sms" in refusal("sms", conversation)
    assert "afgemeld" not in refusal("whatsapp", conversation)
    assert [(c.channel, c.granted) for c in register.history(contact)] == [
        ("whatsapp", True),
        ("sms", False),
    ]


def test_a_redelivered_stop_records_one_opt_out_and_start_opts_in_again(
    post_sms, run_intake, service
):
    post_sms("inbound_stop")
    post_sms("inbound_stop")  # Twilio retries the same webhook
    run_intake()
    assert Consent.objects.filter(channel="sms", granted=False).count() == 1
    post_sms(form("inbound_sms") | {"Body": "START", "MessageSid": "SM" + "5" * 32})
    run_intake()
    assert register.has_consent(Contact.objects.get(), "sms")


def test_a_central_opt_in_lets_the_sender_start_a_text(db, anna, twilio, account):
    contact = Contact.objects.create(name="Nieuw")
    contact.identities.create(kind="phone", value="+31687654321")
    conversation = Conversation.objects.create(contact=contact)
    with pytest.raises(ReplyRefused, match="opt-in"):
        reply(conversation, anna, "Uw afspraak is morgen.", channel="sms")

    register.record(contact, "sms", True, "voorkeurencentrum", "Herinneringen per sms")
    message = reply(conversation, anna, "Uw afspraak is morgen.", channel="sms")
    send_message.call(message.pk)
    message.refresh_from_db()

    assert message.delivery_status == "sent"
    assert twilio.requests[-1]["form"]["To"] == "+31687654321"
