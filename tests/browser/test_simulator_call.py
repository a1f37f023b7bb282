"""The simulator "calls" and an agent in Chromium sees the screen-pop appear.

`bereikbaar serve` as shipped (live_server.py): the simulator page, in one browser, POSTs the CTI
events over HTTP to the very server it runs in; the agent's inbox, in another, gets the panel
live. The buttons on the simulator then let the agent pick up and the customer hang up.
"""

import pytest

from tests.browser.live_server import PASSWORD
from tests.browser.test_screen_pop import LIVE, add_cti_line, log_in

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_the_simulator_calls_and_the_agent_sees_the_screen_pop(server, browser):
    from playwright.sync_api import expect

    base_url, _ = server
    errors: list[str] = []
    add_cti_line(browser, base_url)
    anna = log_in(browser, base_url, "anna", errors)

    customer = browser.new_context(locale="nl-NL").new_page()
    customer.on("pageerror", lambda exc: errors.append(f"simulator: {exc}"))
    customer.goto(f"{base_url}/login/?next=/simulator/")
    customer.get_by_label("Gebruikersnaam").fill("alice")
    customer.get_by_label("Wachtwoord").fill(PASSWORD)
    customer.get_by_role("button", name="Inloggen").click()
    expect(customer.get_by_role("heading", name="Speel een klant")).to_be_visible(timeout=LIVE)
    customer.get_by_label("Kanaal").select_option("phone")
    customer.get_by_label("E-mailadres of telefoonnummer").fill("06 12345678")
    expect(customer.get_by_label("Daarna")).to_have_value("wait")
    customer.get_by_role("button", name="Versturen").click()

    panel = anna.locator(".screen-pop")
    expect(panel).to_be_visible(timeout=LIVE)
    expect(panel.locator(".caller")).to_have_text("+31612345678")
    expect(customer.locator(".call-state")).to_contain_text("gaat over", timeout=LIVE)

    customer.get_by_label("Agent").select_option("anna")
    customer.get_by_role("button", name="Laat opnemen").click()
    expect(anna.get_by_label("Notities bij dit gesprek")).to_be_visible(timeout=LIVE)
    expect(customer.locator(".call-state")).to_contain_text("met anna", timeout=LIVE)

    customer.get_by_role("button", name="Ophangen").click()
    expect(customer.locator(".call-state")).to_contain_text("beantwoord", timeout=LIVE)
    expect(anna.locator(".call-state")).to_contain_text("beantwoord", timeout=LIVE)
    assert errors == []
