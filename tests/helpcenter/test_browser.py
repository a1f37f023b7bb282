"""The help centre in real Chromium against `bereikbaar serve`: Dutch search finds the right
article, "Did this help?" works without a reload, and a person is one click away."""

import subprocess
from pathlib import Path

import pytest

from tests.browser.live_server import VENV_BIN, live_env, serving

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FIXTURE = Path(__file__).resolve().parents[2] / "src/bereikbaar/helpcenter/fixtures/articles.jsonl"

pytestmark = [pytest.mark.browser, pytest.mark.live]


@pytest.fixture
def help_server(tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with live_env(tmp_path) as env:
        imported = subprocess.run(
            [str(VENV_BIN / "bereikbaar"), "articles", "import", str(FIXTURE)],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert imported.returncode == 0, imported.stdout + imported.stderr
        with serving(env, tmp_path) as base:
            yield base


@pytest.mark.parametrize(
    "query,title",
    [
        ("wachtwoordherstel", "Wachtwoord vergeten of kwijt? Wachtwoord herstellen"),
        ("financiële vermindering energiebelasting", "Energiebelasting en de vermindering"),
    ],
)
def test_search_vote_and_talk_to_a_person(help_server, query, title):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(locale="nl-NL")
        page.goto(f"{help_server}/help/")
        page.get_by_label("Waar kunnen we je mee helpen?").fill(query)
        page.keyboard.press("Enter")
        first = page.locator("ol.results li a").first
        expect(first).to_contain_text(title)
        first.click()
        expect(page.locator("h1")).to_contain_text(title)
        page.get_by_role("button", name="Nee").click()  # htmx: no reload
        expect(page.locator("#vote")).to_contain_text("Jammer dat dit niet hielp")
        page.locator("#vote").get_by_role("link", name="Praat met een mens").click()
        expect(page.locator("h1")).to_have_text("Praat met een mens")
        expect(page.locator(".channel h2").first).to_have_text("Telefoon")
        browser.close()
