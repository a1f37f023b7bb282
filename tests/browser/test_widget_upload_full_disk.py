"""Catalogue I18 for the chat widget, end to end: a real `bereikbaar serve` whose disk fails (a
file where its temporary upload directory and its media directory should be), a visitor's
Chromium on another site and an agent's Chromium in the inbox.

A big photo cannot even be accepted (Django spools it to the temporary directory first): the
widget says the file was not sent and to try later, and the words typed with it still go. A
small photo is accepted and its message filed at once with the file "bijlage wordt nog
opgeslagen"; once the disk is repaired the retry stores it and the agent's open timeline
changes by itself. An answer that is not ours (a proxy's page, the 503 of an unreachable
database) shows the same "try later", never a parser's error text."""

import shutil
import textwrap
from pathlib import Path

import pytest

from tests.browser.conftest import need_chromium
from tests.browser.live_server import SETUP, live_env, run_python, serving
from tests.browser.test_live_inbox import log_in
from tests.browser.test_widget import LIVE, OPEN_ALWAYS, customer_page, host_site, send

pytestmark = [pytest.mark.browser, pytest.mark.live]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
BIG_PNG = PNG + b"\x00" * (3 * 1024 * 1024)  # over Django's 2.5 MB in memory: spooled to disk
PENDING = "bijlage wordt nog opgeslagen"
NOT_SENT = "Bijlage niet verstuurd: "

# Waits until the upload's first store has failed (the disk is still broken then) and makes
# its retry due now instead of in 30 s: the worker in the server picks it up.
RETRY_NOW = textwrap.dedent(
    """
    import time
    import django
    django.setup()
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult
    from bereikbaar.conversations.models import Attachment
    deadline = time.monotonic() + 20
    while not Attachment.objects.filter(state="pending", attempts__gte=1).exists():
        assert time.monotonic() < deadline, list(Attachment.objects.values())
        time.sleep(0.2)
    print(
        DBTaskResult.objects.filter(
            status="READY", task_path__endswith="webchat.pending.store_attachment"
        ).update(run_after=timezone.now())
    )
    """
)


@pytest.fixture
def server(tmp_path):
    need_chromium()
    with live_env(tmp_path) as env:
        run_python(SETUP, env, timeout=120)
        run_python(OPEN_ALWAYS, env)
        data = Path(env["BEREIKBAAR_DATA_DIR"])
        media = data / "media"
        media.write_text("not a directory: every attachment write fails")
        with serving(env, tmp_path) as base_url, host_site(base_url) as shop:
            yield base_url, shop, env, media


def attach(page, name: str, content: bytes) -> None:
    page.get_by_label("Bijlage toevoegen").set_input_files(
        files=[{"name": name, "mimeType": "image/png", "buffer": content}]
    )


def test_i18_a_full_disk_never_costs_the_visitor_their_words(server, browser):
    from playwright.sync_api import expect

    base_url, shop, env, media = server
    errors: list[str] = []
    customer = customer_page(browser, shop, errors)
    customer.get_by_role("button", name="Chat met een mens").click()
    dialog = customer.get_by_role("dialog", name="Chat met een mens")
    note = dialog.locator(".bkb-note")

    temporary = media.parent / "tmp"  # the server made it when it started
    shutil.rmtree(temporary)
    temporary.write_text("not a directory: no temporary upload file")
    attach(customer, "meterkast-groot.png", BIG_PNG)
    send(customer, "Mijn meterkast lekt, foto erbij")
    expect(note).to_have_text(
        NOT_SENT + "Het kon nu niet worden opgeslagen; probeer het later opnieuw.", timeout=LIVE
    )
    words = dialog.locator(".bkb-in", has_text="Mijn meterkast lekt")
    expect(words).to_contain_text("verstuurd", timeout=LIVE)
    temporary.unlink()
    temporary.mkdir()  # the temporary directory is back; the media directory still broken

    attach(customer, "meterkast.png", PNG)
    dialog.get_by_role("button", name="Verstuur").click()
    photo = dialog.locator(".bkb-in", has_text="meterkast.png")
    expect(photo).to_contain_text("verstuurd", timeout=LIVE)

    agent = log_in(browser, base_url, "anna", errors)
    agent.locator(".conversations a", has_text="meterkast").first.click()
    timeline = agent.locator("#timeline")
    expect(timeline).to_contain_text("Mijn meterkast lekt", timeout=LIVE)
    expect(timeline.locator(".attachments li", has_text=PENDING)).to_have_count(1, timeout=LIVE)
    expect(agent.locator("#live-status")).to_have_attribute("data-state", "live", timeout=LIVE)

    media.unlink()  # an operator frees the disk
    assert run_python(RETRY_NOW, env) == "1"
    stored = timeline.locator(".attachments li.attachment-stored", has_text="meterkast.png")
    expect(stored).to_have_count(1, timeout=LIVE)  # no reload: pushed as message.updated
    expect(timeline).not_to_contain_text(PENDING)
    assert [p.read_bytes() for p in media.rglob("*") if p.is_file()] == [PNG]

    # not our answer: what the database-unavailable middleware (or a proxy) sends
    customer.route(
        "**/chat/upload**",
        lambda route: route.fulfill(status=503, content_type="text/plain", body="Unavailable"),
    )
    attach(customer, "nog-een.png", PNG)
    dialog.get_by_role("button", name="Verstuur").click()
    expect(note).to_have_text(NOT_SENT + "probeer het later opnieuw.", timeout=LIVE)
    assert errors == []
