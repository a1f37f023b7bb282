"""A7 for the voice line: Twilio signs the webhook URL exactly as configured (the step and, on
a call we placed, the agent in the query, in that URL's order and encoding) and sorts only the
POST parameters. So the order of the query string counts and the order of the body does not,
as with the twilio library's RequestValidator, which each case is also checked against."""

from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from twilio.request_validator import RequestValidator

from bereikbaar.channels.voice.models import Call, Line
from bereikbaar.intake.models import Inbound
from tests.channels.voice.conftest import make_twilio_line
from tests.channels.voice.standins import AUTH_TOKEN

PUBLIC_URL = "https://klantcontact.example.nl"
PATH = "/channels/twilio/voice"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def line(service) -> Line:
    return make_twilio_line(public_url=PUBLIC_URL)


def call_pairs(status: str = "ringing") -> list[tuple[str, str]]:
    return [
        ("AccountSid", "AC" + "0" * 32),
        ("CallSid", "CA" + "2" * 32),
        ("CallStatus", status),
        ("Direction", "inbound"),
        ("From", "+31612345678"),
        ("To", "+31201234567"),
    ]


def multi(pairs) -> QueryDict:
    params = QueryDict(mutable=True)
    for key, value in pairs:
        params.appendlist(key, value)
    return params


def post(client, query: str, signed_query: str, pairs, sent_pairs=None):
    signature = RequestValidator(AUTH_TOKEN).compute_signature(
        PUBLIC_URL + PATH + signed_query, multi(pairs)
    )
    sent = sent_pairs if sent_pairs is not None else pairs
    twilios_verdict = RequestValidator(AUTH_TOKEN).validate(
        PUBLIC_URL + PATH + query, multi(sent), signature
    )
    response = client.post(
        PATH + query, urlencode(sent), content_type=FORM, headers={"X-Twilio-Signature": signature}
    )
    return response, twilios_verdict


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "?agent=j%C3%A9r%C3%B4me&step=status",  # the agent first: not the order we write
        "?step=status&agent=anna+de+vries&agent=bob",  # a plus, a repeated name
    ],
)
def test_a7_a_status_callback_is_signed_over_its_query_exactly_as_it_came(
    client, line, run_intake, query
):
    response, twilios_verdict = post(client, query, query, call_pairs("completed"))
    assert twilios_verdict is True
    assert response.status_code == 200
    run_intake()
    assert Call.objects.filter(call_id="CA" + "2" * 32).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("signed", "received"),
    [
        ("?agent=anna&step=status", "?step=status&agent=anna"),
        ("?taal=nl&lijn=hoofd", "?lijn=hoofd&taal=nl"),
        ("?step=status&agent=anna&agent=bob", "?step=status&agent=bob&agent=anna"),
    ],
)
def test_a7_a_query_reordered_after_signing_is_refused_as_twilios_validator_does(
    client, line, signed, received
):
    response, twilios_verdict = post(client, received, signed, call_pairs())
    assert twilios_verdict is False
    assert response.status_code == 403
    assert not Inbound.objects.exists()


@pytest.mark.django_db
def test_a7_body_parameters_and_repeated_ones_may_come_in_any_order(client, line, run_intake):
    pairs = call_pairs() + [("Extra", "b"), ("Extra", "a")]
    response, twilios_verdict = post(client, "?taal=nl", "?taal=nl", pairs, pairs[::-1])
    assert twilios_verdict is True
    assert response.status_code == 200
    run_intake()
    assert Call.objects.filter(call_id="CA" + "2" * 32).exists()
