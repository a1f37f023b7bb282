"""Catalogue L3 for the phone: erasing a caller blanks their number, name, question and the
agent's notes in the call records and the callback queue (rows kept, so the phone figures do
not change), cancels their open callback, and leaves another caller's calls as they were."""

import json
import time

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from bereikbaar.analytics.base import Filters
from bereikbaar.analytics.calls import phone
from bereikbaar.channels.voice import callbacks
from bereikbaar.channels.voice.calls import set_notes
from bereikbaar.channels.voice.models import Call, CallbackRequest
from bereikbaar.contacts.models import Contact
from bereikbaar.contacts.privacy import erase, export

pytestmark = pytest.mark.django_db

T0 = int(time.time()) - 3600
NUMBER, PIETS = "0612345678", "0687654321"
DIGITS = "612345678"  # in every spelling: +31612345678, 0031612345678, 0612345678
NAME, QUESTION = "Marieke Jansen", "Mijn omvormer op de Hoefijzerlaan piept"
NOTE, PIETS_NOTE = "Belt over de lekkage bij haar dakraam", "Piet wil een nieuwe meter"


def rows_text() -> str:
    """Every stored value of the phone tables and their admin history, as one text."""
    parts = [
        list(Call.objects.values()),
        list(CallbackRequest.objects.values()),
        list(LogEntry.objects.values("object_repr", "change_message")),
    ]
    return json.dumps(parts, default=str)


@pytest.fixture
def two_callers(cti, anna, alice):
    cti("newCall", call_id="m1", timestamp=T0, **{"from": NUMBER})
    cti("answer", call_id="m1", user="anna", timestamp=T0 + 5, **{"from": NUMBER})
    cti("hangup", call_id="m1", cause="normal", timestamp=T0 + 90, **{"from": NUMBER})
    set_notes(Call.objects.get(call_id="m1"), NOTE)
    cti("newCall", call_id="m2", timestamp=T0 + 600, **{"from": NUMBER})
    cti("hangup", call_id="m2", cause="noanswer", timestamp=T0 + 630, **{"from": NUMBER})
    callbacks.request_callback(NUMBER, NAME, question=QUESTION)  # joins the missed call's
    cti("newCall", call_id="p1", timestamp=T0 + 700, **{"from": PIETS})
    cti("answer", call_id="p1", user="anna", timestamp=T0 + 705, **{"from": PIETS})
    cti("hangup", call_id="p1", cause="normal", timestamp=T0 + 800, **{"from": PIETS})
    set_notes(Call.objects.get(call_id="p1"), PIETS_NOTE)
    LogEntry.objects.create(
        user=alice,
        content_type=ContentType.objects.get_for_model(Call),
        object_id=str(Call.objects.get(call_id="m1").pk),
        object_repr=str(Call.objects.get(call_id="m1")),
        action_flag=CHANGE,
        change_message=f"notities: {NOTE}",
    )
    marieke = Contact.objects.get(identities__value="+31612345678")
    return marieke, Contact.objects.get(identities__value="+31687654321")


def test_it_leaves_nothing_of_the_caller_in_the_phone_tables(two_callers):
    marieke, _ = two_callers
    [request] = CallbackRequest.objects.all()
    assert (request.name, request.question, request.status) == (NAME, QUESTION, "open")
    assert request.call.call_id == "m2"
    before = rows_text()
    for needle in (DIGITS, NAME, QUESTION, NOTE):
        assert needle in before  # the test would see them

    counts = erase(marieke)

    assert (counts["calls"], counts["callback_requests"]) == (2, 1)
    after = rows_text()
    for needle in (DIGITS, NAME, QUESTION, NOTE, "Hoefijzerlaan", "dakraam"):
        assert needle not in after
    request.refresh_from_db()
    assert request.status == "cancelled" and request.completed_at is not None
    assert not callbacks.queue().exists()


def test_another_callers_calls_are_untouched(two_callers):
    marieke, piet = two_callers
    theirs = Call.objects.get(call_id="p1")
    erase(marieke)
    assert Call.objects.get(pk=theirs.pk).__dict__ | {"_state": None} == theirs.__dict__ | {
        "_state": None
    }
    assert "687654321" in rows_text() and PIETS_NOTE in rows_text()


def test_the_phone_figures_do_not_change(two_callers, alice):
    marieke, _ = two_callers
    window = Filters.last_days(1)
    before = phone(alice, window).summary
    ours = Call.objects.get(call_id="m1")
    erase(marieke)
    after = phone(alice, window).summary
    assert after["calls"] == before["calls"] == 3
    for key in ("answered", "abandoned", "average_wait_seconds", "callbacks", "callbacks_done"):
        assert after[key] == before[key], key
    kept = Call.objects.get(pk=ours.pk)
    assert (kept.state, kept.outcome, kept.answered_at, kept.ended_at) == (
        ours.state,
        ours.outcome,
        ours.answered_at,
        ours.ended_at,
    )
    assert kept.facts["answer"] == ours.facts["answer"]  # the record still derives


def test_the_export_names_the_calls_and_the_callback(two_callers):
    marieke, _ = two_callers
    data = export(marieke)["calls"]
    assert [c["number"] for c in data["calls"]] == ["+31612345678", "+31612345678"]
    [request] = data["callback_requests"]
    assert (request["name"], request["question"]) == (NAME, QUESTION)
