"""The SMS segment counter: the browser's smsSegments() must give exactly what segments.py
count() gives (the agent sees the cost the network will charge), and the counter in the
reply box follows the agent's typing and the chosen channel live.
"""

import json
import random
from dataclasses import asdict
from pathlib import Path
from urllib.request import Request, urlopen

import pytest

from bereikbaar.channels.sms.segments import GSM7_BASIC, GSM7_EXTENDED, count
from tests.browser.test_live_inbox import log_in

pytestmark = [pytest.mark.browser]

SCRIPT = Path(__file__).resolve().parents[2] / "src/bereikbaar/channels/sms/static/sms/segments.js"
LIVE = 5000
EXTENDED = "€[]{}~^|\\\f"
OTHERS = "😀👍🏽🇳🇱𝄞ĳżçÇ`\tжΩ\u00a0€é中"


def corpus() -> list[str]:
    """Every GSM-7 character alone, the boundaries of both encodings, and random mixes."""
    texts = [""] + sorted(GSM7_BASIC | GSM7_EXTENDED) + list(OTHERS)
    for n in (1, 69, 70, 71, 133, 134, 135, 153, 159, 160, 161, 305, 306, 307, 459, 460, 461):
        texts += ["a" * n, "ж" * n, "€" * n, "a" * max(0, n - 1) + "€", "ж" * max(0, n - 2) + "😀"]
    for ch in EXTENDED:  # one extension character pushing a full text over the edge
        texts += ["a" * 159 + ch, "a" * 158 + ch, "a" * 305 + ch, "a" * 304 + ch]
    texts += ["a" * 69 + "😀", "a" * 68 + "😀", "a" * 133 + "😀", "a" * 132 + "😀"]
    texts += ["Hoi [naam], uw code is {1234} ~ ^ | \\ €5", "Dank je wel 😊", "Groetjes\r\nSanne"]
    rng = random.Random(4)
    alphabet = "".join(sorted(GSM7_BASIC)) + EXTENDED * 3 + OTHERS
    for _ in range(800):
        plain = rng.random() < 0.5  # half of them pure GSM-7, which random mixes rarely are
        pool = "".join(sorted(GSM7_BASIC)) + EXTENDED if plain else alphabet
        texts.append("".join(rng.choice(pool) for _ in range(rng.randint(0, 480))))
    return texts


def test_the_browser_counts_segments_exactly_like_segments_py(browser):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_content("<!doctype html><meta charset=utf-8><title>sms</title>")
    page.add_script_tag(path=str(SCRIPT))
    texts = corpus()
    got = page.evaluate("texts => texts.map(t => window.smsSegments(t))", texts)
    expected = [asdict(count(t)) for t in texts]
    wrong = [(t, g, e) for t, g, e in zip(texts, got, expected, strict=True) if g != e]
    assert wrong == [], f"{len(wrong)} of {len(texts)} differ, first: {wrong[:3]}"
    assert len(texts) > 1000 and errors == []
    # the corpus really reaches both encodings and several segments
    assert {e["encoding"] for e in expected} == {"GSM-7", "UCS-2"}
    assert max(e["segments"] for e in expected) >= 4
    page.close()


def post_phone_inbound(base_url: str, token: str) -> None:
    body = {
        "external_id": "sms-ui-1",
        "from": {"phone": "+31612345678", "name": "Sanne Sms"},
        "text": "Kunnen jullie me een sms sturen?",
    }
    request = Request(f"{base_url}/api/v1/inbound", data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("Authorization", f"Bearer {token}")
    with urlopen(request, timeout=10) as response:
        assert response.status == 202


@pytest.mark.live
def test_the_reply_box_counts_segments_as_the_agent_types(server, browser):
    from playwright.sync_api import expect

    base_url, token = server
    post_phone_inbound(base_url, token)
    errors: list[str] = []
    page = log_in(browser, base_url, "alice", errors)
    page.locator(".conversations a", has_text="Sanne Sms").click()
    counter = page.locator("#sms-segments")
    expect(counter).to_be_hidden()  # the API channel is chosen: no SMS to count

    page.locator("#reply-channel").select_option("sms")
    figures = counter.locator(".sms-figures")
    expect(figures).to_have_text("1 segment · GSM-7 · 160 tekens over")
    box = page.locator("#reply-text")
    box.fill("a" * 160)
    expect(figures).to_have_text("1 segment · GSM-7 · 0 tekens over")
    box.press("End")
    box.press_sequentially("€")  # an extension character: two septets, over the edge
    expect(figures).to_have_text("2 segmenten · GSM-7 · 144 tekens over")
    box.fill("Dank je wel 😊")
    expect(figures).to_have_text("1 segment · UCS-2 · 56 tekens over")
    expect(counter).to_have_attribute("data-encoding", "UCS-2")
    box.fill("Regel een\nRegel twee")  # sent as CR LF: 21 characters
    expect(figures).to_have_text("1 segment · GSM-7 · 139 tekens over")
    # screen readers hear the figures once the agent pauses
    expect(counter.locator(".sms-announce")).to_have_text("1 segment · GSM-7 · 139 tekens over")

    page.locator("#reply-channel").select_option("email")
    expect(counter).to_be_hidden()
    assert errors == []
