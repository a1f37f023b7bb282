"""The figures recover the parameters the history generator was given, within stated
tolerances (600 conversations; the tolerances are about three standard errors)."""

import pytest

from bereikbaar.analytics import figures, history
from bereikbaar.text.signals import analyse
from tests.analytics.conftest import PARAMS

SHARE = 0.06  # absolute, for shares
MEDIAN = 0.25  # relative, for medians
P90 = 0.30  # relative, for 90th percentiles


@pytest.fixture
def dash(generated, alice):
    f = figures.Filters.last_days(PARAMS.days + 1)
    return {fig.key: fig for fig in figures.dashboard(alice, f)}


def test_it_uses_texts_whose_emotion_is_known():
    for emotion, text in history.TEXTS.items():
        assert analyse(text).emotion == emotion


def test_it_recovers_the_channel_mix(dash, generated):
    mix = dash["channel_mix"].summary
    assert mix["conversations"] == generated["conversations"] == PARAMS.conversations
    for channel, share in PARAMS.mix.items():
        assert mix["share"][channel] == pytest.approx(share, abs=SHARE), channel


def test_it_recovers_multichannel_and_concurrent_shares(dash):
    s = dash["multichannel"].summary
    assert s["multichannel_share"] == pytest.approx(PARAMS.multichannel_share, abs=SHARE)
    concurrent = PARAMS.multichannel_share * PARAMS.concurrent_share
    assert s["concurrent_share"] == pytest.approx(concurrent, abs=SHARE)


def test_it_recovers_the_emotions_at_start_and_end(dash):
    s = dash["emotions"].summary
    for emotion, share in PARAMS.start_emotions.items():
        assert s["start"][emotion] == pytest.approx(share, abs=SHARE), emotion
    for emotion, share in PARAMS.end_emotions.items():
        assert s["end"][emotion] == pytest.approx(share, abs=SHARE), emotion
    assert s["end"]["nervous"] == 0


def test_it_recovers_response_times_per_channel(dash):
    s = dash["response_times"].summary
    for channel, median in PARAMS.reply_minutes.items():
        row = s[channel]
        assert row["human_p50"] / 60 == pytest.approx(median, rel=MEDIAN), channel
        assert row["human_p90"] / 60 == pytest.approx(PARAMS.reply_p90(channel), rel=P90), channel
        if channel != "phone":
            assert row["reply_p50"] == pytest.approx(row["human_p50"])
        else:
            assert row["reply_p50"] is None
        assert row["resolution_p50"] / 3600 == pytest.approx(PARAMS.resolution_hours, rel=MEDIAN)


def test_it_recovers_repeat_contacts(dash):
    assert dash["repeat"].summary["share"] == pytest.approx(PARAMS.repeat_share, abs=SHARE)


def test_it_recovers_csat(dash):
    s = dash["csat_channel"].summary
    assert s["responses"] == pytest.approx(PARAMS.conversations * PARAMS.csat_share, rel=0.15)
    assert s["average"] == pytest.approx(PARAMS.csat_mean, abs=0.2)
    assert {row[0] for row in dash["csat_team"].rows} == {"Billing", "Service"}


def test_it_recovers_help_centre_deflection(dash):
    s = dash["helpcenter"].summary
    assert s["searches"] == PARAMS.searches
    assert s["deflection_rate"] == pytest.approx(1 - PARAMS.search_contact_share, abs=SHARE)
    assert s["no_results"] / s["searches"] == pytest.approx(PARAMS.search_empty_share, abs=SHARE)
    assert s["content_gaps"][0]["query"] == "warmtepomp subsidie"


def test_it_counts_agent_load(dash):
    load = dash["agent_load"].summary
    assert load["gijs"]["conversations"] + load["hanna"]["conversations"] == PARAMS.conversations
