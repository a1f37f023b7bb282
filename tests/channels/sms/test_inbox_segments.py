"""The SMS segment counter in the agent inbox's reply box: its first figures come from the
server (segments.count), and the browser keeps them up to date (tests/browser)."""

import re

import pytest
from django.template import Context, Template

from bereikbaar.channels.sms.agent_box import figures
from bereikbaar.conversations.models import Message


def counter_of(html: str) -> str:
    match = re.search(r'<p id="sms-segments".*?</p>', html, re.S)
    assert match, "no SMS segment counter on the page"
    return match.group(0)


@pytest.mark.parametrize(
    ("draft", "line"),
    [
        ("", "1 segment · GSM-7 · 160 tekens over"),
        ("a" * 160, "1 segment · GSM-7 · 0 tekens over"),
        ("a" * 161, "2 segmenten · GSM-7 · 145 tekens over"),
        ("€" * 80, "1 segment · GSM-7 · 0 tekens over"),
        ("€" * 81, "2 segmenten · GSM-7 · 144 tekens over"),
        ("Dank je 😊", "1 segment · UCS-2 · 60 tekens over"),
        ("ż" * 71, "2 segmenten · UCS-2 · 63 tekens over"),
        ("  Hallo  \r\n", "1 segment · GSM-7 · 155 tekens over"),
    ],
)
def test_the_counter_line_follows_segments_py(draft, line):
    assert figures(draft) == line


def test_the_tag_shows_the_counter_only_when_sms_is_the_reply_channel():
    tag = Template("{% load sms_agent %}{% sms_segments %}")
    shown = tag.render(Context({"reply_text": "Hoi [naam]", "reply_channel": "sms"}))
    assert "1 segment · GSM-7 · 148 tekens over" in shown
    assert 'data-encoding="GSM-7"' in shown and " hidden" not in counter_of(shown)
    hidden = tag.render(Context({"reply_text": "", "reply_channel": "email"}))
    assert " hidden>" in counter_of(hidden)


def test_an_sms_conversation_shows_the_counter_in_the_reply_box(post_sms, run_intake, client, anna):
    post_sms("inbound_sms")
    run_intake()
    conversation = Message.objects.get().conversation
    client.force_login(anna)
    page = client.get(f"/conversations/{conversation.pk}/").content.decode()
    counter = counter_of(page)
    assert "1 segment · GSM-7 · 160 tekens over" in counter
    assert " hidden" not in counter
    assert "sms/segments.js" in page


def test_a_refused_text_is_counted_as_the_agent_left_it(post_sms, run_intake, client, anna):
    post_sms("inbound_stop")  # opted out: the reply is refused and the page comes back
    run_intake()
    conversation = Message.objects.get().conversation
    client.force_login(anna)
    text = "Sorry voor het ongemak 🙏 " + "x" * 60
    response = client.post(
        f"/conversations/{conversation.pk}/reply/", {"text": text, "channel": "sms"}
    )
    assert response.status_code == 422
    assert "2 segmenten · UCS-2 · 48 tekens over" in counter_of(response.content.decode())
