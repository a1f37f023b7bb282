"""The WhatsApp 24-hour window in the agent's browser: the time left counts down, the reply box
switches to approved templates when it reaches zero and back to free text when the customer
writes again, all without a reload; a template sent from the box reaches the Graph API.

Customers write through the real webhook (signed as Meta signs), to a real `bereikbaar serve`
whose WhatsApp number points at the Graph API stand-in of tests/channels/whatsapp. Playwright's
clock moves the browser's time, so the test sees three hours pass in a moment.
"""

import json
import re
import time
import urllib.request

import pytest

from bereikbaar.channels.whatsapp.signature import sign
from tests.browser.live_server import PASSWORD, live_env, run_python, serving
from tests.channels.whatsapp.conftest import (
    ACCESS_TOKEN,
    APP_SECRET,
    PHONE_NUMBER_ID,
    VERIFY_TOKEN,
    GraphStandIn,
)

pytestmark = [pytest.mark.browser, pytest.mark.live]

LIVE = 5000
DAY = 24 * 3600

SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from django.contrib.auth import get_user_model
from bereikbaar.channels.whatsapp import consent
from bereikbaar.channels.whatsapp.models import Account, Template
from bereikbaar.routing.models import AgentProfile, Team
team = Team.objects.create(name="Service", slug="service", is_default=True)
admin = get_user_model().objects.create_superuser("alice", "alice@example.nl", "{password}")
AgentProfile.objects.create(user=admin, presence="away").teams.add(team)
account = Account.objects.create(
    phone_number_id="{phone_number_id}", app_secret="{app_secret}", verify_token="{verify}",
    access_token="{access_token}", api_base="{api_base}", waba_id="102290129340398",
)
Template.objects.create(
    account=account, name="bestelling_update", language="nl",
    body="Hallo {{{{1}}}}, uw bestelling {{{{2}}}} is onderweg.",
)
consent.record_opt_in("+31687654321", "webformulier", "Ja, stuur me updates via WhatsApp")
print("ready")
"""


@pytest.fixture(scope="module")
def graph():
    stand_in = GraphStandIn()
    yield stand_in
    stand_in.close()


@pytest.fixture(scope="module")
def server(graph, tmp_path_factory):
    from tests.browser.conftest import need_chromium

    need_chromium()
    tmp_path = tmp_path_factory.mktemp("whatsapp-window")
    setup = SETUP.format(
        password=PASSWORD,
        phone_number_id=PHONE_NUMBER_ID,
        app_secret=APP_SECRET,
        verify=VERIFY_TOKEN,
        access_token=ACCESS_TOKEN,
        api_base=graph.base,
    )
    with live_env(tmp_path) as env:
        assert run_python(setup, env, timeout=120) == "ready"
        with serving(env, tmp_path) as base_url:
            yield base_url


def customer_writes(base_url: str, sender: str, name: str, text: str, ago: float) -> None:
    """A signed Cloud API webhook: `sender` (digits) wrote `text`, `ago` seconds ago."""
    message = {
        "from": sender,
        "id": f"wamid.BROWSER{time.time_ns()}",
        "timestamp": str(int(time.time() - ago)),
        "type": "text",
        "text": {"body": text},
    }
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "31201234567", "phone_number_id": PHONE_NUMBER_ID},
        "contacts": [{"profile": {"name": name}, "wa_id": sender}],
        "messages": [message],
    }
    change = {"value": value, "field": "messages"}
    body = json.dumps(
        {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [change]}]}
    ).encode()
    request = urllib.request.Request(
        f"{base_url}/channels/whatsapp/webhook", data=body, method="POST"
    )
    request.add_header("Content-Type", "application/json")
    request.add_header("X-Hub-Signature-256", sign(APP_SECRET, body))
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def open_conversation(browser, base_url: str, name: str, errors: list, clock: bool = False):
    from playwright.sync_api import expect

    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    if clock:
        page.clock.install()
    page.goto(f"{base_url}/login/")
    page.get_by_label("Gebruikersnaam").fill("alice")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    row = page.locator(".conversations a", has_text=name)
    expect(row).to_be_visible(timeout=LIVE)
    row.click()
    expect(page.locator("#wa-reply")).to_be_visible(timeout=LIVE)
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=LIVE)
    return page


def test_the_window_counts_down_closes_to_templates_and_reopens(server, browser):
    from playwright.sync_api import expect

    base_url = server
    # 3 h 12 min 30 s of the window left
    customer_writes(
        base_url,
        "31612345678",
        "Sanne de Vries",
        "Waar is mijn pakket?",
        ago=DAY - (3 * 3600 + 12 * 60 + 30),
    )
    errors: list[str] = []
    page = open_conversation(browser, base_url, "Sanne de Vries", errors, clock=True)
    box = page.locator("#wa-reply")
    line = box.locator(".wa-window")
    free_text = page.locator("#reply-text")
    expect(line).to_have_text("WhatsApp: nog 3 u 12 min om vrij te antwoorden")
    expect(box).to_have_attribute("data-state", "open")
    expect(free_text).to_be_visible()
    expect(box.locator(".wa-template-form")).to_be_hidden()

    page.clock.fast_forward("01:00")
    expect(line).to_have_text("WhatsApp: nog 3 u 11 min om vrij te antwoorden")
    page.clock.fast_forward("03:11:00")
    expect(line).to_have_text(re.compile(r"WhatsApp: nog \d{1,2} s om vrij te antwoorden"))

    # zero: the templates instead of free text, announced, without a reload
    page.clock.fast_forward("01:00")
    expect(box).to_have_attribute("data-state", "closed")
    expect(line).to_contain_text("24-uursvenster gesloten")
    expect(box.locator(".wa-announce")).to_contain_text("24-uursvenster gesloten")
    expect(box.get_by_label("Sjabloon", exact=True)).to_be_visible()
    expect(free_text).to_be_hidden()
    expect(free_text).to_be_disabled()
    expect(page.get_by_role("button", name="Verstuur antwoord")).to_be_hidden()

    # another channel: free text again; back to WhatsApp: templates again
    page.locator("#reply-channel").select_option("email")
    expect(box).to_be_hidden()
    expect(free_text).to_be_enabled()
    page.locator("#reply-channel").select_option("whatsapp")
    expect(free_text).to_be_hidden()

    # the customer writes again: the window reopens in the box, free text returns
    customer_writes(base_url, "31612345678", "Sanne de Vries", "Hallo?", ago=0)
    expect(page.locator("#timeline")).to_contain_text("Hallo?", timeout=LIVE)
    expect(box).to_have_attribute("data-state", "open", timeout=LIVE)
    expect(line).to_have_text("WhatsApp: nog 23 u 59 min om vrij te antwoorden")
    expect(free_text).to_be_visible()
    expect(free_text).to_be_enabled()
    assert errors == []


def test_a_template_sent_from_the_box_reaches_the_graph_api(server, graph, browser):
    from playwright.sync_api import expect

    base_url = server
    customer_writes(base_url, "31687654321", "Karel Klant", "Bel me maar", ago=DAY + 3600)
    errors: list[str] = []
    page = open_conversation(browser, base_url, "Karel Klant", errors)
    box = page.locator("#wa-reply")
    expect(box).to_have_attribute("data-state", "closed")
    expect(page.locator("#reply-text")).to_be_hidden()

    box.get_by_label("Sjabloon", exact=True).select_option(label="bestelling_update (nl)")
    first, second = box.get_by_label("Parameter 1"), box.get_by_label("Parameter 2")
    first.fill("Karel")
    preview = box.locator(".wa-params:visible .wa-preview")
    expect(preview).to_have_text("Hallo Karel, uw bestelling {{2}} is onderweg.")

    # one parameter missing: the browser asks for it before anything is sent
    box.get_by_role("button", name="Verstuur sjabloon").click()
    expect(second).to_be_focused()
    assert not [r for r in graph.requests if r["path"].endswith("/messages")]

    second.fill("4711")
    expect(preview).to_have_text("Hallo Karel, uw bestelling 4711 is onderweg.")
    box.get_by_role("button", name="Verstuur sjabloon").click()
    expect(box.locator(".wa-sent")).to_have_text("Sjabloon bestelling_update wordt verstuurd.")
    expect(page.locator("#timeline")).to_contain_text(
        "Hallo Karel, uw bestelling 4711 is onderweg.", timeout=LIVE
    )

    deadline = time.monotonic() + 10
    sent: list[dict] = []
    while not sent and time.monotonic() < deadline:
        sent = [r for r in graph.requests if r["path"].endswith("/messages")]
        time.sleep(0.1)
    assert sent, "the template never reached the Graph API stand-in"
    assert sent[0]["json"]["to"] == "31687654321"
    assert sent[0]["json"]["template"] == {
        "name": "bestelling_update",
        "language": {"code": "nl"},
        "components": [
            {
                "type": "body",
                "parameters": [{"type": "text", "text": "Karel"}, {"type": "text", "text": "4711"}],
            }
        ],
    }
    assert errors == []
