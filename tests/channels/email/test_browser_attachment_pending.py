"""Catalogue I18 end to end: a real `bereikbaar serve` whose attachment store is broken (a file
where its media directory should be), a mail with two attachments over SMTP, and an agent's
Chromium with the conversation open. The agent reads the mail at once, with both files marked
"bijlage wordt nog opgeslagen"; once the store is repaired, the retry stores them and the open
timeline changes by itself (MESSAGE_UPDATED over /ws/inbox/), no reload."""

import smtplib
import textwrap
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, need_chromium
from tests.browser.live_server import PASSWORD, SETUP, live_env, run_python, serving

from .conftest import ADDRESS, eml

pytestmark = [pytest.mark.browser, pytest.mark.live]

LIVE = 5000  # ms
PENDING = "bijlage wordt nog opgeslagen"

INBOX = f"""
import django
django.setup()
from bereikbaar.channels.email.models import EmailInbox
EmailInbox.objects.create(address="{ADDRESS}", name="Klantenservice")
"""

# Waits until the first try of both files has failed (the store is still broken then), and
# makes their retries due now instead of in 30 s: the worker in the server picks them up.
RETRY_NOW = textwrap.dedent(
    """
    import time
    import django
    django.setup()
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult
    from bereikbaar.conversations.models import Attachment
    deadline = time.monotonic() + 20
    while Attachment.objects.filter(state="pending", attempts__gte=1).count() < 2:
        assert time.monotonic() < deadline, list(Attachment.objects.values())
        time.sleep(0.2)
    print(
        DBTaskResult.objects.filter(status="READY", task_path__endswith="store_attachment")
        .update(run_after=timezone.now())
    )
    """
)


@pytest.fixture
def live(tmp_path: Path):
    need_chromium()
    with live_env(tmp_path) as env:
        run_python(SETUP, env, timeout=120)
        run_python(INBOX, env)
        media = Path(env["BEREIKBAAR_DATA_DIR"]) / "media"
        media.write_text("not a directory: every attachment write fails")
        with serving(env, tmp_path) as base_url:
            yield base_url, env, media


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_i18_the_agent_reads_the_mail_at_once_and_sees_its_files_arrive(live, browser):
    from playwright.sync_api import expect

    base_url, env, media = live
    errors: list[str] = []
    page = browser.new_context(locale="nl-NL").new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base_url}/login/")
    page.get_by_label("Gebruikersnaam").fill("anna")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=LIVE)

    with smtplib.SMTP("127.0.0.1", int(env["BEREIKBAAR_SMTP_PORT"]), timeout=10) as smtp:
        raw = eml("nested_inline_attachment.eml")
        assert smtp.sendmail("klant@example.nl", [ADDRESS], raw) == {}

    row = page.locator(".conversations a", has_text="Foto van de schade")
    expect(row).to_be_visible(timeout=LIVE)  # filed although no file could be stored
    row.click()
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("beschadigde doos", timeout=LIVE)
    pending = timeline.locator(".attachments li", has_text=PENDING)
    expect(pending).to_have_count(2)
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=LIVE)

    media.unlink()  # an operator frees the disk
    assert run_python(RETRY_NOW, env) == "2"
    stored = timeline.locator(".attachments li.attachment-stored")
    expect(stored).to_have_count(2, timeout=LIVE)  # no reload: pushed as message.updated
    expect(timeline).not_to_contain_text(PENDING)
    expect(stored.filter(has_text="schade.png")).to_have_count(1)
    files = sorted(p.name for p in media.rglob("*") if p.is_file())
    assert files == ["pakbon_48213__kopie.pdf", "schade.png"]
    assert errors == []
