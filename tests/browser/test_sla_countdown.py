"""The SLA badge counts down in the agent's browser and turns amber, then red, on its own.

The deadline is set by the server once; the countdown and the state changes between refreshes
are the page's JavaScript. Playwright's clock moves the browser's time forward, so the test
sees the warning and the breach without waiting half an hour.
"""

import pytest

from tests.browser.live_server import PASSWORD, live_env, run_python, serving
from tests.browser.test_live_inbox import post_inbound

pytestmark = [pytest.mark.browser, pytest.mark.live]

LIVE = 5000

SETUP = f"""
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from django.contrib.auth import get_user_model
from bereikbaar.api.models import ApiToken
from bereikbaar.routing.models import AgentProfile, SlaPolicy, Team
team = Team.objects.create(name="Service", slug="service", is_default=True)
# Round the clock, so the deadline does not depend on when the suite runs.
SlaPolicy.objects.create(
    name="API binnen 30 minuten", first_response_minutes=30, business_hours=False, warn_minutes=10
)
admin = get_user_model().objects.create_superuser("alice", "alice@example.nl", "{PASSWORD}")
AgentProfile.objects.create(user=admin, presence="away").teams.add(team)
print(ApiToken.issue(admin))
"""


@pytest.fixture
def server(tmp_path):
    from tests.browser.conftest import need_chromium

    need_chromium()
    with live_env(tmp_path) as env:
        token = run_python(SETUP, env, timeout=120)
        with serving(env, tmp_path) as base_url:
            yield base_url, token


def test_the_sla_badge_counts_down_and_changes_colour(server, browser):
    from playwright.sync_api import expect

    base_url, token = server
    post_inbound(base_url, token, "sla-1", "Mijn factuur klopt niet.")

    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.clock.install()
    page.goto(f"{base_url}/login/")
    page.get_by_label("Gebruikersnaam").fill("alice")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()

    row = page.locator(".conversations a", has_text="Mijn factuur klopt niet.")
    expect(row).to_be_visible(timeout=LIVE)
    badge = row.locator(".sla")
    expect(badge).to_have_class("sla sla-ok", timeout=LIVE)
    expect(badge.locator(".sla-countdown")).to_have_text("— nog 30 min", timeout=LIVE)

    # 21 minutes later (the page ticks every 30 s): 9 minutes left, inside the 10-minute warning.
    page.clock.fast_forward("21:00")
    expect(badge).to_have_class("sla sla-warning")
    expect(badge.locator(".sla-countdown")).to_have_text("— nog 9 min")

    # Past the deadline: red, and how late.
    page.clock.fast_forward("12:00")
    expect(badge).to_have_class("sla sla-breached")
    expect(badge.locator(".sla-countdown")).to_have_text("— 3 min te laat")
    assert errors == []
    context.close()
