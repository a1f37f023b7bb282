"""A7: the URL Twilio signs is the webhook URL exactly as configured, query string included, in
its own order and encoding; only the POST parameters are sorted (by name, then value) before
signing. So the twilio library's RequestValidator accepts body parameters, also repeated ones,
in any order, and refuses a query string that arrives in another order than it was signed in
(Twilio error 57012: "keep any query parameters URL-encoded", validate "the exact webhook URL").
The webhook must decide as that validator does: each case is checked against it too."""

from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from twilio.request_validator import RequestValidator

from bereikbaar.intake.models import Inbound

from .conftest import AUTH_TOKEN, FORM, PUBLIC_URL, form

PATH = "/channels/twilio/sms"


def signed_params(pairs: list[tuple[str, str]]) -> QueryDict:
    params = QueryDict(mutable=True)
    for key, value in pairs:
        params.appendlist(key, value)
    return params


def post(client, query: str, signed_query: str, pairs, sent_pairs=None):
    """POST `sent_pairs` (default: `pairs`) to PATH?query, signed over PATH?signed_query+pairs."""
    signature = RequestValidator(AUTH_TOKEN).compute_signature(
        PUBLIC_URL + PATH + signed_query, signed_params(pairs)
    )
    sent = sent_pairs if sent_pairs is not None else pairs
    twilios_verdict = RequestValidator(AUTH_TOKEN).validate(
        PUBLIC_URL + PATH + query, signed_params(sent), signature
    )
    response = client.post(
        PATH + query, urlencode(sent), content_type=FORM, headers={"X-Twilio-Signature": signature}
    )
    return response, twilios_verdict


def inbound_pairs() -> list[tuple[str, str]]:
    return list(form("inbound_sms").items())


@pytest.mark.parametrize(
    "query",
    [
        "?zone=west&account=7&zone=noord",  # not sorted, a repeated name in its own order
        "?naam=J%C3%A9r%C3%B4me&lijst=a%2Cb",  # percent-encoded, upper-case hex
        "?naam=j%c3%a9r%c3%b4me&leeg=&plus=a+b",  # lower-case hex, an empty value, a plus
    ],
)
def test_a7_a_query_string_is_signed_exactly_as_it_came(client, account, query):
    response, twilios_verdict = post(client, query, query, inbound_pairs())
    assert twilios_verdict is True
    assert response.status_code == 200
    assert Inbound.objects.count() == 1


@pytest.mark.parametrize(
    ("signed", "received"),
    [
        ("?zone=west&account=7", "?account=7&zone=west"),
        ("?zone=west&zone=noord", "?zone=noord&zone=west"),  # a repeated name, swapped
        ("?lijst=a%2Cb", "?lijst=a,b"),  # decoded on the way (a proxy rewriting the URL)
    ],
)
def test_a7_a_query_string_reordered_after_signing_is_refused_as_twilios_validator_does(
    client, account, signed, received
):
    response, twilios_verdict = post(client, received, signed, inbound_pairs())
    assert twilios_verdict is False
    assert response.status_code == 403
    assert not Inbound.objects.exists()


def test_a7_body_parameters_and_repeated_ones_may_come_in_any_order(client, account):
    pairs = inbound_pairs() + [("Extra", "b"), ("Extra", "a"), ("Extra", "a")]
    shuffled = list(reversed(pairs))  # names and the repeated values in another order
    response, twilios_verdict = post(client, "?zone=west", "?zone=west", pairs, shuffled)
    assert twilios_verdict is True
    assert response.status_code == 200
    assert Inbound.objects.count() == 1


def test_a7_a_repeated_body_parameter_with_a_changed_value_is_refused(client, account):
    pairs = inbound_pairs() + [("Extra", "a"), ("Extra", "b")]
    changed = inbound_pairs() + [("Extra", "a"), ("Extra", "c")]
    response, twilios_verdict = post(client, "", "", pairs, changed)
    assert twilios_verdict is False
    assert response.status_code == 403
    assert not Inbound.objects.exists()
