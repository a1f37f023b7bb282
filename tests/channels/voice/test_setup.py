"""`bereikbaar channel add cti` / `twilio-voice` (the lead wires them into cli.CHANNEL_SETUP)."""

import argparse
import io

import pytest

from bereikbaar.channels.voice import setup, setup_twilio
from bereikbaar.channels.voice.models import Line


def parse(module, argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    module.configure(parser)
    return parser.parse_args(argv)


@pytest.mark.django_db
def test_add_a_cti_line(service):
    out = io.StringIO()
    args = parse(
        setup,
        ["--token", "T1", "--number", "020 123 4567", "--team", "service", "--block", "0612345678"],
    )
    assert setup.add(args, out) == 0
    line = Line.objects.get()
    assert (line.token, line.number, line.team, line.blocked) == (
        "T1",
        "+31201234567",
        service,
        ["+31612345678"],
    )
    assert setup.describe_all()[0]["webhook"] == "/channels/cti"
    assert setup.add(parse(setup, ["--token", "T1", "--number", "x"]), out) == 2


@pytest.mark.django_db
def test_add_a_twilio_voice_line():
    out = io.StringIO()
    args = parse(
        setup_twilio,
        [
            "--account-sid",
            "AC1",
            "--auth-token",
            "tok",
            "--number",
            "+31201234567",
            "--public-url",
            "https://kc.example.nl/",
        ],
    )
    assert setup_twilio.add(args, out) == 0
    assert "https://kc.example.nl/channels/twilio/voice" in out.getvalue()
    assert Line.objects.get().kind == "twilio"
    assert setup_twilio.describe_all()[0]["kind"] == "twilio-voice"
    assert setup.describe_all() == []


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "outcome"), [("anna", "answered"), ("", "abandoned")])
def test_the_simulator_sequence_makes_a_call(cti, anna, who, outcome):
    from bereikbaar.channels.voice.models import Call
    from bereikbaar.channels.voice.simulate import call_events

    for body in call_events("0612345678", answered_by=who, talk_seconds=30):
        body = dict(body)
        event, call_id = body.pop("event"), body.pop("callId")
        assert cti(event, call_id=call_id, **body).status_code == 200
    call = Call.objects.get()
    assert (call.state, call.outcome) == ("ended", outcome)


@pytest.mark.django_db
def test_click_to_call_is_set_up_with_the_line():
    out = io.StringIO()
    assert setup.add(parse(setup, ["--token", "T2", "--dial-url", "https://pbx/dial"]), out) == 0
    assert Line.objects.get(token="T2").dial_url == "https://pbx/dial"
    args = parse(
        setup_twilio,
        ["--account-sid", "AC1", "--auth-token", "x", "--number", "+3197010203040"]
        + ["--api-base", "http://127.0.0.1:9/"],
    )
    assert setup_twilio.add(args, out) == 0
    assert Line.objects.get(kind="twilio").api_base == "http://127.0.0.1:9"
