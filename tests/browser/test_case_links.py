"""One customer, two records, one question: the agent merges them and sees one case, explained.

Real parts: the API channel over HTTP, the intake worker, the contact page's merge suggestion
with its evidence, the conversation page's case-link panel (htmx), and the one-click undo.
"""

import json
import urllib.request

import pytest

from tests.browser.live_server import PASSWORD, live_env, run_python, serving

pytestmark = [pytest.mark.browser, pytest.mark.live]

LIVE = 8000

SETUP = f"""
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from django.contrib.auth import get_user_model
from bereikbaar.api.models import ApiToken
from bereikbaar.routing.models import AgentProfile, Team
team = Team.objects.create(name="Service", slug="service", is_default=True)
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


def post(base_url: str, token: str, external_id: str, sender: dict, text: str) -> None:
    body = json.dumps({"external_id": external_id, "from": sender, "text": text}).encode()
    request = urllib.request.Request(f"{base_url}/api/v1/inbound", data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 202


def test_merging_two_records_links_their_questions_and_one_click_undoes_it(server, browser):
    from playwright.sync_api import expect

    base_url, token = server
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base_url}/login/")
    page.get_by_label("Gebruikersnaam").fill("alice")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    # the new conversation arrives by push: wait until the inbox socket is connected
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=LIVE)

    post(
        base_url,
        token,
        "mail-1",
        {"email": "sanne@example.nl", "name": "Sanne Demir"},
        "Mijn jaarafrekening is veel te hoog, klopt dat bedrag wel?\n\nGroet, Sanne\n06-41238765",
    )
    first = page.locator(".conversations a", has_text="Mijn jaarafrekening is veel te hoog")
    expect(first).to_be_visible(timeout=LIVE)
    post(
        base_url,
        token,
        "app-1",
        {"phone": "+31641238765"},
        "Hallo, mijn jaarafrekening is te hoog. Klopt het bedrag?",
    )
    expect(page.locator(".conversations a", has_text="Hallo, mijn jaarafrekening")).to_be_visible(
        timeout=LIVE
    )

    first.click()
    page.locator("#contact-title a").click()
    suggestion = page.locator(".suggestion")
    expect(suggestion).to_contain_text("+31641238765")  # the evidence: her signature
    suggestion.get_by_role("button", name="Samenvoegen met dit contact").click()
    expect(page.locator(".messages")).to_contain_text("gekoppeld", timeout=LIVE)

    page.get_by_role("link", name="Mijn jaarafrekening is veel te hoog", exact=False).first.click()
    panel = page.locator("#case-links")
    expect(panel.locator(".link-explained")).to_contain_text("ook gevraagd via API", timeout=LIVE)
    expect(panel.locator(".link-explained")).to_contain_text("dezelfde vraag")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Klopt het bedrag?")  # the app message is in the case

    panel.get_by_role("button", name="Ontkoppelen").click()
    expect(page.locator("#case-links")).to_contain_text("Geen gekoppelde gesprekken", timeout=LIVE)
    expect(page.locator("#timeline")).not_to_contain_text("Klopt het bedrag?")
    assert errors == []
    context.close()
