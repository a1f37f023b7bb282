"""A stream of events refreshes an open list at most about once per 750 ms, and the last
event still shows: busy teams made every open inbox re-fetch the list several times a second."""

import time

import pytest

from tests.browser.test_inbox_search import post
from tests.browser.test_live_inbox import LIVE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_a_burst_of_messages_refreshes_the_list_a_few_times_and_shows_them_all(server, browser):
    from playwright.sync_api import expect

    base_url, token = server
    errors: list[str] = []
    page = log_in(browser, base_url, "anna", errors)
    # timed in the page: Playwright's sync API only hears of requests when Python calls it
    page.evaluate(
        """() => { window.listFetches = [];
        document.body.addEventListener("htmx:beforeRequest", (e) => {
          if (e.detail.requestConfig.path.includes("/fragments/list/"))
            window.listFetches.push(performance.now() / 1000); }); }"""
    )
    started = time.monotonic()
    for i in range(20):  # one new customer every 100 ms for 2 s
        post(base_url, token, f"b{i}", f"Klant {i}", f"k{i}@example.nl", f"Vraag nummer {i}")
        time.sleep(0.1)
    expect(page.locator(".conversations .who")).to_have_count(20, timeout=LIVE)
    spent = time.monotonic() - started
    fetches = page.evaluate("() => window.listFetches")
    assert len(fetches) <= spent / 0.75 + 2, (len(fetches), spent)
    gaps = [b - a for a, b in zip(fetches, fetches[1:], strict=False)]
    assert all(gap > 0.6 for gap in gaps), gaps
    assert errors == []
