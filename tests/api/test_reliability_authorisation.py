"""Catalogue H1, H2, H7, H8, H9, H11, H13 over the REST API: what tests/api/test_permissions.py
does not already pin down. An agent of team B learns nothing of team A's conversations through
the identity routes (concurrent cases, linking, undoing a link) or through list filters; extra
fields in a body never move a conversation to another team, contact or author; SQL in query
parameters is data, not code; no header makes someone else out of the caller; and no foreign
origin gets a credentialed CORS answer."""

import time

import pytest

from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.stories.models import CaseLink
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def billing_case(conversation, billing) -> Conversation:
    """The same customer also has a Billing case, open at the same time."""
    case = Conversation.objects.create(
        contact=conversation.contact, team=billing, subject="Factuur"
    )
    Message.objects.create(
        conversation=case, direction="inbound", channel="email", text="Mijn factuur klopt niet"
    )
    return case


def test_h1_identity_routes_of_another_team_are_404_and_change_nothing(
    api_as, conversation, billing_case, bram, alice
):
    as_bram = api_as(bram)
    assert_error(as_bram.get(f"/conversations/{conversation.pk}/concurrent"), 404, "not_found")
    # linking Bram's own case with Anna's, from either side
    assert_error(
        as_bram.post(f"/conversations/{billing_case.pk}/link", {"other": conversation.pk}), 404
    )
    assert_error(
        as_bram.post(f"/conversations/{conversation.pk}/link", {"other": billing_case.pk}), 404
    )
    assert not CaseLink.objects.exists()
    # a link the admin made cannot be undone by an agent who cannot see the case it joins into
    made = api_as(alice).post(f"/conversations/{conversation.pk}/link", {"other": billing_case.pk})
    assert made.status_code == 201, made.content
    link = CaseLink.objects.get()
    assert link.case_id == conversation.pk  # the older case, which Bram cannot see
    assert_error(as_bram.post(f"/links/{link.pk}/undo"), 404)
    link.refresh_from_db()
    assert link.undone_at is None


def test_h2_the_concurrent_list_never_names_another_teams_case(
    api_as, conversation, billing_case, anna
):
    data = api_as(anna).get(f"/conversations/{conversation.pk}/concurrent").json()
    assert billing_case.pk not in [c["conversation"] for c in data["results"]]


@pytest.mark.parametrize(
    "query",
    [
        {"team": "service"},
        {"status": "open"},
        {"assignee": "none"},
        {"channel": "api"},
        {"limit": 100, "offset": 0},
    ],
)
def test_h2_no_filter_reveals_another_teams_conversations_or_their_count(
    api_as, conversation, bram, service, query
):
    data = api_as(bram).get("/conversations", **query).json()
    assert data == {"items": [], "count": 0}
    data = api_as(bram).get("/conversations", team=str(service.pk)).json()
    assert data == {"items": [], "count": 0}


def test_h7_extra_fields_never_move_a_conversation_or_forge_an_author(
    api_as, conversation, anna, bram, billing, alice
):
    as_anna = api_as(anna)
    foreign = {
        "team_id": billing.pk,
        "team": billing.pk,
        "contact_id": 999,
        "account_id": 2,
        "inbox_id": 2,
        "conversation_id": conversation.pk + 1,
        "author_id": alice.pk,
        "direction": "inbound",
        "role": "admin",
        "is_superuser": True,
    }
    base = f"/conversations/{conversation.pk}"
    for path, body in [
        ("/status", {"status": "pending"}),
        ("/tags", {"tags": ["x"]}),
        ("/note", {"text": "notitie"}),
        ("/assign", {"assignee_id": anna.pk}),
    ]:
        response = as_anna.post(base + path, {**body, **foreign, "assignee_id": anna.pk})
        assert response.status_code in (200, 201, 400), (path, response.content)
    conversation.refresh_from_db()
    assert (conversation.team.slug, conversation.contact_id) == ("service", conversation.contact_id)
    assert conversation.assignee_id in (None, anna.pk)
    note = Message.objects.get(direction="note")
    assert (note.conversation_id, note.author_id) == (conversation.pk, anna.pk)
    anna.refresh_from_db()
    assert not anna.is_superuser and not anna.is_staff
    # and Bram still cannot see it
    assert_error(api_as(bram).get(base), 404)


def test_h7_assigning_to_an_agent_of_another_team_never_moves_the_case(
    api_as, conversation, anna, bram
):
    response = api_as(anna).post(
        f"/conversations/{conversation.pk}/assign", {"assignee_id": bram.pk}
    )
    assert response.status_code == 400
    conversation.refresh_from_db()
    assert conversation.team.slug == "service" and conversation.assignee_id != bram.pk


SQL = [
    "1 OR 1=1",
    "1) OR (1=1",
    "' OR '1'='1",
    "service' OR '1'='1' --",
    "1; SELECT pg_sleep(3)--",
    "1); SELECT pg_sleep(3)--",
    "' UNION SELECT id, username, password FROM auth_user --",
]


@pytest.mark.parametrize("value", SQL)
@pytest.mark.parametrize("field", ["team", "assignee", "status", "channel", "q", "order_by"])
def test_h9_sql_in_query_parameters_is_data_not_code(api_as, conversation, bram, field, value):
    as_bram = api_as(bram)
    started = time.monotonic()
    listed = as_bram.get("/conversations", **{field: value})
    contacts = as_bram.get("/contacts", **{field: value})
    assert time.monotonic() - started < 2.5  # no pg_sleep ran
    assert listed.status_code in (200, 400), listed.content
    if listed.status_code == 200:
        assert listed.json() == {"items": [], "count": 0}  # nothing of Service leaks to Bram
    assert contacts.status_code in (200, 400), contacts.content
    if contacts.status_code == 200 and field == "q":
        assert contacts.json()["count"] == 0  # the quote is searched for, literally
    assert b"password" not in listed.content + contacts.content


@pytest.mark.parametrize(
    "header",
    [
        "X-Forwarded-User",
        "Remote-User",
        "X-Remote-User",
        "X-Auth-Request-User",
        "X-On-Behalf-Of",
        "X-Impersonate-User",
    ],
)
def test_h8_h11_no_header_makes_the_caller_someone_else(client, api_as, conversation, bram, header):
    # an agent's token with a header naming the admin: still the agent
    response = api_as(bram).client.get(
        f"/api/v1/conversations/{conversation.pk}",
        headers={**api_as(bram).headers(), header: "alice"},
    )
    assert_error(response, 404)
    export = api_as(bram).client.get(
        f"/api/v1/contacts/{conversation.contact_id}/export",
        headers={**api_as(bram).headers(), header: "alice"},
    )
    assert_error(export, 403)
    # no token at all, only the header: not logged in, on the API and in the inbox
    assert_error(client.get("/api/v1/conversations", headers={header: "alice"}), 401)
    page = client.get("/", headers={header: "alice"})
    assert page.status_code == 302 and "/login/" in page["Location"]


def test_h13_a_foreign_origin_gets_no_credentialed_cors_answer(client, api_as, alice):
    evil = {"Origin": "https://evil.example"}
    as_alice = api_as(alice)
    for response in (
        as_alice.client.get("/api/v1/conversations", headers={**as_alice.headers(), **evil}),
        client.options("/api/v1/conversations", headers=evil),
        client.get("/", headers=evil),
        client.options("/chat/upload", headers=evil),
    ):
        assert response.get("Access-Control-Allow-Credentials") is None
        assert response.get("Access-Control-Allow-Origin") in (None, "*")
    # the widget's upload is open to every site, but only ever without cookies ("*")
    assert client.options("/chat/upload", headers=evil)["Access-Control-Allow-Origin"] == "*"
