"""Signals computed at intake are stored per message with reasons, behaviour included, and
shown in the inbox with their reasons."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from bereikbaar.contacts.models import Identity
from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.routing.models import MessageSignals

from .conftest import address, agent, write


def test_it_stores_signals_with_reasons_for_every_inbound(team):
    conversation = write("k", "Dit is echt belachelijk!! Niemand helpt me")
    stored = MessageSignals.objects.get(message__conversation=conversation)
    assert stored.emotion == "angry" and stored.language == "nl"
    assert any(r["cue"] == "belachelijk" for r in stored.reasons)
    assert "belachelijk" in stored.explanation and stored.explanation.startswith("boos")


def test_a_repeat_contact_a_second_channel_and_waiting_add_impatience(team):
    first = write("k", "Hallo, waar blijft mijn pakket?", channel="email")
    Message.objects.update(created_at=timezone.now() - timedelta(hours=2))
    Identity.objects.create(contact=first.contact, kind="whatsapp", value=address("whatsapp", "k"))
    again = write("k", "Waar blijft het", channel="whatsapp")
    assert again.pk == first.pk
    seen = MessageSignals.objects.filter(message__conversation=again).latest("id")
    assert seen.behaviour["repeat_contacts_48h"] == 1
    assert seen.behaviour["second_channel_while_open"] is True
    assert 115 < seen.behaviour["minutes_waited"] < 125
    assert seen.emotion == "impatient"
    assert {r.get("note") for r in seen.reasons if r["label"] == "impatient"} >= {"behaviour"}


def test_an_old_contact_is_not_a_repeat(team):
    write("k", "Hallo, waar blijft mijn pakket?")
    Message.objects.update(created_at=timezone.now() - timedelta(hours=49))
    Conversation.objects.update(status="resolved")
    write("k", "Nog een vraag")
    seen = MessageSignals.objects.latest("id")
    assert seen.behaviour == {
        "repeat_contacts_48h": 0,
        "second_channel_while_open": False,
        "minutes_waited": 0.0,
        "broken_promise": False,
    }


def test_bad_input_is_neutral_with_a_reason_and_still_routed(team):
    a = agent("a", team)
    for text in ["", "😀😀😀", "<b>x</b>" * 20000, "\x01\x02\x7fbinary\ufffd"]:
        conversation = write(f"k{len(text)}", text, channel="webchat" if text else "api")
        assert conversation.assignee_id == a.user_id or conversation.routing.queued_at
        assert MessageSignals.objects.filter(message__conversation=conversation).exists()


def test_the_inbox_shows_emotion_priority_and_sla(team):
    from bereikbaar.routing.models import SlaPolicy

    SlaPolicy.objects.create(name="chat", channel="webchat", first_response_minutes=60)
    anna = agent("anna", team, skills=("de-escalation",))
    conversation = write("boos", "Dit is echt belachelijk!! Niemand helpt me", channel="webchat")
    assert conversation.priority == Conversation.Priority.HIGH
    client = Client()
    client.force_login(anna.user)
    listing = client.get("/").content.decode()
    assert 'data-emotion="angry"' in listing and "belachelijk" in listing
    assert "SLA eerste reactie" in listing
    detail = client.get(conversation.get_absolute_url()).content.decode()
    assert "prioriteit omdat" in detail and "boos: " in detail
    timeline = client.get(f"/conversations/{conversation.pk}/timeline/").content.decode()
    assert 'class="signal emotion-angry' in timeline


def test_backfill_gives_bulk_imported_messages_their_signals(team):
    from django.core.management import call_command

    from bereikbaar.contacts.models import Contact

    contact = Contact.objects.create(name="Import")
    conversation = Conversation.objects.create(contact=contact, subject="oud", team=team)
    Message.objects.bulk_create(
        [
            Message(conversation=conversation, direction="inbound", channel="email", text=t)
            for t in ["Hallo", "Dit is echt belachelijk!! Niemand helpt me"]
        ]
    )
    call_command("routing_backfill")
    conversation.refresh_from_db()
    assert MessageSignals.objects.count() == 2
    assert conversation.priority == Conversation.Priority.HIGH
    assert conversation.routing.emotion == "angry"
