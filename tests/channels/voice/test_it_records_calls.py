"""CTI event sequences as PBXs send them: the call record ends right whatever the order."""

import itertools
import time

import pytest

from bereikbaar.channels.voice.models import Call, CallbackRequest
from bereikbaar.conversations.models import Message
from bereikbaar.intake.models import Inbound

T0 = int(time.time()) - 3600  # the PBX's clock, epoch seconds (an hour ago)


def call() -> Call:
    return Call.objects.get()


@pytest.mark.django_db
def test_it_records_an_answered_call_in_the_story(cti, anna):
    assert cti("newCall", timestamp=T0).status_code == 200
    assert call().state == "ringing"
    cti("answer", user="anna", timestamp=T0 + 12)
    cti("hangup", cause="normal", user="anna", timestamp=T0 + 200)
    c = call()
    assert (c.state, c.outcome, c.answered_by, c.number) == (
        "ended",
        "answered",
        anna,
        "+31612345678",
    )
    message = Message.objects.get(channel="phone")
    assert message.provider_id == f"call:{c.line_id}:c1"
    assert message.extra["call"]["ringing_seconds"] == 12
    assert message.extra["call"]["talk_seconds"] == 188
    assert message.extra["call"]["answered_by"] == "anna"
    assert "Aangenomen door: anna" in message.text
    assert c.contact.identities.get().value == "+31612345678"
    assert not CallbackRequest.objects.exists()


@pytest.mark.django_db
def test_it_threads_the_call_into_the_contacts_open_case(cti, post_inbound, run_intake):
    post_inbound("wa-1", text="Mijn omvormer doet het niet", phone="+31612345678", name="Piet")
    run_intake()
    cti("newCall", **{"from": "06-12345678"})
    phone = Message.objects.get(channel="phone")
    other = Message.objects.exclude(channel="phone").get()
    assert phone.conversation_id == other.conversation_id


EVENTS = [
    ("newCall", {"timestamp": T0}),
    ("answer", {"user": "anna", "timestamp": T0 + 5}),
    ("hangup", {"cause": "normal", "user": "anna", "timestamp": T0 + 65}),
]


@pytest.mark.django_db
@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_it_ends_right_in_any_order(cti, anna, order):
    for i in order:
        event, fields = EVENTS[i]
        cti(event, **fields)
    c = call()
    assert (c.state, c.outcome, c.answered_by_id) == ("ended", "answered", anna.pk)
    message = Message.objects.get(channel="phone")
    assert message.extra["call"]["talk_seconds"] == 60
    assert message.extra["call"]["ringing_seconds"] == 5
    assert Call.objects.count() == 1
    assert not CallbackRequest.objects.filter(status="open").exists()


@pytest.mark.django_db
def test_a_duplicate_newcall_changes_nothing(cti):
    cti("newCall", timestamp=T0)
    cti("newCall", timestamp=T0)
    cti("newCall", timestamp=T0)
    assert Call.objects.count() == 1
    assert Inbound.objects.count() == 1  # same body: stored once
    assert Message.objects.filter(channel="phone").count() == 1


@pytest.mark.django_db
def test_a_caller_who_hangs_up_while_ringing_asks_for_a_callback(cti):
    cti("newCall", timestamp=T0)
    cti("hangup", cause="cancel", timestamp=T0 + 20)
    c = call()
    assert (c.state, c.outcome) == ("ended", "abandoned")
    callback = CallbackRequest.objects.get()
    assert (callback.number, callback.source, callback.status) == (
        "+31612345678",
        "abandoned",
        "open",
    )


@pytest.mark.django_db
def test_a_missed_call_twice_is_one_callback_with_higher_priority(cti):
    cti("newCall", call_id="a", timestamp=T0)
    cti("hangup", call_id="a", cause="noAnswer", timestamp=T0 + 30)
    cti("newCall", call_id="b", timestamp=T0 + 100)
    cti("hangup", call_id="b", cause="noAnswer", timestamp=T0 + 130)
    callback = CallbackRequest.objects.get()
    assert callback.source == "missed"
    assert callback.priority == 2


@pytest.mark.django_db
def test_a_ring_group_ends_with_who_picked_up(cti, anna):
    cti("newCall", user="bert", timestamp=T0)
    cti("newCall", user="anna", timestamp=T0)
    cti("newCall", user="carla", timestamp=T0)
    # the legs that did not pick up end, some even before the answer arrives
    cti("hangup", user="bert", cause="cancel", timestamp=T0 + 8)
    cti("answer", user="anna", timestamp=T0 + 7)
    cti("hangup", user="carla", cause="noAnswer", timestamp=T0 + 8)
    assert call().state == "answered"
    cti("hangup", user="anna", cause="normal", timestamp=T0 + 100)
    c = call()
    assert (c.state, c.outcome, c.answered_by_id) == ("ended", "answered", anna.pk)
    assert sorted(c.facts["rung"]) == ["anna", "bert", "carla"]
    assert not CallbackRequest.objects.filter(status="open").exists()


@pytest.mark.django_db
def test_a_transfer_ends_with_the_last_agent(cti, anna, service):
    from tests.conftest import make_agent

    bert = make_agent("bert", service)
    cti("newCall", timestamp=T0)
    cti("answer", user="anna", timestamp=T0 + 3)
    cti("answer", user="bert", timestamp=T0 + 60)
    cti("hangup", cause="normal", user="bert", timestamp=T0 + 90)
    c = call()
    assert c.answered_by == bert
    message = Message.objects.get(channel="phone")
    assert message.extra["call"]["transfers"] == ["anna"]
    assert message.extra["call"]["talk_seconds"] == 87


@pytest.mark.django_db
def test_an_outbound_call_is_an_outbound_log_and_settles_the_callback(cti, anna):
    cti("newCall", call_id="in", timestamp=T0)
    cti("hangup", call_id="in", cause="cancel", timestamp=T0 + 5)
    cti(
        "newCall",
        call_id="out",
        direction="out",
        user="anna",
        timestamp=T0 + 600,
        **{"from": "201", "to": "+31612345678"},
    )
    cti("answer", call_id="out", direction="out", user="anna", timestamp=T0 + 610)
    cti("hangup", call_id="out", direction="out", cause="normal", timestamp=T0 + 700)
    out = Call.objects.get(call_id="out")
    assert (out.outcome, out.number) == ("answered", "+31612345678")
    assert out.message.direction == "outbound"
    assert CallbackRequest.objects.get().status == "done"


@pytest.mark.django_db
def test_a_thousand_events_for_one_call_make_one_correct_record(cti, anna):
    """A PBX in a retry storm: 1,000 distinct events (own eventIds), shuffled."""
    import random

    events = [("newCall", {"timestamp": T0}) for _ in range(400)]
    events += [("answer", {"user": "anna", "timestamp": T0 + 10 + i / 1000}) for i in range(400)]
    events += [("hangup", {"user": "anna", "cause": "normal", "timestamp": T0 + 300})] * 200
    random.Random(5).shuffle(events)
    for i, (event, fields) in enumerate(events):
        assert cti(event, eventId=f"e{i}", drain=False, **fields).status_code == 200
    from bereikbaar.intake.worker import drain

    assert drain() == 1000
    c = call()
    assert (c.state, c.outcome, c.answered_by_id, c.events) == ("ended", "answered", anna.pk, 1000)
    assert Call.objects.count() == 1
    log = Message.objects.get(channel="phone")
    assert (log.extra["call"]["ringing_seconds"], log.extra["call"]["talk_seconds"]) == (10, 290)
    assert not Inbound.objects.filter(status="quarantined").exists()
