"""Click-to-call: the agent's one click places the call through Twilio's Calls API or the PBX's
click-to-dial URL (stand-ins on 127.0.0.1), the call becomes a record in the contact's story,
and the call's result settles the callback (answered → done; no answer → later; → failed)."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from twilio.request_validator import RequestValidator

from bereikbaar.channels.voice import callbacks
from bereikbaar.channels.voice.models import Call, CallbackRequest
from bereikbaar.conversations.models import Message
from tests.channels.voice.conftest import PUBLIC_URL, TOKEN
from tests.channels.voice.standins import AUTH_TOKEN, twilio_error

CUSTOMER = "+31612345678"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def agent(anna) -> Client:
    client = Client()
    client.force_login(anna)
    return client


@pytest.fixture
def status(client, twilio_line, run_intake):
    """Twilio's status callback for a call we placed, signed over the URL we gave it."""

    def post(sid: str, call_status: str, agent: str = "anna", **extra):
        path = f"/channels/twilio/voice?step=status&agent={agent}"
        data = {
            "AccountSid": twilio_line.account_sid,
            "CallSid": sid,
            "CallStatus": call_status,
            "Direction": "outbound-api",
            "From": twilio_line.number,
            "To": CUSTOMER,
            **extra,
        }
        signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + path, data)
        response = client.post(path, data, headers={"X-Twilio-Signature": signature})
        assert response.status_code == 200
        run_intake()

    return post


def click(agent: Client, request: CallbackRequest):
    return agent.post(
        f"/channels/voice/callbacks/{request.pk}/attempt", headers={"HX-Request": "true"}
    )


@pytest.mark.django_db
def test_twilio_rings_the_customer_from_the_line_and_bridges_to_the_agent(
    agent, twilio_line, twilio_calls
):
    request = callbacks.request_callback("06 12345678", "Piet")
    response = click(agent, request)
    assert response.status_code == 200 and "Bellen naar +31612345678" in response.content.decode()
    form = twilio_calls.form()
    assert (form["To"], form["From"]) == ([CUSTOMER], ["+31201234567"])
    assert form["StatusCallbackEvent"] == ["initiated", "ringing", "answered", "completed"]
    callback_url = urlsplit(form["StatusCallback"][0])
    assert f"{callback_url.scheme}://{callback_url.netloc}" == PUBLIC_URL
    assert parse_qs(callback_url.query) == {"step": ["status"], "agent": ["anna"]}
    twiml = ET.fromstring(form["Twiml"][0])
    say, dial = list(twiml)
    assert say.get("language") == "nl-NL" and "Zonnestroom" in say.text
    assert dial.get("callerId") == "+31201234567" and dial.find("Client").text == "anna"
    call = Call.objects.get()
    assert (call.direction, call.number, call.call_id) == ("out", CUSTOMER, "CA" + "0" * 31 + "1")
    assert call.callback == request and call.line == twilio_line
    request.refresh_from_db()
    assert request.attempts == 1 and request.placed_at is not None


@pytest.mark.django_db
def test_an_agent_with_a_phone_number_is_dialled_on_that_number(agent, twilio_line, twilio_calls):
    twilio_line.extensions = {"+31687654321": "anna"}
    twilio_line.save()
    click(agent, callbacks.request_callback(CUSTOMER))
    dial = ET.fromstring(twilio_calls.form()["Twiml"][0]).find("Dial")
    assert dial.find("Number").text == "+31687654321" and dial.find("Client") is None


@pytest.mark.django_db
def test_an_answered_twilio_call_settles_the_callback_and_is_logged(
    agent, anna, twilio_line, status
):
    request = callbacks.request_callback(CUSTOMER, "Piet")
    click(agent, request)
    sid = Call.objects.get().call_id
    for step in ("initiated", "ringing", "in-progress"):
        status(sid, step)
    status(sid, "completed", CallDuration="95")
    call = Call.objects.get()
    assert (call.state, call.outcome, call.answered_by) == ("ended", "answered", anna)
    request.refresh_from_db()
    assert request.status == "done" and "teruggebeld" in request.outcome
    assert request.completed_at is not None
    log = Message.objects.get(pk=call.message_id)
    assert log.channel == "phone" and log.direction == "outbound"
    assert log.text.startswith("Uitgaand gesprek naar +31612345678")
    assert log.conversation.contact.identities.filter(kind="phone", value=CUSTOMER).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("result", ["no-answer", "busy"])
def test_no_answer_counts_an_attempt_and_backs_off(agent, twilio_line, status, result):
    request = callbacks.request_callback(CUSTOMER)
    promised = request.first_due_at
    click(agent, request)
    status(Call.objects.get().call_id, result)
    request.refresh_from_db()
    assert (request.status, request.attempts) == ("open", 1)
    assert "poging 1: niet bereikt" in request.outcome
    assert request.due_at >= timezone.now() + timedelta(minutes=29)
    assert request.first_due_at == promised  # the promise stays, for "on time"
    click(agent, request)
    status(Call.objects.latest("id").call_id, result)
    request.refresh_from_db()
    assert request.due_at >= timezone.now() + timedelta(minutes=59)  # later each time


@pytest.mark.django_db
def test_after_the_last_attempt_the_callback_fails_with_its_reasons(agent, twilio_line, status):
    request = callbacks.request_callback(CUSTOMER)
    for _ in range(callbacks.MAX_ATTEMPTS):
        assert click(agent, request).status_code == 200
        status(Call.objects.latest("id").call_id, "no-answer")
    request.refresh_from_db()
    assert (request.status, request.attempts) == ("failed", 3)
    assert request.outcome.count("niet bereikt (noanswer)") == 3
    assert request.completed_at is not None
    assert click(agent, request).status_code == 404  # no longer in the queue


@pytest.mark.django_db
def test_twilio_saying_too_many_requests_is_a_clear_429_and_no_attempt(
    agent, twilio_line, twilio_calls
):
    request = callbacks.request_callback(CUSTOMER)
    twilio_calls.queue.append(twilio_error(429, 20429, "Too Many Requests"))
    response = click(agent, request)
    assert response.status_code == 429
    assert "Twilio weigerde (20429): Too Many Requests" in response.content.decode()
    request.refresh_from_db()
    assert request.attempts == 0 and not Call.objects.exists()


@pytest.mark.django_db
def test_twilio_refusing_the_number_is_shown_to_the_agent(agent, twilio_line, twilio_calls):
    request = callbacks.request_callback(CUSTOMER)
    twilio_calls.queue.append(
        twilio_error(400, 21215, "Account not authorized to call +31612345678.")
    )
    response = click(agent, request)
    assert response.status_code == 502
    assert "21215" in response.content.decode() and 'role="alert"' in response.content.decode()
    assert not Call.objects.exists()


@pytest.mark.django_db
def test_wrong_twilio_credentials_are_reported(agent, twilio_line):
    twilio_line.auth_token = "not-the-token"
    twilio_line.save()
    response = click(agent, callbacks.request_callback(CUSTOMER))
    assert response.status_code == 502 and "20003" in response.content.decode()


@pytest.mark.django_db
def test_a_twilio_line_without_a_public_url_cannot_dial(agent, twilio_line, twilio_calls):
    twilio_line.public_url = ""
    twilio_line.save()
    response = click(agent, callbacks.request_callback(CUSTOMER))
    assert response.status_code == 409 and "--public-url" in response.content.decode()
    assert not twilio_calls.requests


@pytest.mark.django_db
def test_the_pbx_dials_the_agents_extension_and_reports_through_cti(
    agent, anna, dialling_line, pbx, cti
):
    dialling_line.extensions = {"201": "anna"}
    dialling_line.save()
    request = callbacks.request_callback(CUSTOMER)
    assert click(agent, request).status_code == 200
    sent = pbx.requests[0]
    assert sent["json"]["extension"] == "201" and sent["json"]["number"] == CUSTOMER
    assert sent["headers"]["Authorization"] == f"Bearer {TOKEN}"
    call = Call.objects.get()
    assert call.call_id == "pbx-1" and call.callback == request  # the id the PBX named
    cti("answer", call_id="pbx-1", direction="out", to=CUSTOMER, extension="201")
    cti("hangup", call_id="pbx-1", direction="out", to=CUSTOMER, cause="normal")
    call.refresh_from_db()
    assert (call.outcome, call.answered_by) == ("answered", anna)
    request.refresh_from_db()
    assert request.status == "done" and request.completed_at >= request.placed_at


@pytest.mark.django_db
def test_a_pbx_that_names_no_call_id_gets_ours(agent, dialling_line, pbx):
    pbx.own_ids = False
    click(agent, callbacks.request_callback(CUSTOMER))
    sent_id = pbx.requests[0]["json"]["callId"]
    assert sent_id.startswith("bb-") and Call.objects.get().call_id == sent_id


@pytest.mark.django_db
def test_a_pbx_that_reports_our_dial_under_its_own_id_makes_no_second_call(
    agent, anna, dialling_line, pbx, cti
):
    pbx.own_ids = False  # neither answers with an id nor uses the one we sent
    request = callbacks.request_callback(CUSTOMER)
    click(agent, request)
    ours = Call.objects.get().call_id
    cti("newCall", call_id="asterisk-77", direction="out", to=CUSTOMER, **{"from": "201"})
    cti("answer", call_id="asterisk-77", direction="out", to=CUSTOMER, extension="201")
    cti("hangup", call_id="asterisk-77", direction="out", to=CUSTOMER, cause="normal")
    call = Call.objects.get()  # one record, not a ringing orphan beside it
    assert call.call_id == "asterisk-77" and call.facts["dialled_as"] == ours
    assert (call.state, call.outcome, call.callback) == ("ended", "answered", request)
    # another call to the same number minutes later is a call of its own
    cti("newCall", call_id="asterisk-78", direction="out", to=CUSTOMER, **{"from": "201"})
    assert Call.objects.count() == 2


@pytest.mark.django_db
def test_a_pbx_that_refuses_is_shown_and_nothing_is_counted(agent, dialling_line, pbx):
    request = callbacks.request_callback(CUSTOMER)
    pbx.queue.append((403, b"extension 201 is not allowed to dial out"))
    response = click(agent, request)
    assert response.status_code == 502
    assert "extension 201 is not allowed to dial out" in response.content.decode()
    request.refresh_from_db()
    assert request.attempts == 0 and not Call.objects.exists()


@pytest.mark.django_db
def test_an_unreachable_pbx_is_a_503(agent, dialling_line, pbx):
    pbx.close()
    response = click(agent, callbacks.request_callback(CUSTOMER))
    assert response.status_code == 503 and "niet bereikbaar" in response.content.decode()


@pytest.mark.django_db
def test_a_call_from_the_contact_panel(agent, anna, dialling_line, pbx):
    response = agent.post(
        "/channels/voice/dial", {"number": "0612345678"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "+31612345678" in response.content.decode()
    call = Call.objects.get()
    assert (call.direction, call.callback, call.facts["rung"]) == ("out", None, ["anna"])
    assert Message.objects.get(pk=call.message_id).conversation.contact is not None


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["", "anonymous", "bel me", "<script>"])
def test_a_garbage_number_is_a_clear_422(agent, dialling_line, pbx, number):
    response = agent.post(
        "/channels/voice/dial", {"number": number}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422 and "kunnen we niet bellen" in response.content.decode()
    assert "<script>" not in response.content.decode()
    assert not pbx.requests and not Call.objects.exists()


@pytest.mark.django_db
def test_the_contact_panel_shows_a_call_button(agent, anna, run_intake, post_inbound):
    post_inbound("sms-1", "Bel me even", phone="0612345678", name="Piet")
    run_intake()
    conversation = Message.objects.get().conversation
    page = agent.get(conversation.get_absolute_url()).content.decode()
    assert 'action="/channels/voice/dial"' in page and 'value="+31612345678"' in page


@pytest.mark.django_db
def test_only_agents_can_dial(client, dialling_line, pbx):
    response = client.post("/channels/voice/dial", {"number": CUSTOMER})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not pbx.requests


@pytest.mark.django_db
def test_without_a_dialling_line_the_agents_softphone_takes_the_number(agent, line):
    request = callbacks.request_callback(CUSTOMER)
    response = click(agent, request)
    assert response.status_code == 204 and response["HX-Redirect"] == f"tel:{CUSTOMER}"
    request.refresh_from_db()
    assert request.attempts == 1 and request.placed_at is not None
