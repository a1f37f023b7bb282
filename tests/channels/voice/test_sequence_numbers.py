"""B13: Twilio's voice status callbacks arrive in any order; `SequenceNumber` says theirs.

A short call puts initiated, ringing, in-progress and completed in one second of Twilio's
`Timestamp`. Whatever order they arrive in (several seeded shuffles), the call ends in the
state of the highest SequenceNumber, its times follow the sequence, and its log is one message.
"""

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from twilio.request_validator import RequestValidator

from bereikbaar.channels.voice.models import Call, Line
from bereikbaar.channels.voice.twilio_events import cti_event
from bereikbaar.conversations.models import Message
from tests.channels.voice.conftest import make_twilio_line
from tests.channels.voice.standins import AUTH_TOKEN

URL = "http://testserver/channels/twilio/voice?step=status"
CALL_SID = "CA" + "7" * 32
# a second of Twilio's clock, a little before now (a clock off by more than a day is not believed)
SECOND = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
# Twilio's progress callbacks of a call we placed, in the order Twilio sent them.
PROGRESS = ["initiated", "ringing", "in-progress", "completed"]


@pytest.fixture
def twilio_line(service) -> Line:
    return make_twilio_line()


def callback(status: str, sequence: str, at: datetime = SECOND) -> dict[str, str]:
    return {
        "AccountSid": "AC" + "0" * 32,
        "CallSid": CALL_SID,
        "CallStatus": status,
        "Direction": "outbound-api",
        "From": "+31201234567",
        "To": "+31612345678",
        "SequenceNumber": sequence,
        "Timestamp": format_datetime(at),
        "CallbackSource": "call-progress-events",
        **({"CallDuration": "0"} if status == "completed" else {}),
    }


@pytest.fixture
def post_status(client, twilio_line, run_intake):
    def post(data: dict[str, str]):
        signature = RequestValidator(AUTH_TOKEN).compute_signature(URL, data)
        response = client.post(
            "/channels/twilio/voice?step=status", data, headers={"X-Twilio-Signature": signature}
        )
        run_intake()
        return response

    return post


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(6))
def test_shuffled_callbacks_end_in_the_state_of_the_highest_sequence_number(post_status, seed):
    callbacks = [callback(status, str(n)) for n, status in enumerate(PROGRESS)]
    callbacks += [callbacks[1], callbacks[3]]  # Twilio retries two of them
    random.Random(seed).shuffle(callbacks)
    for data in callbacks:
        assert post_status(data).status_code == 200
    call = Call.objects.get()
    assert (call.state, call.outcome) == ("ended", "answered")
    assert call.started_at < call.answered_at < call.ended_at  # in Twilio's order, one second
    assert call.ended_at.replace(microsecond=0) == SECOND
    assert len(call.facts["answer"]) == 1 and len(call.facts["hangup"]) == 1
    assert Message.objects.filter(channel="phone").count() == 1  # one log, not one per callback


def test_the_sequence_number_orders_callbacks_within_twilios_second():
    received = SECOND.timestamp() + 3
    ats = [
        cti_event(callback(s, str(n)) | {"_step": "status"}, received).at
        for n, s in enumerate(PROGRESS)
    ]
    assert ats == sorted(ats) and len(set(ats)) == 4
    assert all(int(at) == int(SECOND.timestamp()) for at in ats)
    later = cti_event(
        callback("completed", "0", SECOND + timedelta(seconds=1)) | {"_step": "status"}, received
    )
    assert later.at > ats[-1]  # a later second still wins over a higher number


@pytest.mark.parametrize("garbage", ["", "-1", "1.5", "abc", "１", "99999999999999999999", " 2 "])
def test_a_garbage_sequence_number_is_ignored(garbage):
    received = SECOND.timestamp() + 3
    event = cti_event(callback("completed", garbage) | {"_step": "status"}, received)
    assert event is not None
    assert event.at == SECOND.timestamp() + (0.002 if garbage == " 2 " else 0)
    assert event.event == "hangup"


@pytest.mark.django_db
def test_a_garbage_sequence_number_is_no_error_at_the_webhook(post_status):
    assert post_status(callback("completed", "∞")).status_code == 200
    assert Call.objects.get().state == "ended"
