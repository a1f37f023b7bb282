"""Property tests: no body a client can send — random JSON, near-miss payloads, random bytes —
makes the API answer 5xx. Every answer is a 2xx or the one 4xx JSON error shape."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
senders = st.fixed_dictionaries(
    {},
    optional={
        "name": json_values,
        "email": st.emails() | json_values,
        "phone": st.from_regex(r"\+?[0-9 ()-]{0,18}", fullmatch=True) | json_values,
    },
)
near_misses = st.fixed_dictionaries(
    {},
    optional={
        "external_id": st.text(max_size=300) | json_values,
        "from": senders | json_values,
        "text": st.text(max_size=200) | json_values,
        "html": st.text(max_size=200) | json_values,
    },
)
bodies = (
    json_values.map(lambda v: json.dumps(v).encode())
    | near_misses.map(lambda v: json.dumps(v).encode())
    | st.binary(max_size=200)
)


def assert_no_5xx(response):
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        data = response.json()
        assert set(data) == {"error"} and set(data["error"]) == {"code", "message"}


@FUZZ
@given(body=bodies)
def test_inbound_never_5xx(client, token, body):
    response = client.post(
        "/api/v1/inbound",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert_no_5xx(response)
    assert response.status_code in (202, 400), response.content


@FUZZ
@given(action=st.sampled_from(["reply", "note", "assign", "status", "tags"]), body=bodies)
def test_conversation_changes_never_5xx(admin_api, conversation, action, body):
    assert_no_5xx(admin_api.post(f"/conversations/{conversation.pk}/{action}", raw=body))


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["status", "team", "assignee", "channel", "limit", "offset", "q"]),
        st.text(max_size=30) | st.integers().map(str),
        max_size=4,
    )
)
def test_list_queries_never_5xx(admin_api, params):
    assert_no_5xx(admin_api.get("/conversations", **params))
    assert_no_5xx(admin_api.get("/contacts", **params))
