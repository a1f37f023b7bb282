"""The analytics page in real Chromium: every chart renders as SVG, and its numbers (drawn
and in the table one click away) are the ones the figures compute from the database.

Uses the pieces of live_server.py: a fresh database, the same setup, then a generated history,
then `bereikbaar serve`.
"""

import json
import textwrap
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, need_chromium
from tests.browser.live_server import PASSWORD, SETUP, live_env, run_python, serving

pytestmark = [pytest.mark.browser, pytest.mark.live]

FILL = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from django.core.management import call_command
    from django.contrib.auth import get_user_model
    from bereikbaar.analytics import figures
    call_command("analytics_history", conversations=240, searches=80, seed=5, verbosity=0)
    import random
    from bereikbaar.analytics.demo import seed_callbacks
    seed_callbacks(random.Random(5), 40)
    alice = get_user_model().objects.get(username="alice")
    dash = figures.dashboard(alice, figures.Filters.last_days(60))
    print(json.dumps({fig.key: fig.as_dict() for fig in dash}, default=str))
    """
)


@contextmanager
def server_with_history(tmp_path: Path):
    with live_env(tmp_path) as env:
        run_python(SETUP, env)
        expected = json.loads(run_python(FILL, env))
        with serving(env, tmp_path) as base_url:
            yield base_url, expected


@pytest.fixture
def server(tmp_path: Path):
    need_chromium()
    with server_with_history(tmp_path) as running:
        yield running


def test_it_draws_every_chart_with_the_right_numbers(server):
    from playwright.sync_api import expect, sync_playwright

    base_url, expected = server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(locale="nl-NL").new_page()
            errors = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{base_url}/login/?next=/analytics/")
            page.get_by_label("Gebruikersnaam").fill("alice")
            page.get_by_label("Wachtwoord").fill(PASSWORD)
            page.get_by_role("button", name="Inloggen").click()
            page.wait_for_url("**/analytics/")
            page.get_by_label("Periode").select_option("90")
            page.get_by_role("button", name="Toon").click()
            page.wait_for_url("**/analytics/?days=90*")
            expect(page.get_by_role("heading", name="Inzicht")).to_be_visible()

            # every measured figure with rows has a visible SVG chart
            for key, fig in expected.items():
                section = page.locator(f"#figure-{key}")
                expect(section).to_be_visible()
                if fig["measured"] and fig["rows"]:
                    box = section.locator("svg").first.bounding_box()
                    assert box and box["width"] > 300 and box["height"] > 50, key
                elif not fig["measured"]:
                    expect(section.locator(".not-measured")).to_contain_text("gemeten")

            # the channel mix: bars add up to every conversation, and so does the table
            mix = page.locator("#figure-channel_mix")
            drawn = mix.locator("svg desc.value").all_text_contents()
            total = expected["channel_mix"]["summary"]["conversations"]
            assert total == 240
            assert sum(float(v) for v in drawn if v.strip()) == total
            table = mix.locator("details table")
            expect(table).to_be_hidden()
            mix.locator("details summary").click()
            expect(table).to_be_visible()
            totals = table.locator("tbody tr td:last-child").all_text_contents()
            assert sum(int(v) for v in totals) == total

            # the multichannel table shows the counts the figure computed
            multi = page.locator("#figure-multichannel")
            multi.locator("details summary").click()
            cells = multi.locator("tbody tr").first.locator("th, td").all_text_contents()
            first = expected["multichannel"]["rows"][0]
            assert cells[:4] == [str(v) for v in first[:4]]

            # CSAT per team: the averages drawn are the averages computed
            csat = page.locator("#figure-csat_team")
            drawn = [float(v) for v in csat.locator("svg desc.value").all_text_contents()]
            assert drawn == [row[2] for row in expected["csat_team"]["rows"]]

            # callbacks made on time: the table shows the counts the figure computed
            callbacks = page.locator("#figure-callbacks")
            assert expected["callbacks"]["summary"]["callbacks_on_time"] > 0
            callbacks.locator("details summary").click()
            rows = callbacks.locator("tbody tr")
            expect(rows).to_have_count(len(expected["callbacks"]["rows"]))
            cells = rows.last.locator("th, td").all_text_contents()
            assert cells[:4] == [str(v) for v in expected["callbacks"]["rows"][-1][:4]]

            # the CSV link downloads the same figure
            with page.expect_download() as download:
                page.locator("#figure-repeat a.csv").click()
            text = Path(download.value.path()).read_text()
            assert text.splitlines()[0].startswith("kanaal,gesprekken")
            assert not errors, errors
        finally:
            browser.close()
