"""G6 left-over, in real Chromium against a real `bereikbaar serve` with a list of sites: the
widget on a site that is not listed learns so (GET /chat/site answers 403; the socket's 4403 is
hidden from the page by the browser) and stops knocking and stays out of sight, telling the site
owner in the console; the widget on a listed site still reconnects when the server drops it."""

import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.browser.conftest import need_chromium
from tests.browser.live_server import SETUP, live_env, run_python, serving

pytestmark = [pytest.mark.browser, pytest.mark.live]


@contextmanager
def shop_site():
    """A site of its own origin whose page embeds the widget; the script's URL is filled in
    once the chat server runs (the server's list needs this site's origin first)."""
    page = {"html": b""}

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the http.server name)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page["html"])

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", page
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def sites(tmp_path):
    """(listed site, unlisted site): the server lets in the first only."""
    need_chromium()
    with shop_site() as (listed, listed_page), shop_site() as (unlisted, unlisted_page):
        with live_env(tmp_path) as env:
            env["BEREIKBAAR_WEBCHAT_ORIGINS"] = listed
            run_python(SETUP, env, timeout=120)
            with serving(env, tmp_path) as base_url:
                html = (
                    "<!doctype html><html lang='nl'><head><title>Winkel</title></head><body>"
                    f"<h1>Winkel</h1><script src='{base_url}/widget.js'></script></body></html>"
                ).encode()
                listed_page["html"] = unlisted_page["html"] = html
                yield listed, unlisted


def wait_for(page, condition, seconds: float) -> bool:
    """Let Playwright deliver its events (they arrive while it waits) until condition holds."""
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        if condition():
            return True
        page.wait_for_timeout(100)
    return condition()


def test_an_unlisted_site_stops_knocking_and_shows_nothing(sites, browser):
    from playwright.sync_api import expect

    _listed, unlisted = sites
    page = browser.new_page(locale="nl-NL")
    sockets, warnings, errors = [], [], []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(unlisted + "/")
    assert wait_for(page, lambda: warnings, 5), "the site owner is told in the console"
    assert "Deze chat hoort bij een andere website." in warnings[0]
    assert unlisted + " staat niet in de lijst" in warnings[0]
    expect(page.get_by_role("button", name="Chat met een mens")).to_have_count(0)
    expect(page.get_by_role("dialog")).to_have_count(0)

    page.wait_for_timeout(15_000)  # before: a knock at 0.3, 0.9, 2.1, 4.5, 9.3 and 19 s
    assert len(sockets) <= 2, f"{len(sockets)} socket attempts in 15 s"
    assert len(warnings) == 1
    page.evaluate("window.bereikbaarChat.reconnect()")  # a site's own script cannot restart it
    page.wait_for_timeout(1_000)
    assert len(sockets) <= 2
    assert errors == []


def test_a_listed_site_reconnects_after_the_server_drops_it(sites, browser):
    from playwright.sync_api import expect

    listed, _unlisted = sites
    page = browser.new_page(locale="nl-NL")
    routes, welcomes, warnings = [], [], []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)

    def through(ws):  # every socket passes through here, so the test can drop one
        server = ws.connect_to_server()
        routes.append(ws)
        number = len(routes)

        def to_page(message):
            if '"welcome"' in str(message):
                welcomes.append(number)
            ws.send(message)

        server.on_message(to_page)

    page.route_web_socket("**/ws/chat/", through)
    page.goto(listed + "/")
    page.get_by_role("button", name="Chat met een mens").click()
    assert wait_for(page, lambda: welcomes == [1], 10)
    status = page.get_by_role("dialog").locator(".bkb-wait")
    expect(status).not_to_have_text("Verbinden…")

    routes[0].close(code=1012, reason="the server restarts")  # the server drops the line
    expect(status).to_contain_text("Geen verbinding")
    assert wait_for(page, lambda: welcomes == [1, 2], 10), "it reconnected"
    expect(status).not_to_contain_text("Geen verbinding")
    expect(page.get_by_role("button", name="Chat met een mens")).to_be_hidden()  # panel open
    assert warnings == []
