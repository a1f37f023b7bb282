"""The Twilio voice line: real signatures (the twilio library's algorithm), TwiML read as XML."""

import xml.etree.ElementTree as ET
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from twilio.request_validator import RequestValidator

from bereikbaar.channels.voice.models import Call, CallbackRequest, Line
from bereikbaar.conversations.models import Message
from tests.channels.voice.conftest import make_twilio_line
from tests.channels.voice.standins import AUTH_TOKEN

URL = "http://testserver/channels/twilio/voice"
OPEN = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))  # a Tuesday
CLOSED = datetime(2026, 12, 25, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))  # Christmas


@pytest.fixture
def twilio_line(service) -> Line:
    return make_twilio_line()


def params(**extra) -> dict[str, str]:
    return {
        "AccountSid": "AC" + "0" * 32,
        "ApiVersion": "2010-04-01",
        "CallSid": "CA" + "1" * 32,
        "CallStatus": "ringing",
        "Direction": "inbound",
        "From": "+31612345678",
        "Caller": "+31612345678",
        "To": "+31201234567",
        "Called": "+31201234567",
        **extra,
    }


@pytest.fixture
def twilio(client, twilio_line, run_intake):
    def post(step: str = "", token: str = AUTH_TOKEN, at: datetime = OPEN, **extra):
        query = f"?step={step}" if step else ""
        data = params(**extra)
        signature = RequestValidator(token).compute_signature(URL + query, data)
        with mock.patch("bereikbaar.channels.voice.voice_line.now", return_value=at):
            response = client.post(
                "/channels/twilio/voice" + query, data, headers={"X-Twilio-Signature": signature}
            )
        run_intake()
        return response

    return post


def twiml(response) -> ET.Element:
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "Response"
    return root


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "forged-token-000000000000000000000"])
def test_forged_signatures_are_refused(client, twilio_line, token):
    data = params()
    headers = {}
    if token:
        headers["X-Twilio-Signature"] = RequestValidator(token).compute_signature(URL, data)
    response = client.post("/channels/twilio/voice", data, headers=headers)
    assert response.status_code == 403
    assert not Call.objects.exists()


@pytest.mark.django_db
def test_a_tampered_parameter_breaks_the_signature(client, twilio_line):
    data = params()
    signature = RequestValidator(AUTH_TOKEN).compute_signature(URL, data)
    data["From"] = "+31600000000"
    response = client.post(
        "/channels/twilio/voice", data, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_callers_go_straight_into_the_queue_with_a_dutch_greeting(twilio):
    root = twiml(twilio())
    say, enqueue = list(root)
    assert say.tag == "Say" and say.get("language") == "nl-NL"
    assert "Welkom bij Zonnestroom" in say.text
    assert enqueue.tag == "Enqueue" and enqueue.text == "klantenservice"
    assert enqueue.get("waitUrl").endswith("?step=wait")
    assert not root.findall(".//Gather")  # no menu maze before a person
    call = Call.objects.get()
    assert (call.state, call.number) == ("ringing", "+31612345678")
    assert Message.objects.filter(channel="phone").count() == 1


@pytest.mark.django_db
def test_the_wait_announces_an_honest_wait_and_offers_a_callback(twilio, anna):
    root = twiml(twilio("wait"))
    gather = root.find("Gather")
    assert gather.get("numDigits") == "1" and gather.get("action").endswith("?step=gather")
    spoken = " ".join(s.text for s in gather.findall("Say"))
    assert "wachttijd" in spoken
    assert "Druk dan op 1" in spoken
    assert all(s.get("language") == "nl-NL" for s in gather.findall("Say"))


@pytest.mark.django_db
def test_nobody_online_is_said_honestly(twilio):
    spoken = " ".join(s.text for s in twiml(twilio("wait")).iter("Say"))
    assert "niemand beschikbaar" in spoken


@pytest.mark.django_db
def test_pressing_1_becomes_a_callback_request(twilio):
    twilio()
    root = twiml(twilio("gather", Digits="1"))
    assert root[-1].tag == "Hangup"
    callback = CallbackRequest.objects.get()
    assert (callback.number, callback.source, callback.priority) == ("+31612345678", "ivr", 2)
    twilio("status", CallStatus="completed", CallDuration="40")
    call = Call.objects.get()
    assert (call.state, call.outcome) == ("ended", "callback")
    assert CallbackRequest.objects.count() == 1


@pytest.mark.django_db
def test_another_key_keeps_the_caller_in_the_queue(twilio):
    root = twiml(twilio("gather", Digits="9"))
    assert not root.findall("Hangup")
    assert not CallbackRequest.objects.exists()


@pytest.mark.django_db
def test_outside_hours_a_voicemail_becomes_a_callback(twilio):
    root = twiml(twilio(at=CLOSED))
    assert [e.tag for e in root] == ["Say", "Record", "Say"]
    assert "gesloten" in root[0].text
    assert root[1].get("action").endswith("?step=voicemail")
    twilio("voicemail", RecordingUrl="https://api.twilio.com/rec/RE1", at=CLOSED)
    callback = CallbackRequest.objects.get()
    assert (callback.source, callback.outcome) == ("voicemail", "https://api.twilio.com/rec/RE1")
    assert Call.objects.get().outcome == "voicemail"


@pytest.mark.django_db
def test_status_callbacks_update_the_call_in_any_order(twilio, anna):
    twilio("status", CallStatus="completed", CallDuration="42")
    twilio("queue", QueueResult="bridged", DequeingCallSid="CA" + "2" * 32)
    twilio()
    call = Call.objects.get()
    assert (call.state, call.outcome) == ("ended", "answered")


@pytest.mark.django_db
def test_a_caller_who_hangs_up_in_the_queue_is_a_callback(twilio):
    twilio()
    twilio("status", CallStatus="completed")
    assert Call.objects.get().outcome == "abandoned"
    assert CallbackRequest.objects.get().source == "abandoned"


@pytest.mark.django_db
def test_a_blocked_number_is_rejected(twilio, twilio_line):
    twilio_line.blocked = ["+31612345678"]
    twilio_line.save()
    root = twiml(twilio())
    assert root[0].tag == "Reject" and root[0].get("reason") == "busy"
    assert Call.objects.get().outcome == "rejected"


@pytest.mark.django_db
def test_an_anonymous_caller_can_queue_but_not_ask_for_a_callback(twilio):
    twiml(twilio(From="anonymous", Caller="anonymous"))
    spoken = " ".join(s.text for s in twiml(twilio("wait", From="anonymous")).iter("Say"))
    assert "Druk dan op 1" not in spoken
    root = twiml(twilio("gather", Digits="1", From="anonymous"))
    assert "afgeschermd" in root[0].text
    assert not CallbackRequest.objects.exists()


@pytest.mark.django_db
def test_an_unknown_step_is_400(twilio):
    assert twilio("doolhof").status_code == 400


@pytest.mark.django_db
def test_the_lines_team_hours_decide(twilio, service):
    service.opening_hours = {"sun": [["00:00", "24:00"]]}
    service.open_on_holidays = True
    service.save()
    sunday = datetime(2026, 11, 29, 3, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    assert twiml(twilio(at=sunday)).find("Enqueue") is not None
    assert twiml(twilio(at=OPEN, CallSid="CA" + "3" * 32)).find("Record") is not None
