"""What every browser test shares: Debian's Chromium (never a downloaded one), and a live server
with the inbox cast (tests that need other data define their own `server`)."""

from pathlib import Path

import pytest

from tests.browser.live_server import live_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # A page a test serves through page.route() counts as "public", and Chromium would then
    # refuse its WebSocket to 127.0.0.1 (ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS).
    "--disable-features=LocalNetworkAccessChecks",
]


def need_chromium() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: the browser tests need Debian's chromium")


@pytest.fixture
def server(tmp_path: Path):
    need_chromium()
    with live_server(tmp_path) as running:
        yield running


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    need_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
