"""The REST routes' bad-input matrix: every error is {"error": {"code", "message"}} with the
right 4xx, the message names the field, and nothing is stored by a refused request."""

import json

import pytest
from django.conf import settings

from bereikbaar.conversations.models import Conversation, Message
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

POSTS = {
    "reply": {"text": "Hallo"},
    "note": {"text": "Notitie"},
    "assign": {"assignee_id": None},
    "status": {"status": "pending"},
    "tags": {"tags": ["a"]},
}
GETS = [
    "/conversations",
    "/conversations/{id}",
    "/conversations/{id}/messages",
    "/contacts",
    "/contacts/{contact}",
    "/messages/{message}",
    "/inbound/{inbound}",
]


@pytest.fixture
def unchanged(conversation):
    """Asserts, after the test, that no message was added and the conversation is as it was."""
    before = (Message.objects.count(), Conversation.objects.values().get())
    yield
    assert (Message.objects.count(), Conversation.objects.values().get()) == before


def post_raw(api, conversation, action, raw: bytes):
    return api.post(f"/conversations/{conversation.pk}/{action}", raw=raw)


@pytest.mark.parametrize("action", POSTS)
@pytest.mark.parametrize(
    ("raw", "code"),
    [
        pytest.param(b"{oops", "invalid_json", id="malformed"),
        pytest.param(b"\xff", "invalid_json", id="not-utf8"),
        pytest.param(b"[]", "invalid", id="array"),
        pytest.param(b"42", "invalid", id="number"),
        pytest.param(b"null", "invalid", id="null"),
    ],
)
def test_body_not_an_object_is_400(admin_api, conversation, unchanged, action, raw, code):
    error = assert_error(post_raw(admin_api, conversation, action, raw), 400, code)
    if code == "invalid":
        assert "JSON object" in error["message"], error


@pytest.mark.parametrize("action", POSTS)
def test_empty_body_is_400(admin_api, conversation, unchanged, action):
    error = assert_error(post_raw(admin_api, conversation, action, b""), 400, "invalid")
    assert "JSON object" in error["message"], error


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("reply", {}, "text"),
        ("reply", {"text": 5}, "text"),
        ("reply", {"text": None}, "text"),
        ("reply", {"text": "hoi", "channel": "fax"}, "channel"),
        ("reply", {"text": "hoi", "channel": 3}, "channel"),
        ("note", {"text": ["a"]}, "text"),
        ("note", {"tekst": "typo"}, "text"),
        ("assign", {}, "assignee_id"),
        ("assign", {"assignee_id": "5"}, "assignee_id"),
        ("assign", {"assignee_id": True}, "assignee_id"),
        ("assign", {"assignee_id": 1.5}, "assignee_id"),
        ("assign", {"assignee_id": 10**30}, "assignee_id"),
        ("status", {}, "status"),
        ("status", {"status": "weg"}, "status"),
        ("status", {"status": 1}, "status"),
        ("tags", {"tags": "a,b"}, "tags"),
        ("tags", {"tags": [1, 2]}, "tags"),
        ("tags", {"tags": ["t"] * 51}, "tags"),
        ("tags", {"tags": ["a\x00b"]}, "tags"),
        ("reply", {"text": "nul\x00byte"}, "text"),
        ("note", {"text": "\x00"}, "text"),
    ],
)
def test_missing_or_wrongly_typed_field_is_400_naming_it(
    admin_api, conversation, unchanged, action, body, field
):
    response = admin_api.post(f"/conversations/{conversation.pk}/{action}", body)
    error = assert_error(response, 400)
    assert error["message"].startswith(field), error


@pytest.mark.parametrize("action", POSTS)
def test_unknown_conversation_is_404_for_every_change(admin_api, conversation, unchanged, action):
    assert_error(admin_api.post(f"/conversations/424242/{action}", POSTS[action]), 404, "not_found")


@pytest.mark.parametrize(
    "path",
    [
        "/conversations/424242",
        "/conversations/424242/messages",
        "/contacts/424242",
        "/messages/424242",
        "/inbound/424242",
        "/conversations/99999999999999999999999999",
        "/messages/99999999999999999999999999",
        "/contacts/99999999999999999999999999",
        "/inbound/99999999999999999999999999",
        "/conversations/abc",
        "/conversations/-1",
        "/nope",
        "/conversations/1/nope",
    ],
)
def test_unknown_ids_and_paths_are_404(admin_api, path):
    assert_error(admin_api.get(path), 404, "not_found")


def _paths(conversation):
    message = Message.objects.get()
    return [
        p.format(
            id=conversation.pk,
            contact=conversation.contact_id,
            message=message.pk,
            inbound=1,
        )
        for p in GETS
    ]


@pytest.mark.parametrize("bad_token", [None, "bk_wrong", ""])
def test_every_route_needs_a_valid_token(api_as, conversation, unchanged, bad_token):
    api = api_as(None)
    api.token = bad_token
    for path in _paths(conversation):
        assert_error(api.get(path), 401, "unauthenticated")
    for action, body in POSTS.items():
        assert_error(api.post(f"/conversations/{conversation.pk}/{action}", body), 401)


def test_token_check_comes_before_the_body(api_as, conversation, unchanged):
    assert_error(api_as(None).post(f"/conversations/{conversation.pk}/reply", raw=b"{x"), 401)


@pytest.mark.parametrize("action", POSTS)
def test_oversize_body_is_413(admin_api, conversation, unchanged, action):
    raw = json.dumps({"text": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}).encode()
    assert_error(post_raw(admin_api, conversation, action, raw), 413, "too_large")


def test_text_over_the_limit_is_400(admin_api, conversation, unchanged):
    response = admin_api.post(f"/conversations/{conversation.pk}/reply", {"text": "x" * 70000})
    assert assert_error(response, 400)["message"].startswith("text")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", "/conversations/{id}"),
        ("PUT", "/conversations/{id}"),
        ("POST", "/conversations"),
        ("GET", "/conversations/{id}/reply"),
        ("PATCH", "/conversations/{id}/status"),
        ("DELETE", "/contacts"),
        ("POST", "/messages/1"),
    ],
)
def test_wrong_method_is_405(admin_api, conversation, unchanged, method, path):
    response = admin_api.call(method, path.format(id=conversation.pk), {"text": "x"})
    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"limit": "veel"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 10**20}, "offset"),
        ({"status": "weg"}, "status"),
        ({"channel": "fax"}, "channel"),
        ({"assignee": "iemand"}, "assignee"),
        ({"assignee": "²"}, "assignee"),
        ({"assignee": "-3"}, "assignee"),
    ],
)
def test_bad_query_parameters_are_400(admin_api, conversation, params, field):
    error = assert_error(admin_api.get("/conversations", **params), 400)
    assert error["message"].startswith(field), error


def test_huge_filter_ids_are_not_an_error(admin_api, conversation):
    for params in ({"assignee": "9" * 30}, {"team": "9" * 30}, {"team": "²"}):
        response = admin_api.get("/conversations", **params)
        assert response.status_code == 200, response.content
        assert response.json()["count"] == 0


def test_contacts_bad_paging_is_400(admin_api):
    assert_error(admin_api.get("/contacts", limit=-5), 400)


def test_bearer_routes_need_no_csrf_token(conversation, alice):
    from django.test import Client

    from bereikbaar.api.models import ApiToken

    strict = Client(enforce_csrf_checks=True)
    headers = {"Authorization": f"Bearer {ApiToken.issue(alice)}"}
    response = strict.post(
        f"/api/v1/conversations/{conversation.pk}/note",
        data=json.dumps({"text": "zonder csrf"}),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201, response.content
    response = strict.post("/api/v1/nope", data="{}", content_type="application/json")
    assert_error(response, 404, "not_found")


def test_nul_in_search_is_not_an_error(admin_api):
    assert admin_api.get("/contacts", q="a\x00b").status_code == 200
    assert admin_api.get("/conversations", team="a\x00b").status_code == 200


@pytest.mark.parametrize("method", ["OPTIONS", "PUT", "DELETE"])
def test_other_methods_on_lists_are_405(admin_api, method):
    assert_error(admin_api.call(method, "/conversations"), 405, "method_not_allowed")
