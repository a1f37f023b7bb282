"""Bad input never raises: it gives neutral signals with a reason."""

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bereikbaar.text.signals import EMOTIONS, MAX_REASONS, analyse
from bereikbaar.text.tokens import MAX_CHARS


def neutral_reason(sig):
    return [r for r in sig.reasons if r.label == "neutral" and r.note == "input"]


@pytest.mark.parametrize("text", ["", "   \n\t ", None])
def test_empty(text):
    sig = analyse(text)
    assert sig.emotion == "neutral"
    assert not sig.urgent
    assert any("empty" in r.cue for r in neutral_reason(sig))


def test_binary():
    blob = bytes(range(256)) * 200
    for raw in (blob, blob.decode("latin-1")):
        sig = analyse(raw)
        assert sig.emotion == "neutral"
        assert any("binary" in r.cue for r in neutral_reason(sig))


def test_bytes_that_are_text_are_read():
    assert analyse(b"Ik ben woedend").emotion == "angry"


def test_one_megabyte_is_cut_and_quick():
    text = ("Dit is belachelijk en ik wacht al drie weken. " * 30_000)[:1_000_000]
    start = time.perf_counter()
    sig = analyse(text)
    assert time.perf_counter() - start < 2.0
    assert any(f"first {MAX_CHARS}" in r.cue for r in neutral_reason(sig))
    assert all(0.0 <= v <= 1.0 for v in sig.scores.values())
    assert len(sig.reasons) <= MAX_REASONS + 1
    assert "more reasons not listed" in sig.reasons[-1].cue


def test_one_megabyte_without_spaces():
    sig = analyse("a" * 1_000_000)
    assert sig.emotion == "neutral"


@pytest.mark.parametrize("text", ["😡😡😡", "🙏", "👍 👍", "😀!!!"])
def test_emoji_only(text):
    sig = analyse(text)
    assert sig.emotion == "neutral"
    assert any("only emoji" in r.cue for r in neutral_reason(sig))


def test_html_is_stripped_then_read():
    sig = analyse("<html><head><style>p{}</style></head><body><p>Ik ben <b>woedend</b>!</p>")
    assert sig.emotion == "angry"
    assert any("HTML" in r.cue for r in neutral_reason(sig))
    assert "style" not in " ".join(r.cue for r in sig.reasons)


def test_html_without_text():
    sig = analyse("<div><br/><img src='x.png'></div>")
    assert sig.emotion == "neutral"
    assert neutral_reason(sig)


def test_mixed_language_still_scores():
    sig = analyse("Hello, ik ben echt boos, this is ridiculous!!")
    assert sig.emotion == "angry"
    assert sig.language in {"nl", "en"}


@pytest.mark.parametrize("text", [12345, 3.5, ["boos"], {"text": "boos"}, object()])
def test_not_a_string(text):
    sig = analyse(text)
    assert sig.emotion in {"neutral", *EMOTIONS}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text_never_raises_and_scores_are_bounded(text):
    sig = analyse(text)
    assert sig.emotion in {"neutral", *EMOTIONS}
    assert set(sig.scores) == set(EMOTIONS)
    assert all(0.0 <= v <= 1.0 for v in sig.scores.values())
    assert 0.0 <= sig.urgency <= 1.0
    assert sig.urgent == (sig.urgency >= 0.5)
    sig.as_dict()


words = st.sampled_from(
    "ik ben niet boos maar wel bang bedankt voor niks geweldig hoor weer alvast bezorgd "
    "afgesloten gas pakket WAAROM !! ?? , . 😡 🙄 echt heel wacht al 3 weken geen internet "
    "thanks for nothing hoe lang nog".split()
)


@settings(max_examples=300, deadline=None)
@given(st.lists(words, max_size=40))
def test_any_mix_of_cues_stays_bounded(parts):
    sig = analyse(" ".join(parts))
    assert all(0.0 <= v <= 1.0 for v in sig.scores.values())
    assert 0.0 <= sig.urgency <= 1.0
