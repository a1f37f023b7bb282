"""The screen-pop: an event to whoever can take the line, and a panel that knows the caller."""

import pytest
from django.test import Client

from bereikbaar.channels.voice.models import Call
from bereikbaar.realtime import events
from tests.conftest import make_agent


@pytest.fixture
def published(monkeypatch):
    sent = []
    monkeypatch.setattr(
        "bereikbaar.realtime.publish.send_now",
        lambda groups, message: sent.append((groups, message)),
    )
    return sent


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_a_new_call_is_announced_to_the_lines_team(cti, published, service):
    cti("newCall")
    call = Call.objects.get()
    ringing = [(g, m) for g, m in published if m["event"] == events.CALL_RINGING]
    assert ringing == [(["admins", f"team-{service.pk}"], ringing[0][1])]
    assert ringing[0][1]["payload"] == {"call_id": call.pk}


@pytest.mark.django_db
def test_the_panel_shows_the_caller_and_what_they_wrote(cti, post_inbound, run_intake, anna):
    post_inbound("wa-1", text="Waar blijft mijn monteur?", phone="+31612345678", name="Piet Pan")
    run_intake()
    cti("newCall", **{"from": "0612345678"})
    call = Call.objects.get()
    page = logged_in(anna).get(f"/channels/voice/calls/{call.pk}/pop")
    html = page.content.decode()
    assert page.status_code == 200
    assert "+31612345678" in html
    assert "Piet Pan" in html
    assert "API" in html and "geleden: Waar blijft mijn monteur?" in html
    assert "Nog onbeantwoord" in html
    assert "Nieuw contact" not in html


@pytest.mark.django_db
def test_an_unknown_caller_gets_one_click_new_contact(cti, anna):
    cti("newCall", **{"from": "+31 6 87654321"})
    call = Call.objects.get()
    client = logged_in(anna)
    assert "Nieuw contact" in client.get(f"/channels/voice/calls/{call.pk}/pop").content.decode()
    page = client.post(f"/channels/voice/calls/{call.pk}/contact", {"name": "Saskia de Vries"})
    assert "Saskia de Vries" in page.content.decode()
    call.refresh_from_db()
    assert call.contact.name == "Saskia de Vries"


@pytest.mark.django_db
def test_after_answer_the_panel_stays_with_the_answering_agent(cti, anna, service):
    bert = make_agent("bert", service)
    cti("newCall")
    cti("answer", user="anna")
    call = Call.objects.get()
    assert logged_in(bert).get(f"/channels/voice/calls/{call.pk}/pop").status_code == 204
    anna_client = logged_in(anna)
    assert (
        "Notities bij dit gesprek"
        in anna_client.get(f"/channels/voice/calls/{call.pk}/pop").content.decode()
    )
    assert (
        logged_in(bert).post(f"/channels/voice/calls/{call.pk}/notes", {"notes": "x"}).status_code
        == 403
    )
    anna_client.post(f"/channels/voice/calls/{call.pk}/notes", {"notes": "Wil monteur dinsdag"})
    call.refresh_from_db()
    assert call.message.extra["call"]["notes"] == "Wil monteur dinsdag"
    assert "Notities: Wil monteur dinsdag" in call.message.text


@pytest.mark.django_db
def test_another_teams_agent_cannot_see_the_call(cti, bram):
    cti("newCall")
    call = Call.objects.get()
    assert logged_in(bram).get(f"/channels/voice/calls/{call.pk}/pop").status_code == 404


@pytest.mark.django_db
def test_a_missed_call_leaves_the_screen(cti, anna):
    cti("newCall")
    cti("hangup", cause="noAnswer")
    call = Call.objects.get()
    assert logged_in(anna).get(f"/channels/voice/calls/{call.pk}/pop").status_code == 204


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_log_in(cti, client):
    cti("newCall")
    call = Call.objects.get()
    response = client.get(f"/channels/voice/calls/{call.pk}/pop")
    assert response.status_code == 302


@pytest.mark.django_db
def test_an_outbound_call_pops_only_for_the_agent_who_dials(cti, anna, service):
    bert = make_agent("bert", service)
    cti("newCall", direction="out", user="anna", **{"from": "201", "to": "0612345678"})
    call = Call.objects.get()
    assert logged_in(anna).get(f"/channels/voice/calls/{call.pk}/pop").status_code == 200
    assert logged_in(bert).get(f"/channels/voice/calls/{call.pk}/pop").status_code == 204
