"""Two agents, two browsers, one real server: inbound messages and replies appear live.

Drives Debian's Chromium through Playwright against `bereikbaar serve` (see live_server.py),
so the WebSocket, the after-commit publish from the intake and task workers, and the
browser's fragment re-fetching are all exercised together.
"""

import json
import time
import urllib.request

import pytest

from tests.browser.live_server import PASSWORD

LIVE = 5000  # ms: how long an update may take to show up without a reload

pytestmark = [pytest.mark.browser, pytest.mark.live]


def post_inbound(base_url: str, token: str, external_id: str, text: str) -> None:
    body = json.dumps(
        {
            "external_id": external_id,
            "from": {"email": "karin@example.nl", "name": "Karin Klant"},
            "text": text,
        }
    ).encode()
    request = urllib.request.Request(f"{base_url}/api/v1/inbound", data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 202


def wait_for_conversation(base_url: str, token: str, text: str) -> None:
    """Until the intake has filed a conversation whose subject holds `text` (REST API)."""
    request = urllib.request.Request(f"{base_url}/api/v1/conversations")
    request.add_header("Authorization", f"Bearer {token}")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with urllib.request.urlopen(request, timeout=10) as response:
            if text in response.read().decode():
                return
        time.sleep(0.1)
    raise AssertionError(f"no conversation with {text!r} after 15 s")


def log_in(browser, base_url: str, username: str, errors: list, socket_route=None):
    from playwright.sync_api import expect

    # Dutch agents: Chromium would otherwise send Accept-Language: en-US and get English.
    context = browser.new_context(locale="nl-NL")
    if socket_route is not None:
        context.route_web_socket("**/ws/inbox/", socket_route)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(f"{username}: {exc}"))
    page.goto(f"{base_url}/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name="Gesprekken")).to_be_visible(timeout=LIVE)
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=LIVE)
    return page


def test_two_agents_see_each_other_live(server, browser):
    from playwright.sync_api import expect

    base_url, token = server
    errors: list[str] = []
    anna = log_in(browser, base_url, "anna", errors)
    bert = log_in(browser, base_url, "bert", errors)

    # A new customer message shows up in both lists without a reload.
    post_inbound(base_url, token, "live-1", "Waar blijft mijn pakket?")
    for page in (anna, bert):
        row = page.locator(".conversations a", has_text="Karin Klant")
        expect(row).to_be_visible(timeout=LIVE)
        expect(row).to_contain_text("Waar blijft mijn pakket?")

    # Both open it; a follow-up message appears in both timelines.
    for page in (anna, bert):
        page.locator(".conversations a", has_text="Karin Klant").click()
        expect(page.locator("#timeline")).to_contain_text("Waar blijft mijn pakket?")
        expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=LIVE)
    post_inbound(base_url, token, "live-2", "Ik wacht al een week.")
    for page in (anna, bert):
        expect(page.locator("#timeline").get_by_text("Ik wacht al een week.")).to_be_visible(
            timeout=LIVE
        )

    # Anna answers (the "r" shortcut focuses the reply box); Bert sees it arrive.
    anna.locator("body").press("r")
    expect(anna.locator("#reply-text")).to_be_focused()
    anna.keyboard.type("We sturen vandaag een nieuw pakket.")
    anna.get_by_label("Standaardantwoord").select_option("excuses")
    anna.get_by_role("button", name="Invoegen").click()
    expect(anna.locator("#reply-text")).to_have_value(
        "We sturen vandaag een nieuw pakket. Excuses voor het wachten."
    )
    anna.get_by_role("button", name="Verstuur antwoord").click()
    expect(anna.locator("#timeline")).to_contain_text(
        "We sturen vandaag een nieuw pakket.", timeout=LIVE
    )
    reply = bert.locator(
        ".message.direction-outbound", has_text="We sturen vandaag een nieuw pakket."
    )
    expect(reply).to_be_visible(timeout=LIVE)
    expect(reply).to_contain_text("Excuses voor het wachten.")
    expect(reply.locator(".author")).to_have_text("anna")
    # The send is then attempted by the task worker (no callback URL is set, so it fails
    # permanently); the new delivery status reaches Bert as message.updated.
    expect(reply.locator(".delivery")).to_have_text("mislukt", timeout=LIVE)

    assert errors == []


class FlakyLine:
    """Sits between the page and /ws/inbox/; can cut the line and hold it silent.

    While `blocked`, a reconnecting page gets a socket that opens but never reaches the server,
    so every event published meanwhile is lost to it, as on a network drop.
    """

    def __init__(self) -> None:
        self.blocked = False
        self.current = None

    def __call__(self, route) -> None:
        self.current = route
        if not self.blocked:
            route.connect_to_server()

    def cut(self) -> None:
        self.current.close(code=4000, reason="line cut by the test")


def test_missed_events_are_resynced_after_reconnect(server, browser):
    from playwright.sync_api import expect

    base_url, token = server
    errors: list[str] = []
    line = FlakyLine()
    anna = log_in(browser, base_url, "anna", errors, socket_route=line)
    bert = log_in(browser, base_url, "bert", errors)

    # Cut the line; the page reconnects into the silent socket and re-fetches its list once
    # (before anything happened). Only then is the message published.
    with anna.expect_response(lambda r: "/fragments/list/" in r.url, timeout=LIVE):
        line.blocked = True
        line.cut()
    post_inbound(base_url, token, "missed-1", "Bent u daar?")
    expect(bert.locator(".conversations a", has_text="Bent u daar?")).to_be_visible(timeout=LIVE)
    expect(anna.locator(".conversations a", has_text="Bent u daar?")).to_have_count(0)

    # The line comes back: on reconnecting, the page re-fetches what it missed.
    line.blocked = False
    line.cut()
    expect(anna.locator(".conversations a", has_text="Bent u daar?")).to_be_visible(timeout=LIVE)
    assert errors == []


def test_events_between_render_and_first_connect_are_caught_up(server, browser):
    """A page is rendered, then something happens, then its socket opens: the page must not
    stay stale. (A reply posted with a full page load met this: its read receipt came first.)"""
    from playwright.sync_api import expect

    base_url, token = server
    errors: list[str] = []
    anna = log_in(browser, base_url, "anna", errors)

    def render_then_publish(route) -> None:
        stale = route.fetch()  # the inbox as it was before the message arrived
        post_inbound(base_url, token, "between-1", "Tussen render en socket")
        wait_for_conversation(base_url, token, "Tussen render en socket")
        route.fulfill(response=stale)

    anna.route(f"{base_url}/", render_then_publish)
    anna.goto(f"{base_url}/")
    expect(anna.locator("#live-status")).to_have_attribute("data-state", "live", timeout=LIVE)
    row = anna.locator(".conversations a", has_text="Tussen render en socket")
    expect(row).to_be_visible(timeout=LIVE)
    assert errors == []
