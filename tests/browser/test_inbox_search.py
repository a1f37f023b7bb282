"""The inbox search in real Chromium: "/" reaches the box from the keyboard, Enter searches,
and a live update keeps the search instead of showing the whole list again."""

import json
import urllib.request

import pytest

from tests.browser.test_live_inbox import LIVE, log_in, wait_for_conversation

pytestmark = [pytest.mark.browser, pytest.mark.live]


def post(base_url: str, token: str, external_id: str, name: str, email: str, text: str) -> None:
    body = {"external_id": external_id, "from": {"name": name, "email": email}, "text": text}
    request = urllib.request.Request(
        f"{base_url}/api/v1/inbound", data=json.dumps(body).encode(), method="POST"
    )
    request.add_header("Content-Type", "application/json")
    request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 202


def test_search_from_the_keyboard_and_it_survives_live_updates(server, browser):
    from playwright.sync_api import expect

    base_url, token = server
    post(base_url, token, "z1", "Karin Klant", "karin@example.nl", "Waar blijft mijn pakket?")
    post(base_url, token, "z2", "Piet Jansen", "piet@example.nl", "De factuur klopt niet")
    wait_for_conversation(base_url, token, "De factuur klopt niet")
    errors: list[str] = []
    page = log_in(browser, base_url, "anna", errors)
    rows = page.locator(".conversations .who")
    expect(rows).to_have_count(2, timeout=LIVE)

    page.locator("body").press("/")
    expect(page.get_by_label("Zoeken")).to_be_focused()
    page.keyboard.type("factuur")
    page.keyboard.press("Enter")
    expect(rows).to_have_text(["Piet Jansen"], timeout=LIVE)

    # Karin writes again: the list is fetched again live (the marked list is replaced), and
    # it still shows only what was searched
    page.locator(".conversations").evaluate("list => list.dataset.before = 'yes'")
    post(base_url, token, "z3", "Karin Klant", "karin@example.nl", "Nog steeds niets ontvangen")
    expect(page.locator(".conversations[data-before]")).to_have_count(0, timeout=LIVE)
    expect(rows).to_have_text(["Piet Jansen"])
    assert errors == []
