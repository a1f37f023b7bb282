"""The 24-hour window, templates outside it, and consent: opt-in records, STOP at once."""

import json
import time

import pytest
from django.utils import timezone

from bereikbaar.channels.whatsapp import consent
from bereikbaar.channels.whatsapp.models import Template
from bereikbaar.channels.whatsapp.templates import render, send_template, sync_templates
from bereikbaar.channels.whatsapp.window import seconds_left, window_ends_at, window_open
from bereikbaar.contacts.models import Consent
from bereikbaar.delivery.reply import ReplyRefused, reply
from bereikbaar.delivery.tasks import send_message

from .conftest import text_payload


@pytest.fixture
def template(account):
    return Template.objects.create(
        account=account,
        name="bestelling_update",
        language="nl",
        body="Hallo {{1}}, uw bestelling {{2}} is onderweg.",
    )


def test_the_window_closes_24_hours_after_the_customers_last_message(customer_writes):
    conversation = customer_writes(ago=3600).conversation
    assert window_open(conversation)
    assert 22.9 * 3600 < seconds_left(conversation) <= 23 * 3600
    ends = window_ends_at(conversation)
    assert window_open(conversation, now=ends - timezone.timedelta(seconds=1))
    assert not window_open(conversation, now=ends)


def test_each_new_message_resets_the_window(customer_writes):
    customer_writes(ago=30 * 3600)
    conversation = customer_writes(ago=60).conversation
    assert seconds_left(conversation) > 23.9 * 3600


def test_a_status_or_an_old_retry_never_moves_the_window_back(customer_writes):
    conversation = customer_writes(ago=60).conversation
    before = window_ends_at(conversation)
    customer_writes(ago=20 * 3600)  # delivered late by Meta
    assert window_ends_at(conversation) == before


def test_a_template_goes_out_outside_the_window_with_an_opt_in(
    customer_writes, graph, anna, template
):
    conversation = customer_writes(ago=48 * 3600).conversation
    consent.record_opt_in("+31612345678", "webformulier", "Ja, stuur me updates via WhatsApp")
    message = send_template(conversation, anna, template, ["Sanne", "4711"])
    assert message.text == "Hallo Sanne, uw bestelling 4711 is onderweg."
    send_message.call(message.pk)
    message.refresh_from_db()
    assert message.delivery_status == "sent"
    assert graph.requests[-1]["json"]["template"] == {
        "name": "bestelling_update",
        "language": {"code": "nl"},
        "components": [
            {
                "type": "body",
                "parameters": [{"type": "text", "text": "Sanne"}, {"type": "text", "text": "4711"}],
            }
        ],
    }


def test_a_template_starting_a_conversation_needs_an_opt_in(customer_writes, anna, template):
    conversation = customer_writes(ago=48 * 3600).conversation
    with pytest.raises(ReplyRefused, match="opt-in"):
        send_template(conversation, anna, template, ["Sanne", "4711"])


def test_a_template_needs_all_its_parameters(customer_writes, anna, template):
    conversation = customer_writes().conversation
    with pytest.raises(ReplyRefused, match="2 parameters"):
        send_template(conversation, anna, template, ["Sanne"])


@pytest.mark.parametrize("word", ["STOP", "stop", "Afmelden", " afmelden. "])
def test_stop_records_an_opt_out_at_once(customer_writes, word):
    conversation = customer_writes(text=word).conversation
    latest = consent.current(conversation.contact)
    assert (latest.channel, latest.address, latest.granted) == ("whatsapp", "+31612345678", False)
    assert "trefwoord" in latest.source


def test_after_stop_nothing_is_sent(customer_writes, graph, anna, template):
    yesterday = timezone.now() - timezone.timedelta(days=1)
    consent.record_opt_in("+31612345678", "webformulier", "Ja", at=yesterday)
    conversation = customer_writes(text="Hallo").conversation
    message = reply(conversation, anna, "Jammer!", channel="whatsapp")
    customer_writes(text="STOP")  # arrives after the reply was queued, before it went out
    with pytest.raises(ReplyRefused, match="afgemeld"):
        reply(conversation, anna, "Nog iets", channel="whatsapp")
    send_message.call(message.pk)
    message.refresh_from_db()
    assert message.delivery_status == "failed"
    assert "afgemeld" in message.delivery_error
    assert graph.requests == []
    with pytest.raises(ReplyRefused, match="opted out"):
        send_template(conversation, anna, template, ["a", "b"])


def test_start_opts_in_again(customer_writes):
    customer_writes(text="STOP")
    conversation = customer_writes(text="start").conversation
    assert consent.opted_in(conversation.contact)


def test_a_stop_webhook_delivered_twice_records_one_opt_out(post_webhook, run_intake, service):
    raw = text_payload("wamid.STOP-1", "STOP", time.time() - 60)
    assert post_webhook(raw).status_code == 200
    assert post_webhook(json.dumps(json.loads(raw), indent=2).encode()).status_code == 200
    run_intake()
    assert Consent.objects.count() == 1


def test_templates_are_listed_from_the_graph_api(account, graph):
    graph.templates = [
        {
            "name": "afspraak_herinnering",
            "language": "nl",
            "status": "APPROVED",
            "category": "UTILITY",
            "id": "594425479261596",
            "components": [
                {"type": "HEADER", "format": "TEXT", "text": "Herinnering"},
                {"type": "BODY", "text": "Uw afspraak is op {{1}} om {{2}}."},
            ],
        }
    ]
    assert sync_templates(account) == 1
    template = Template.objects.get(name="afspraak_herinnering")
    assert render(template, ["dinsdag", "10:00"]) == "Uw afspraak is op dinsdag om 10:00."
    assert graph.requests[-1]["path"].startswith("/v21.0/102290129340398/message_templates")
