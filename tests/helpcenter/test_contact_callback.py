"""The contact page's callback form: it posts to the phone channel's /contact/callback/, which
queues a callback in a slot within opening hours, or says clearly what to fix."""

from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.test import Client

from bereikbaar.channels.voice.models import CallbackRequest
from tests.conftest import make_agent

AMS = ZoneInfo("Europe/Amsterdam")
TUESDAY = datetime(2026, 11, 24, 10, 0, tzinfo=AMS)
SUNDAY = datetime(2026, 11, 29, 10, 0, tzinfo=AMS)
GOOD = {"name": "Piet de Vries", "phone": "06 12345678", "slot": "2026-11-24T14:00"}


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def at():
    def travel(moment: datetime):
        return mock.patch("django.utils.timezone.now", return_value=moment)

    return travel


def ask(client: Client, **fields):
    return client.post("/contact/callback/", {**GOOD, **fields})


@pytest.mark.django_db
def test_the_page_offers_the_form_with_slots_in_opening_hours(client, at):
    with at(TUESDAY):
        page = client.get("/contact/").content.decode()
    assert 'action="/contact/callback/"' in page and "csrfmiddlewaretoken" in page
    assert 'value="asap"' in page  # open now
    assert 'value="2026-11-24T14:00"' in page and 'value="2026-11-24T16:00"' in page
    assert 'value="2026-11-24T10:00"' not in page  # too soon to promise
    assert 'value="2026-11-24T17:00"' not in page and 'value="2026-11-28T' not in page
    assert "maandag 09:00–17:00" in page


@pytest.mark.django_db
def test_the_page_links_the_chat_with_its_live_wait(client, service, at):
    make_agent("anna", service, presence="online")
    with at(TUESDAY):
        page = client.get("/contact/").content.decode()
    chat = page[page.index("<h2>Chat</h2>") :].split("</li>")[0]
    assert (
        'href="/chat/"' in chat and "Verwachte wachttijd" in chat and "1 medewerker online" in chat
    )


@pytest.mark.django_db
def test_a_valid_request_is_queued_in_its_slot_and_confirmed(client, at):
    with at(TUESDAY):
        response = ask(client, question="Mijn omvormer geeft code E21")
    assert response.status_code == 201
    text = response.content.decode()
    assert "We bellen je op dinsdag 24 november tussen 14:00 en 15:00 op +31612345678." in text
    callback = CallbackRequest.objects.get()
    assert (callback.number, callback.name, callback.source) == (
        "+31612345678",
        "Piet de Vries",
        "page",
    )
    assert callback.due_at == datetime(2026, 11, 24, 14, 0, tzinfo=AMS)
    assert callback.slot_end == datetime(2026, 11, 24, 15, 0, tzinfo=AMS)
    assert callback.first_due_at == callback.due_at
    assert callback.question == "Mijn omvormer geeft code E21"


@pytest.mark.django_db
def test_as_soon_as_possible_while_open(client, at):
    with at(TUESDAY):
        response = ask(client, slot="asap")
    assert response.status_code == 201 and "zo snel mogelijk" in response.content.decode()
    assert CallbackRequest.objects.get().due_at == TUESDAY


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["", "bel me", "0612", "+31 6 1234", "<script>alert(1)</script>"])
def test_a_bad_phone_number_is_a_clear_400_and_nothing_is_stored(client, at, phone):
    with at(TUESDAY):
        response = ask(client, phone=phone)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Dit telefoonnummer klopt niet" in text and 'role="alert"' in text
    assert "<script>alert" not in text  # the typed value is shown escaped
    assert not CallbackRequest.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "moment, slot",
    [
        (TUESDAY, "2026-11-24T20:00"),  # evening
        (TUESDAY, "2026-11-28T10:00"),  # Saturday
        (TUESDAY, "2026-11-24T09:00"),  # already past
        (TUESDAY, "2026-12-25T10:00"),  # Christmas, and too far ahead
        (TUESDAY, "morgen"),
        (SUNDAY, "asap"),  # closed now: no "as soon as possible" promise
    ],
)
def test_a_slot_outside_opening_hours_is_refused(client, at, moment, slot):
    with at(moment):
        response = ask(client, slot=slot)
    assert response.status_code == 400
    assert "binnen onze openingstijden" in response.content.decode()
    assert not CallbackRequest.objects.exists()


@pytest.mark.django_db
def test_a_missing_name_keeps_what_was_typed(client, at):
    with at(TUESDAY):
        response = ask(client, name="")
    text = response.content.decode()
    assert response.status_code == 400 and "Vul je naam in" in text
    assert 'value="06 12345678"' in text and 'value="2026-11-24T14:00" selected' in text


@pytest.mark.django_db
def test_the_form_needs_the_csrf_token(at):
    browser = Client(enforce_csrf_checks=True)
    with at(TUESDAY):
        assert ask(browser).status_code == 403
        browser.get("/contact/")
        token = browser.cookies["csrftoken"].value
        response = browser.post("/contact/callback/", {**GOOD, "csrfmiddlewaretoken": token})
    assert response.status_code == 201 and CallbackRequest.objects.count() == 1


@pytest.mark.django_db
def test_requests_are_limited_per_ip(client, at):
    with at(TUESDAY):
        for i in range(5):
            assert ask(client, phone=f"06 1234567{i}").status_code == 201
        response = ask(client, phone="06 12345679")
        other = ask(Client(REMOTE_ADDR="192.0.2.7"), phone="06 12345679")
    assert (
        response.status_code == 429
        and "Probeer het over een uur opnieuw" in response.content.decode()
    )
    assert other.status_code == 201
    assert CallbackRequest.objects.count() == 6


@pytest.mark.django_db
def test_only_post(client):
    assert client.get("/contact/callback/").status_code == 405


@pytest.mark.django_db
def test_in_english_too(client, at):
    english = {"Accept-Language": "en"}
    with at(TUESDAY):
        page = client.get("/contact/", headers=english).content.decode()
        bad = client.post("/contact/callback/", {**GOOD, "phone": "x"}, headers=english)
        good = client.post("/contact/callback/", GOOD, headers=english)
    assert "Rather be called back?" in page and "Call me back" in page
    assert "This phone number is not right" in bad.content.decode()
    assert "We will call you on" in good.content.decode()
