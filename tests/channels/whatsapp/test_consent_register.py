"""WhatsApp consent lives in the one central register (contacts.consent): a STOP is in the
contact's history and page, and an opt-in recorded centrally counts for the WhatsApp sender."""

import re

import pytest
from django.utils import timezone

from bereikbaar.channels.whatsapp.models import Template
from bereikbaar.channels.whatsapp.templates import send_template
from bereikbaar.contacts import consent as register
from bereikbaar.contacts.models import Consent, Contact
from bereikbaar.contacts.preferences import allowed_channels
from bereikbaar.contacts.privacy import erase, export
from bereikbaar.conversations.models import Conversation
from bereikbaar.delivery.reply import ReplyRefused
from bereikbaar.delivery.senders import refusal
from bereikbaar.delivery.tasks import send_message


@pytest.fixture
def template(account):
    return Template.objects.create(
        account=account, name="afspraak", language="nl", body="Uw afspraak is op {{1}}."
    )


def test_a_stop_is_in_the_contacts_history_and_blocks_whatsapp_but_not_sms(
    customer_writes, client, alice
):
    contact = customer_writes(text="Hallo", ago=3600).conversation.contact
    an_hour_ago = timezone.now() - timezone.timedelta(hours=1)
    for channel in ("whatsapp", "sms"):
        register.record(contact, channel, True, "webformulier", "Mag het?", at=an_hour_ago)

    conversation = customer_writes(text="STOP").conversation  # a minute ago, by Meta's clock

    latest = register.latest(contact, "whatsapp")
    assert (latest.granted, latest.address) == (False, "+31612345678")
    assert latest in register.history(contact)
    rules = {r.channel: r for r in allowed_channels(contact, timezone.now())}
    assert not rules["whatsapp"].allowed and rules["sms"].allowed
    assert "afgemeld" in refusal("whatsapp", conversation)
    assert refusal("sms", conversation) == ""  # per channel: SMS is still allowed
    client.force_login(alice)
    page = client.get(f"/contacts/{contact.pk}/").content.decode()
    listed = re.search(r'<ul class="consents">(.*?)</ul>', page, re.S).group(1)
    assert "whatsapp (+31612345678) opt-out" in listed
    assert "WhatsApp-trefwoord" in listed


def test_a_central_opt_in_lets_the_sender_start_a_template_conversation(db, anna, graph, template):
    contact = Contact.objects.create(name="Nieuwe klant")
    contact.identities.create(kind="whatsapp", value="+31687654321")
    conversation = Conversation.objects.create(contact=contact, subject="afspraak")
    with pytest.raises(ReplyRefused, match="opt-in"):
        send_template(conversation, anna, template, ["maandag"])

    register.record(contact, "whatsapp", True, "voorkeurencentrum", "Herinneringen via WhatsApp")
    message = send_template(conversation, anna, template, ["maandag"])
    send_message.call(message.pk)
    message.refresh_from_db()

    assert message.delivery_status == "sent"
    assert graph.requests[-1]["json"]["to"] == "31687654321"
    assert graph.requests[-1]["json"]["type"] == "template"


def test_an_opt_out_recorded_by_an_agent_shows_in_the_reply_box(customer_writes, client, anna):
    conversation = customer_writes(text="Hallo").conversation
    register.record(conversation.contact, "whatsapp", False, "telefonisch afgemeld bij Anna")
    client.force_login(anna)
    page = client.get(f"/conversations/{conversation.pk}/").content.decode()
    box = re.search(r'<div id="wa-reply".*?\n</div>', page, re.S).group(0)
    assert 'data-state="opted-out"' in box
    assert "heeft zich afgemeld" in box


def test_a_first_message_stop_files_consent_and_message_on_one_contact(customer_writes):
    message = customer_writes(text="STOP", sender="31699999999")
    [entry] = Consent.objects.all()
    assert entry.contact == message.conversation.contact
    assert (entry.channel, entry.address, entry.granted) == ("whatsapp", "+31699999999", False)
    assert Contact.objects.count() == 1


def test_whatsapp_consent_is_exported_and_erased_with_the_contact(customer_writes):
    contact = customer_writes(text="STOP").conversation.contact
    [exported] = export(contact)["consents"]
    assert exported["channel"] == "whatsapp" and exported["address"] == "+31612345678"
    assert exported["granted"] is False
    assert erase(contact)["consents"] == 1
    assert not Consent.objects.exists()
