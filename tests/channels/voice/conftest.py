"""A CTI line for the Service team, and a helper posting CTI events the way a PBX does."""

import json

import pytest

from bereikbaar.channels.voice.models import Line

TOKEN = "pbx-geheim-1"


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
