"""Catalogue L3 for the phone, after the erasure: a late event of an erased call (a PBX's
out-of-order answer, a repeated newCall, a Twilio status callback) still moves the call's state
and times, but brings back neither the caller's number nor the call log erased with them; a
*new* call from that number is a new contact, as a new WhatsApp message is. The raw copies
intake kept of the call's events are blanked by the erasure too."""

import json
import time
from datetime import datetime
from email.utils import formatdate
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from twilio.request_validator import RequestValidator

from bereikbaar.channels.voice.models import Call, CallbackRequest
from bereikbaar.contacts.models import Contact, Identity
from bereikbaar.contacts.privacy import erase
from bereikbaar.conversations.models import Message
from bereikbaar.intake.models import Inbound
from tests.channels.voice.conftest import make_twilio_line
from tests.channels.voice.standins import AUTH_TOKEN

pytestmark = pytest.mark.django_db

T0 = int(time.time()) - 600
NUMBER = "0612345678"
DIGITS = "612345678"  # in every spelling: +31612345678, 0031612345678, 0612345678
SID = "CA" + "7" * 32
URL = "http://testserver/channels/twilio/voice"
OPEN = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))  # a Tuesday


def personal_text() -> str:
    """Every value of the calls, callbacks, messages, identities and raw events, as one text."""
    parts = [
        list(Call.objects.values()),
        list(CallbackRequest.objects.values()),
        list(Message.objects.values("text", "html", "extra")),
        list(Identity.objects.values("value")),
        [bytes(p).decode() for p in Inbound.objects.values_list("payload", flat=True)],
    ]
    return json.dumps(parts, default=str)


def erase_the_caller() -> Call:
    erase(Contact.objects.get(identities__value="+31612345678"))
    call = Call.objects.get()
    assert call.erased_at is not None and DIGITS not in personal_text()
    return call


def test_late_cti_events_move_the_state_but_bring_nothing_back(
    cti, anna, django_capture_on_commit_callbacks
):
    cti("newCall", call_id="m1", timestamp=T0, **{"from": NUMBER})
    cti("hangup", call_id="m1", cause="noanswer", timestamp=T0 + 30, **{"from": NUMBER})
    assert Call.objects.get().outcome == "missed" and CallbackRequest.objects.count() == 1
    erase_the_caller()

    # a ring-group leg's answer, reported after the hangup, and the newCall sent again
    with django_capture_on_commit_callbacks(execute=True):  # the raw copies go on commit
        cti("answer", call_id="m1", user="anna", timestamp=T0 + 10, **{"from": NUMBER})
        cti("newCall", call_id="m1", timestamp=T0, eventId="again-1", **{"from": NUMBER})
        cti("hangup", call_id="m1", cause="normal", timestamp=T0 + 30, eventId="again-2")
    assert Inbound.objects.filter(status="processed").count() == 5

    call = Call.objects.get()
    assert (call.state, call.outcome, call.answered_by) == ("ended", "answered", anna)
    assert call.answered_at.timestamp() == T0 + 10 and call.ended_at.timestamp() == T0 + 30
    assert (call.caller, call.callee, call.number) == ("", "", "")
    assert call.events == 5
    assert DIGITS not in personal_text()
    [log] = Message.objects.filter(channel="phone")
    assert (log.text, log.extra) == ("", {})
    assert not Contact.objects.filter(erased_at__isnull=True).exists()
    assert CallbackRequest.objects.get().status == "cancelled"  # nobody asks to be called


def test_the_raw_copies_of_the_calls_events_are_blanked(cti, anna):
    for call_id, number in (("m1", NUMBER), ("p1", "0687654321")):
        cti("newCall", call_id=call_id, timestamp=T0, **{"from": number})
        cti("hangup", call_id=call_id, cause="normal", timestamp=T0 + 9, **{"from": number})
    raw = {k: bytes(p) for k, p in Inbound.objects.values_list("order_key", "payload")}
    line_id = Call.objects.get(call_id="m1").line_id
    assert DIGITS.encode() in raw[f"call:{line_id}:m1"]

    counts = erase(Contact.objects.get(identities__value="+31612345678"))

    assert counts["raw_payloads"] >= 2
    kept = [bytes(p) for p in Inbound.objects.values_list("payload", flat=True)]
    assert not any(DIGITS.encode() in p for p in kept)
    assert sum(b"687654321" in p for p in kept) == 2  # the other caller's events stay


@pytest.fixture
def twilio(client, service, run_intake):
    """POST one signed Twilio voice webhook for call SID at Twilio time `at` (epoch)."""
    make_twilio_line()

    def post(step: str = "", at: float = T0, **extra):
        query = f"?step={step}" if step else ""
        data = {
            "AccountSid": "AC" + "0" * 32,
            "CallSid": SID,
            "Direction": "inbound",
            "From": "+31612345678",
            "To": "+31201234567",
            "Timestamp": formatdate(at, usegmt=True),
            **extra,
        }
        signature = RequestValidator(AUTH_TOKEN).compute_signature(URL + query, data)
        with mock.patch("bereikbaar.channels.voice.voice_line.now", return_value=OPEN):
            response = client.post(
                "/channels/twilio/voice" + query, data, headers={"X-Twilio-Signature": signature}
            )
        assert response.status_code == 200
        run_intake()

    return post


def test_a_late_twilio_callback_moves_the_state_but_brings_nothing_back(
    twilio, django_capture_on_commit_callbacks
):
    twilio(CallStatus="ringing")
    twilio("status", at=T0 + 60, CallStatus="completed", SequenceNumber="3")
    assert Call.objects.get().outcome == "abandoned"
    erase_the_caller()

    with django_capture_on_commit_callbacks(execute=True):  # the agent's bridge, reported late
        twilio("queue", at=T0 + 20, QueueResult="bridged", DequeingCallSid="CA" + "2" * 32)

    call = Call.objects.get()
    assert (call.state, call.outcome) == ("ended", "answered")
    assert call.answered_at.timestamp() == T0 + 20
    assert (call.caller, call.callee, call.number) == ("", "", "")
    assert DIGITS not in personal_text()
    assert not Contact.objects.filter(erased_at__isnull=True).exists()


def test_a_new_call_from_the_erased_number_is_a_new_contact(cti, anna):
    """Erasure is not a block list: the person may call again, and is then filed again."""
    cti("newCall", call_id="m1", timestamp=T0, **{"from": NUMBER})
    cti("hangup", call_id="m1", cause="noanswer", timestamp=T0 + 30, **{"from": NUMBER})
    old = erase_the_caller()

    cti("newCall", call_id="m2", timestamp=T0 + 300, **{"from": NUMBER})
    cti("answer", call_id="m2", user="anna", timestamp=T0 + 305, **{"from": NUMBER})
    cti("hangup", call_id="m2", cause="normal", timestamp=T0 + 400, **{"from": NUMBER})

    new = Call.objects.get(call_id="m2")
    assert (new.number, new.erased_at, new.outcome) == ("+31612345678", None, "answered")
    [person] = Contact.objects.filter(erased_at__isnull=True)
    assert new.contact == person and person.pk != old.contact_id
    assert "+31612345678" in Message.objects.get(pk=new.message_id).text
    old.refresh_from_db()
    assert (old.caller, old.number) == ("", "") and old.erased_at is not None
    assert Message.objects.get(pk=old.message_id).text == ""
