"""The WhatsApp reply box in the agent inbox: the window's time left, free text refused after
it, and approved templates sent from the inbox all the way to the Graph API stand-in."""

import re
from datetime import datetime

import pytest

from bereikbaar.channels.sms import consent as sms_consent
from bereikbaar.channels.whatsapp import consent
from bereikbaar.channels.whatsapp.agent_box import time_left
from bereikbaar.channels.whatsapp.models import Template, TemplateSend
from bereikbaar.channels.whatsapp.window import window_ends_at
from bereikbaar.conversations.models import Message
from bereikbaar.delivery.tasks import send_message


@pytest.fixture
def template(account):
    return Template.objects.create(
        account=account,
        name="bestelling_update",
        language="nl",
        body="Hallo {{1}}, uw bestelling {{2}} is onderweg.",
    )


@pytest.fixture
def closed(customer_writes, template):
    """A conversation whose window closed a day ago, with an opt-in on record."""
    consent.record_opt_in("+31612345678", "webformulier", "Ja, stuur me updates via WhatsApp")
    return customer_writes(ago=48 * 3600).conversation


def box_of(html: str) -> str:
    match = re.search(r'<div id="wa-reply".*?\n</div>', html, re.S)
    assert match, "no WhatsApp reply box on the page"
    return match.group(0)


def send_url(conversation) -> str:
    return f"/channels/whatsapp/conversations/{conversation.pk}/template"


def test_the_time_left_is_rounded_down_like_the_browser_counts():
    assert time_left(3 * 3600 + 12 * 60 + 59) == "WhatsApp: nog 3 u 12 min om vrij te antwoorden"
    assert time_left(12 * 60) == "WhatsApp: nog 12 min om vrij te antwoorden"
    assert time_left(59) == "WhatsApp: nog 59 s om vrij te antwoorden"


def test_an_open_window_shows_its_end_for_the_browser_countdown(customer_writes, client, anna):
    conversation = customer_writes(ago=3600).conversation
    client.force_login(anna)
    box = box_of(client.get(f"/conversations/{conversation.pk}/").content.decode())
    assert 'data-state="open"' in box
    assert "WhatsApp: nog 22 u 59 min om vrij te antwoorden" in box
    ends = re.search(r'data-ends-at="([^"]+)"', box).group(1)
    assert datetime.fromisoformat(ends) == window_ends_at(conversation)
    # the templates are there (hidden) so the browser can switch at zero without a reload
    assert '<div class="wa-closed-part" hidden>' in box


def test_a_closed_window_offers_the_templates_and_other_channels(closed, client, anna):
    client.force_login(anna)
    box = box_of(client.get(f"/conversations/{closed.pk}/").content.decode())
    assert 'data-state="closed"' in box
    assert "24-uursvenster gesloten" in box
    assert "bestelling_update (nl)" in box
    assert box.count('name="param-') == 2
    assert "Hallo {{1}}, uw bestelling {{2}} is onderweg." in box
    assert "wa-use-channel" not in box  # no address, no consent: no other channel to offer


def test_the_closed_box_offers_a_channel_the_customer_accepts(closed, client, anna):
    sms_consent.record_opt_in("+31612345678", "webformulier", "Ja, sms mag ook")
    client.force_login(anna)
    box = box_of(client.get(f"/conversations/{closed.pk}/").content.decode())
    assert 'data-channel="sms"' in box
    assert 'data-channel="email"' not in box and 'data-channel="api"' not in box


def test_free_text_after_the_window_is_refused_with_the_reason_never_stored(closed, client, anna):
    client.force_login(anna)
    response = client.post(
        f"/conversations/{closed.pk}/reply/", {"text": "Hallo!", "channel": "whatsapp"}
    )
    assert response.status_code == 422
    assert "Buiten het 24-uursvenster" in response.content.decode()
    assert not Message.objects.filter(direction="outbound").exists()


def test_a_template_sent_from_the_inbox_reaches_the_graph_api(
    closed, template, graph, client, anna
):
    client.force_login(anna)
    params = {"template": template.pk, f"param-{template.pk}": ["Sanne", "4711"]}
    response = client.post(send_url(closed), params)
    assert response.status_code == 302
    assert response["Location"] == closed.get_absolute_url()
    message = Message.objects.get(direction="outbound")
    assert message.text == "Hallo Sanne, uw bestelling 4711 is onderweg."
    assert message.author == anna
    assert TemplateSend.objects.get(message=message).parameters == ["Sanne", "4711"]
    send_message.call(message.pk)
    message.refresh_from_db()
    assert message.delivery_status == "sent"
    sent = graph.requests[-1]
    assert sent["path"].endswith("/messages")
    assert sent["json"]["type"] == "template"
    assert sent["json"]["template"]["name"] == "bestelling_update"
    assert sent["json"]["template"]["components"][0]["parameters"] == [
        {"type": "text", "text": "Sanne"},
        {"type": "text", "text": "4711"},
    ]


def test_htmx_gets_the_box_back_and_a_timeline_refresh(closed, template, client, anna):
    client.force_login(anna)
    params = {"template": template.pk, f"param-{template.pk}": ["Sanne", "4711"]}
    response = client.post(send_url(closed), params, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Trigger"] == "inbox:refresh-timeline"
    assert "Sjabloon bestelling_update wordt verstuurd." in response.content.decode()


@pytest.mark.parametrize(
    ("template_field", "values", "reason"),
    [
        ("", [], "Kies een goedgekeurd sjabloon."),
        ("999999", [], "Kies een goedgekeurd sjabloon."),
        ("9" * 40, [], "Kies een goedgekeurd sjabloon."),
        ("abc", [], "Kies een goedgekeurd sjabloon."),
        ("T", ["Sanne"], "Vul alle parameters van het sjabloon in."),
        ("T", ["Sanne", "  "], "Vul alle parameters van het sjabloon in."),
        ("T", ["Sanne", "a\nb"], "regeleinde"),
    ],
)
def test_a_bad_template_request_is_a_422_with_the_reason(
    closed, template, client, anna, template_field, values, reason
):
    client.force_login(anna)
    pk = template.pk if template_field == "T" else template_field
    data = {"template": pk, f"param-{template.pk}": values}
    response = client.post(send_url(closed), data, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert reason in response.content.decode()
    assert not Message.objects.filter(direction="outbound").exists()


def test_a_refusal_keeps_the_agents_parameters(closed, template, client, anna):
    client.force_login(anna)
    data = {"template": template.pk, f"param-{template.pk}": ["Sanne", ""]}
    page = client.post(send_url(closed), data).content.decode()  # no htmx: a whole page
    assert "<html" in page and "Sjabloon niet verstuurd" in page
    assert 'value="Sanne"' in page
    assert f'<option value="{template.pk}" selected>' in page


def test_without_an_opt_in_a_template_outside_the_window_is_refused(
    customer_writes, template, client, anna
):
    conversation = customer_writes(ago=48 * 3600).conversation
    client.force_login(anna)
    page = client.get(f"/conversations/{conversation.pk}/").content.decode()
    assert "Geen vastgelegde WhatsApp-toestemming (opt-in)" in page
    data = {"template": template.pk, f"param-{template.pk}": ["Sanne", "4711"]}
    response = client.post(send_url(conversation), data, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "opt-in" in response.content.decode()
    assert not Message.objects.filter(direction="outbound").exists()


def test_after_stop_the_box_offers_no_templates(customer_writes, template, client, anna):
    customer_writes(text="Hallo", ago=3600)
    conversation = customer_writes(text="STOP", ago=60).conversation
    client.force_login(anna)
    box = box_of(client.get(f"/conversations/{conversation.pk}/").content.decode())
    assert 'data-state="opted-out"' in box
    assert "heeft zich afgemeld (STOP)" in box
    assert "wa-template-form" not in box


def test_a_new_message_reopens_the_window_in_the_fragment(closed, customer_writes, client, anna):
    client.force_login(anna)
    url = f"/channels/whatsapp/conversations/{closed.pk}/reply-box"
    before = box_of(client.get(url).content.decode())
    customer_writes(text="Ik ben er weer", ago=5)
    after = box_of(client.get(url).content.decode())
    assert 'data-state="closed"' in before and 'data-state="open"' in after
    key = re.compile(r'data-key="([^"]*)"')
    assert key.search(before).group(1) != key.search(after).group(1)
    assert "WhatsApp: nog 23 u 59 min om vrij te antwoorden" in after


def test_another_teams_conversation_is_a_404_and_a_stranger_must_log_in(
    closed, template, client, bram
):
    client.force_login(bram)
    assert client.get(f"/channels/whatsapp/conversations/{closed.pk}/reply-box").status_code == 404
    data = {"template": template.pk, f"param-{template.pk}": ["Sanne", "4711"]}
    assert client.post(send_url(closed), data).status_code == 404
    client.logout()
    assert client.post(send_url(closed), data).status_code == 302
    assert not Message.objects.filter(direction="outbound").exists()


def test_another_teams_conversation_is_a_refusal_in_the_audit_log(closed, template, client, bram):
    from bereikbaar.conversations.models import AccessEntry

    client.force_login(bram)
    assert client.get(f"/channels/whatsapp/conversations/{closed.pk}/reply-box").status_code == 404
    missing = closed.pk + 1000
    assert client.get(f"/channels/whatsapp/conversations/{missing}/reply-box").status_code == 404
    [entry] = AccessEntry.objects.all()  # the missing id is no refusal
    assert (entry.actor, entry.action, entry.conversation_id) == (
        bram,
        AccessEntry.Action.REFUSED,
        closed.pk,
    )
    assert entry.route == f"GET /channels/whatsapp/conversations/{closed.pk}/reply-box"
