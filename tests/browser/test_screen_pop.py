"""The screen-pop in a real browser: a PBX posts newCall, the agent's page shows the caller.

`bereikbaar serve` runs as shipped (live_server.py); a CTI line is set up through the admin,
the PBX is this test posting to /channels/cti, and the agents are Chromium pages.
"""

import json
import time
import urllib.request

import pytest

from tests.browser.live_server import PASSWORD

LIVE = 5000  # ms
CTI_TOKEN = "pbx-browser-test"

pytestmark = [pytest.mark.browser, pytest.mark.live]


def post(base_url: str, path: str, body: dict, headers: dict) -> dict:
    request = urllib.request.Request(base_url + path, data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    for name, value in headers.items():
        request.add_header(name, value)
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status in (200, 202)
        return json.loads(response.read() or b"{}")


def cti(base_url: str, event: str, **fields) -> dict:
    body = {
        "event": event,
        "callId": "browser-1",
        "direction": "in",
        "from": "0612345678",
        "to": "0201234567",
        **fields,
    }
    return post(base_url, "/channels/cti", body, {"Authorization": f"Bearer {CTI_TOKEN}"})


def log_in(browser, base_url: str, username: str, errors: list):
    from playwright.sync_api import expect

    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(f"{username}: {exc}"))
    page.goto(f"{base_url}/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name="Gesprekken")).to_be_visible(timeout=LIVE)
    expect(page.locator("body")).to_have_attribute("data-screen-pop", "live", timeout=LIVE)
    return page


def add_cti_line(browser, base_url: str, dial_url: str = "") -> None:
    """As the admin would: Telefoonlijnen → toevoegen, in Django's admin."""
    from playwright.sync_api import expect

    page = browser.new_context(locale="nl-NL").new_page()
    page.goto(f"{base_url}/admin/channel_voice/line/add/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.locator("input[type=submit]").click()
    page.fill("input[name=name]", "Klantenservice")
    page.fill("input[name=token]", CTI_TOKEN)
    if dial_url:
        page.fill("input[name=dial_url]", dial_url)
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible(timeout=LIVE)
    page.context.close()


def test_a_new_call_pops_up_with_the_callers_story(server, browser):
    from playwright.sync_api import expect

    base_url, token = server
    errors: list[str] = []
    add_cti_line(browser, base_url)
    post(
        base_url,
        "/api/v1/inbound",
        {
            "external_id": "wa-browser-1",
            "from": {"phone": "+31612345678", "name": "Piet Pan"},
            "text": "Mijn omvormer piept de hele nacht",
        },
        {"Authorization": f"Bearer {token}"},
    )
    anna = log_in(browser, base_url, "anna", errors)
    bert = log_in(browser, base_url, "bert", errors)

    started = time.monotonic()
    cti(base_url, "newCall")
    for page in (anna, bert):
        panel = page.locator(".screen-pop")
        expect(panel).to_be_visible(timeout=LIVE)
        expect(panel.locator(".caller")).to_have_text("+31612345678")
        expect(panel).to_contain_text("Piet Pan")
        expect(panel.locator(".latest")).to_contain_text("geleden: Mijn omvormer piept")
        expect(panel.locator(".call-conversations")).to_contain_text("Mijn omvormer piept")
    print(f"screen-pop visible in both browsers after {time.monotonic() - started:.2f} s")

    # Anna picks up: the panel leaves Bert's screen and stays on hers, with a notes field.
    cti(base_url, "answer", user="anna")
    expect(bert.locator(".screen-pop")).to_have_count(0, timeout=LIVE)
    notes = anna.get_by_label("Notities bij dit gesprek")
    expect(notes).to_be_visible(timeout=LIVE)
    notes.fill("Monteur komt dinsdag")
    anna.get_by_role("button", name="Notities opslaan").click()
    expect(anna.locator(".screen-pop")).to_contain_text("Opgeslagen", timeout=LIVE)

    cti(base_url, "hangup", cause="normal", user="anna")
    expect(anna.locator(".call-state")).to_contain_text("beantwoord", timeout=LIVE)
    expect(anna.get_by_label("Notities bij dit gesprek")).to_have_value("Monteur komt dinsdag")
    assert errors == []


def test_an_unknown_caller_becomes_a_contact_in_one_click(server, browser):
    from playwright.sync_api import expect

    base_url, _ = server
    errors: list[str] = []
    add_cti_line(browser, base_url)
    anna = log_in(browser, base_url, "anna", errors)
    cti(base_url, "newCall", **{"from": "+31 6 87654321", "callId": "browser-2"})
    panel = anna.locator(".screen-pop")
    expect(panel).to_contain_text("Onbekende beller", timeout=LIVE)
    panel.get_by_label("Naam").fill("Saskia de Vries")
    panel.get_by_role("button", name="Nieuw contact").click()
    expect(anna.locator(".screen-pop .contact-name")).to_have_text("Saskia de Vries", timeout=LIVE)
    assert errors == []


def test_a_customer_asks_for_a_callback_and_an_agent_calls_back_in_one_click(server, browser):
    """The contact page's form (by label and keyboard), the queue, and click-to-call through
    the PBX's click-to-dial URL (a stand-in on 127.0.0.1 the server posts to)."""
    from playwright.sync_api import expect

    from tests.channels.voice.standins import PbxDial

    base_url, _ = server
    errors: list[str] = []
    pbx = PbxDial()
    try:
        add_cti_line(browser, base_url, dial_url=pbx.base + "/click-to-dial")
        customer = browser.new_context(locale="nl-NL").new_page()
        customer.on("pageerror", lambda exc: errors.append(f"customer: {exc}"))
        customer.goto(f"{base_url}/contact/")
        customer.get_by_label("Je naam").fill("Piet Pan")
        customer.get_by_label("Je telefoonnummer").fill("06 12345678")
        customer.get_by_label("Wanneer mogen we bellen?").select_option(index=0)
        customer.get_by_label("Waar gaat het over?").fill("Mijn omvormer piept")
        customer.get_by_label("Waar gaat het over?").press("Tab")
        customer.keyboard.press("Enter")  # focus is on "Bel mij terug"
        expect(customer.get_by_role("heading", name="Dank je, Piet Pan.")).to_be_visible(
            timeout=LIVE
        )
        expect(customer.get_by_role("status")).to_contain_text("op +31612345678")

        anna = log_in(browser, base_url, "anna", errors)
        anna.goto(f"{base_url}/channels/voice/callbacks/")
        row = anna.get_by_role("row").filter(has_text="+31612345678")
        expect(row).to_contain_text("Mijn omvormer piept")
        row.get_by_role("button", name="Bel terug").click()
        expect(row.locator(".dial-status")).to_contain_text(
            "Bellen naar +31612345678", timeout=LIVE
        )
        expect(anna.locator(".screen-pop")).to_contain_text("+31612345678", timeout=LIVE)
        sent = pbx.requests[0]["json"]
        assert (sent["extension"], sent["number"]) == ("anna", "+31612345678")
    finally:
        pbx.close()
    assert errors == []
