"""The public contact page: every channel with an honest, live expected wait."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bereikbaar.contacts.models import Contact
from bereikbaar.conversations.models import Conversation
from bereikbaar.routing.waits import expected_waits
from tests.conftest import make_agent

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
WEDNESDAY_MORNING = datetime(2026, 12, 2, 10, 0, tzinfo=AMSTERDAM)  # office hours 9–17


def waits(now=WEDNESDAY_MORNING):
    return {w.kind: w for w in expected_waits(now=now)}


def conversation(channel, minutes_to_answer, assignee=None, **kw):
    contact = Contact.objects.create()
    c = Conversation.objects.create(
        contact=contact, last_inbound_channel=channel, assignee=assignee, **kw
    )
    if minutes_to_answer is not None:
        c.first_response_at = c.created_at + timedelta(minutes=minutes_to_answer)
        c.save(update_fields=["first_response_at"])
    return c


def test_no_agent_online_says_so(db):
    w = waits()
    assert w["phone"].minutes is None and w["webchat"].minutes is None
    assert "niemand online" in w["phone"].text
    assert w["email"].text == "Nog geen gegevens"


def test_live_wait_from_agents_online_and_queue(service):
    make_agent("anna", service, presence="online")
    make_agent("bram", service, presence="offline")
    assert waits()["webchat"].minutes == 0
    for _ in range(3):
        conversation("webchat", None)
    w = waits()["webchat"]
    assert w.minutes > 0 and "1 medewerker online, 3 wachtend" in w.basis


def test_written_channels_use_recent_first_response_times(db):
    for m in (10, 20, 30, 40, 50):
        conversation("email", m)
    old = conversation("email", 600)
    Conversation.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    w = waits(timezone.now())["email"]
    assert w.minutes == 30.0
    assert "30 minuten" in w.text and "5 gesprekken" in w.basis
    # too few WhatsApp samples: falls back to all channels
    conversation("whatsapp", 2)
    assert waits(timezone.now())["whatsapp"].minutes is not None


@pytest.mark.parametrize(
    "now, reopens",
    [
        (datetime(2026, 12, 5, 10, 0, tzinfo=AMSTERDAM), "maandag om 09:00"),  # Saturday
        (datetime(2026, 12, 4, 17, 30, tzinfo=AMSTERDAM), "maandag om 09:00"),  # Friday evening
        (datetime(2026, 12, 6, 20, 0, tzinfo=AMSTERDAM), "morgen om 09:00"),  # Sunday evening
        (datetime(2026, 12, 7, 7, 15, tzinfo=AMSTERDAM), "vandaag om 09:00"),  # Monday early
        (datetime(2026, 12, 24, 18, 0, tzinfo=AMSTERDAM), "maandag om 09:00"),  # Christmas
    ],
)
def test_outside_opening_hours_no_live_wait_is_promised(service, now, reopens):
    """Agents left online at night must not make the page promise a two-minute phone wait:
    phone and chat say they are closed and when they open again; written channels still
    give their response time."""
    make_agent("anna", service, presence="online")
    conversation("email", 30)
    w = waits(now)
    for live in ("phone", "webchat"):
        assert w[live].minutes is None
        assert w[live].text.startswith(f"Nu gesloten, weer open {reopens}.")
        assert w[live].basis == "buiten openingstijden"
    assert waits(WEDNESDAY_MORNING)["phone"].minutes is not None  # the same agent, in hours


def test_contact_page_lists_every_channel_without_a_form_in_front(client, db):
    r = client.get("/contact/")
    html = r.content.decode()
    assert r.status_code == 200
    for label in ("Telefoon", "Chat", "WhatsApp", "SMS", "E-mail"):
        assert label in html
    main = html.split("<main", 1)[1].split("</main>")[0]
    # the one form is the optional callback request, after every channel: a choice, not a gate
    assert main.count("<form") == 1 and 'action="/contact/callback/"' in main
    assert main.index("<form") > main.index("<h2>E-mail</h2>")
    assert "Verwachte" in html
