"""The Content-Security-Policy in real Chromium: our pages run under it without a single
violation, and markup that slipped past sanitising could still not run script."""

import pytest

from tests.browser.test_live_inbox import LIVE, log_in, post_inbound

pytestmark = [pytest.mark.browser, pytest.mark.live]

PAGES = [
    "/",
    "/analytics/",
    "/artikelen/",
    "/channels/voice/callbacks/",
    "/help/",
    "/contact/",
    "/chat/",
    "/api/v1/docs",
]


def test_pages_run_under_the_policy_and_injected_script_does_not(server, browser):
    from playwright.sync_api import expect

    base_url, token = server
    errors: list[str] = []
    anna = log_in(browser, base_url, "anna", errors)
    violations: list[str] = []
    anna.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    post_inbound(base_url, token, "csp-1", "Mijn omvormer piept")
    row = anna.locator(".conversations a", has_text="Mijn omvormer piept")
    expect(row).to_be_visible(timeout=LIVE)
    row.click()
    expect(anna.locator("#timeline")).to_contain_text("Mijn omvormer piept", timeout=LIVE)
    for path in PAGES:
        response = anna.goto(base_url + path)
        assert response.status < 400, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        anna.wait_for_load_state("networkidle")
    assert violations == []

    # Suppose hostile markup reached the page: its handler and inline script stay dead.
    anna.goto(base_url + "/help/")
    anna.evaluate(
        """() => {
            document.body.insertAdjacentHTML(
                'beforeend', '<img src="/nope.png" onerror="window.pwned = 1">');
            const s = document.createElement('script');
            s.textContent = 'window.pwned = 2';
            document.body.appendChild(s);
        }"""
    )
    anna.wait_for_timeout(500)
    assert anna.evaluate("window.pwned") is None
    assert len(violations) >= 2  # both refusals were reported
    assert errors == []
