"""A CTI line for the Service team, and a helper posting CTI events the way a PBX does."""

import json

import pytest

from bereikbaar.channels.voice.models import Line
from tests.channels.voice.standins import ACCOUNT_SID, AUTH_TOKEN, PbxDial, TwilioCalls

TOKEN = "pbx-geheim-1"
PUBLIC_URL = "https://klantcontact.example.nl"


@pytest.fixture
def line(service) -> Line:
    return Line.objects.create(name="Klantenservice", token=TOKEN, number="+31201234567")


@pytest.fixture
def cti(client, line, run_intake):
    """POST one event (JSON), drain the intake queue; returns the response."""

    def post(event: str, call_id: str = "c1", token: str = TOKEN, drain: bool = True, **fields):
        body = {"event": event, "callId": call_id, "direction": "in", **fields}
        body.setdefault("from", "0612345678")
        body.setdefault("to", "0201234567")
        response = client.post(
            "/channels/cti",
            data=json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        if drain:
            run_intake()
        return response

    return post


@pytest.fixture
def twilio_calls():
    server = TwilioCalls()
    yield server
    server.close()


@pytest.fixture
def pbx():
    server = PbxDial()
    yield server
    server.close()


@pytest.fixture
def dialling_line(line, pbx) -> Line:
    """The CTI line, with the PBX's click-to-dial URL set."""
    line.dial_url = pbx.base + "/click-to-dial"
    line.save(update_fields=["dial_url"])
    return line


def make_twilio_line(**extra) -> Line:
    """The Twilio voice line of the tests (signed with standins.AUTH_TOKEN)."""
    return Line.objects.create(
        name="Zonnestroom",
        kind=Line.Kind.TWILIO,
        token="twilio:+31201234567",
        number="+31201234567",
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
        **extra,
    )


@pytest.fixture
def twilio_line(service, twilio_calls) -> Line:
    return make_twilio_line(api_base=twilio_calls.base, public_url=PUBLIC_URL)
