"""Wrong tokens, garbage numbers and broken bodies: a clear answer or a clear record, no 500."""

import json

import pytest

from bereikbaar.channels.voice.models import Call, CallbackRequest
from bereikbaar.conversations.models import Message
from bereikbaar.intake.models import Inbound


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "fout", "pbx-geheim-2"])
def test_it_refuses_unknown_tokens(cti, token):
    response = cti("newCall", token=token)
    assert response.status_code == 401
    assert not Inbound.objects.exists()


@pytest.mark.django_db
def test_it_takes_the_token_from_the_query_too(client, line, run_intake):
    body = {"event": "newCall", "callId": "q1", "direction": "in", "from": "0612345678"}
    response = client.post(
        "/channels/cti?token=pbx-geheim-1",
        data=body,  # a form, as many PBXs post
    )
    assert response.status_code == 200
    run_intake()
    assert Call.objects.get().number == "+31612345678"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"event": "ring"}, "event"),
        ({"event": "newCall", "callId": ""}, "callId"),
        ({"event": "newCall", "direction": "sideways"}, "direction"),
    ],
)
def test_it_answers_422_for_unusable_events(client, line, fields, why):
    body = {"callId": "c1", **fields}
    response = client.post(
        "/channels/cti",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": "Bearer pbx-geheim-1"},
    )
    assert response.status_code == 422
    assert why in response.json()["error"]


@pytest.mark.django_db
def test_it_answers_422_for_a_body_that_is_not_json(client, line):
    response = client.post(
        "/channels/cti",
        data=b"\xff\xfe[",
        content_type="application/json",
        headers={"Authorization": "Bearer pbx-geheim-1"},
    )
    assert response.status_code == 422


@pytest.mark.django_db
@pytest.mark.parametrize("caller", ["anonymous", "unknown", "", "abc", "+", "0", "12" * 40])
def test_garbage_numbers_make_a_clear_record_without_a_story(cti, caller):
    assert cti("newCall", **{"from": caller}).status_code == 200
    cti("hangup", cause="cancel", **{"from": caller})
    c = Call.objects.get()
    assert (c.number, c.state, c.outcome) == ("", "ended", "abandoned")
    assert c.caller == caller[:200]
    assert not Message.objects.exists()  # no one to file it under
    assert not CallbackRequest.objects.exists()  # no one to call back
    assert not Inbound.objects.filter(status="quarantined").exists()


@pytest.mark.django_db
def test_events_for_an_unknown_call_make_a_record(cti, anna):
    cti("hangup", call_id="nooit-gezien", cause="normal")
    c = Call.objects.get()
    assert (c.call_id, c.state) == ("nooit-gezien", "ended")


@pytest.mark.django_db
def test_a_blocked_number_is_rejected_and_recorded(cti, line):
    line.blocked = ["+31612345678"]
    line.save()
    response = cti("newCall", **{"from": "06 1234 5678"})
    assert response.json() == {"action": "reject", "reason": "busy"}
    cti("hangup", cause="normal")
    c = Call.objects.get()
    assert (c.state, c.outcome) == ("ended", "rejected")
    assert not Message.objects.exists()
    assert not CallbackRequest.objects.exists()


@pytest.mark.django_db
def test_it_does_not_accept_get(client, line):
    assert client.get("/channels/cti?token=pbx-geheim-1").status_code == 405
