"""A customer on another site chats with an agent in the inbox, both in real Chromium, against
a real `bereikbaar serve`: typing both ways, the agent's name, read receipts, a dropped
connection with queued messages, and script in a message that stays text on both sides."""

import textwrap
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.browser.conftest import need_chromium
from tests.browser.live_server import SETUP, live_env, run_python, serving
from tests.browser.test_live_inbox import log_in

LIVE = 5000  # ms
OPEN_ALWAYS = textwrap.dedent(
    """
    import django
    django.setup()
    from bereikbaar.routing.models import Team
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    Team.objects.filter(slug="service").update(
        opening_hours={d: [["00:00", "24:00"]] for d in days}, open_on_holidays=True
    )
    """
)
SCRIPT = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'

pytestmark = [pytest.mark.browser, pytest.mark.live]


@pytest.fixture
def server(tmp_path):
    """The inbox cast, with the service team open around the clock (so the chat is live)."""
    need_chromium()
    with live_env(tmp_path) as env:
        run_python(SETUP, env, timeout=120)
        run_python(OPEN_ALWAYS, env)
        with serving(env, tmp_path) as base_url, host_site(base_url) as shop:
            yield base_url, shop


@contextmanager
def host_site(base_url: str):
    """The shop's own web server (another origin) whose page embeds the widget in one tag."""
    html = (
        "<!doctype html><html lang='nl'><head><title>Winkel</title></head><body>"
        "<h1>Zonnestroom winkel</h1>"
        f"<script src='{base_url}/widget.js' data-lang='nl'></script></body></html>"
    ).encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the http.server name)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def customer_page(browser, shop: str, errors: list):
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(f"customer: {exc}"))
    page.goto(shop)
    return page


def send(page, text: str) -> None:
    box = page.get_by_label("Je bericht")
    box.fill(text)
    box.press("Enter")


def test_customer_and_agent_chat_live(server, browser):
    from playwright.sync_api import expect

    base_url, shop = server
    errors: list[str] = []
    agent = log_in(browser, base_url, "anna", errors)
    customer = customer_page(browser, shop, errors)

    # First screen: a person, and the wait, at once; keyboard reaches the box.
    launcher = customer.get_by_role("button", name="Chat met een mens")
    launcher.focus()
    customer.keyboard.press("Enter")
    dialog = customer.get_by_role("dialog", name="Chat met een mens")
    expect(dialog).to_be_visible()
    expect(customer.get_by_label("Je bericht")).to_be_focused()
    expect(dialog.get_by_role("status").first).to_contain_text("Verwachte wachttijd", timeout=LIVE)
    expect(dialog.get_by_label("Antwoord mij via")).to_be_hidden()  # someone is online

    send(customer, "Mijn omvormer staat op rood " + SCRIPT)
    expect(dialog.locator(".bkb-in").first).to_contain_text("verstuurd", timeout=LIVE)

    row = agent.locator(".conversations a", has_text="Mijn omvormer")
    expect(row).to_be_visible(timeout=LIVE)
    row.click()
    expect(agent.locator("#timeline")).to_contain_text(SCRIPT, timeout=LIVE)

    # Typing both ways: the customer sees the agent's name; the agent sees the customer.
    agent.locator("#reply-text").press_sequentially("We kijken")
    expect(dialog.get_by_text("anna typt…")).to_be_visible(timeout=LIVE)
    customer.get_by_label("Je bericht").press_sequentially("nog iets")
    expect(agent.locator("#webchat-typing")).to_have_text("De klant typt…", timeout=LIVE)
    customer.get_by_label("Je bericht").fill("")

    # The reply arrives with the agent's name; the open widget marks it read.
    agent.locator("#reply-text").fill("We sturen een monteur " + SCRIPT)
    expect(agent.locator("#reply-channel")).to_have_value("webchat")
    agent.get_by_role("button", name="Verstuur antwoord").click()
    answer = dialog.locator(".bkb-out", has_text="We sturen een monteur")
    expect(answer).to_be_visible(timeout=LIVE)
    expect(answer).to_contain_text("anna")
    expect(answer).to_contain_text(SCRIPT)
    reply = agent.locator(".message.direction-outbound", has_text="We sturen een monteur")
    # read receipt → intake worker → task-free status event: three hops, on a busy CI machine
    expect(reply.locator(".delivery")).to_have_text("gelezen", timeout=3 * LIVE)

    assert customer.evaluate("window.pwned") is None
    assert agent.evaluate("window.pwned") is None
    assert errors == []


def test_messages_typed_offline_arrive_once_and_in_order(server, browser):
    from playwright.sync_api import expect

    base_url, shop = server
    errors: list[str] = []
    agent = log_in(browser, base_url, "anna", errors)
    customer = customer_page(browser, shop, errors)
    customer.get_by_role("button", name="Chat met een mens").click()
    dialog = customer.get_by_role("dialog")
    send(customer, "Eerste bericht")
    expect(dialog.locator(".bkb-in", has_text="Eerste bericht")).to_contain_text(
        "verstuurd", timeout=LIVE
    )
    agent.locator(".conversations a", has_text="Eerste bericht").click()
    expect(agent.locator("#timeline")).to_contain_text("Eerste bericht", timeout=LIVE)

    # The line drops; three messages wait in the widget.
    customer.evaluate("window.bereikbaarChat.disconnect()")
    for n in ("twee", "drie", "vier"):
        send(customer, f"Bericht {n}")
    expect(dialog.locator(".bkb-in", has_text="Bericht vier")).to_contain_text(
        "wacht op verbinding"
    )
    customer.evaluate("window.bereikbaarChat.reconnect()")
    expect(dialog.locator(".bkb-in", has_text="Bericht vier")).to_contain_text(
        "verstuurd", timeout=LIVE
    )
    timeline = agent.locator("#timeline")
    expect(timeline.locator(".message", has_text="Bericht vier")).to_have_count(1, timeout=LIVE)
    texts = timeline.locator(".message.direction-inbound").all_inner_texts()
    order = [next(n for n in ("Eerste", "twee", "drie", "vier") if n in t) for t in texts]
    assert order == ["Eerste", "twee", "drie", "vier"]

    # A reload keeps the visitor and shows the conversation once, from its history.
    customer.reload()
    customer.get_by_role("button", name="Chat met een mens").click()
    expect(dialog.locator(".bkb-in")).to_have_count(4, timeout=LIVE)
    assert errors == []
