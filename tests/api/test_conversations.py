"""Happy paths of the conversation routes: list with filters, detail, messages, and the changes
an agent makes (reply, note, assign, status, tags) going through delivery and casework."""

import pytest

from bereikbaar.conversations.models import Conversation, Message
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db


def test_list_shows_the_conversation_paginated(admin_api, conversation):
    data = admin_api.get("/conversations").json()
    assert data["count"] == 1
    [item] = data["items"]
    assert item["id"] == conversation.pk
    assert item["team"] == "service"
    assert item["status"] == "open"
    assert item["last_inbound_channel"] == "api"


def test_list_pages_with_limit_and_offset(admin_api, post_inbound, run_intake, anna):
    for n in range(3):
        post_inbound(f"p-{n}", "Hallo", email=f"k{n}@example.nl")
    run_intake()
    first = admin_api.get("/conversations", limit=2).json()
    rest = admin_api.get("/conversations", limit=2, offset=2).json()
    assert first["count"] == rest["count"] == 3
    assert len(first["items"]) == 2 and len(rest["items"]) == 1
    ids = {c["id"] for c in first["items"] + rest["items"]}
    assert ids == set(Conversation.objects.values_list("id", flat=True))


def test_list_filters(admin_api, conversation, anna, alice, service, billing):
    def ids(**params):
        response = admin_api.get("/conversations", **params)
        assert response.status_code == 200, response.content
        return [c["id"] for c in response.json()["items"]]

    mine = [conversation.pk]
    assert ids(status="open") == mine
    assert ids(status="resolved") == []
    assert ids(team="service") == mine
    assert ids(team=str(service.pk)) == mine
    assert ids(team="billing") == []
    assert ids(channel="api") == mine
    assert ids(channel="email") == []
    assert ids(assignee=str(anna.pk)) == mine  # routed to the online Service agent
    assert ids(assignee="none") == []
    assert ids(assignee="me") == []  # alice is not the assignee
    Conversation.objects.update(assignee=None)
    assert ids(assignee="none") == mine


def test_list_filter_assignee_me(api_as, conversation, anna):
    data = api_as(anna).get("/conversations", assignee="me").json()
    assert [c["id"] for c in data["items"]] == [conversation.pk]


def test_detail_has_contact_and_identities(admin_api, conversation):
    data = admin_api.get(f"/conversations/{conversation.pk}").json()
    assert data["id"] == conversation.pk
    assert data["contact"]["name"] == "Karin Klant"
    assert data["contact"]["identities"] == [
        {"kind": "email", "value": "karin@example.nl", "verified": False}
    ]


def test_messages_and_single_message(admin_api, conversation):
    data = admin_api.get(f"/conversations/{conversation.pk}/messages").json()
    assert data["count"] == 1
    [message] = data["items"]
    assert message["direction"] == "inbound"
    assert message["text"] == "Mijn factuur klopt niet"
    assert message["attachments"] == []
    one = admin_api.get(f"/messages/{message['id']}").json()
    assert one == message


def test_reply_is_stored_queued_and_returned_201(api_as, conversation, anna):
    response = api_as(anna).post(f"/conversations/{conversation.pk}/reply", {"text": " Klopt! "})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["direction"] == "outbound"
    assert data["channel"] == "api"
    assert data["text"] == "Klopt!"
    assert data["delivery_status"] == "queued"
    assert data["author_id"] == anna.pk
    message = Message.objects.get(pk=data["id"])
    assert message.conversation_id == conversation.pk
    conversation.refresh_from_db()
    assert conversation.first_response_at is not None


def test_reply_with_explicit_channel(admin_api, conversation):
    response = admin_api.post(
        f"/conversations/{conversation.pk}/reply", {"text": "Via API", "channel": "api"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["channel"] == "api"


def test_reply_refused_is_400_and_stores_nothing(admin_api, conversation):
    before = Message.objects.count()
    error = assert_error(
        admin_api.post(f"/conversations/{conversation.pk}/reply", {"text": "   "}), 400, "refused"
    )
    assert "empty" in error["message"]
    assert Message.objects.count() == before


def test_note(admin_api, conversation, alice):
    response = admin_api.post(f"/conversations/{conversation.pk}/note", {"text": "Bel morgen"})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["direction"] == "note"
    assert data["author_id"] == alice.pk
    assert Message.objects.filter(direction="note").count() == 1


def test_assign_and_unassign(admin_api, conversation, anna):
    path = f"/conversations/{conversation.pk}/assign"
    response = admin_api.post(path, {"assignee_id": None})
    assert response.status_code == 200, response.content
    assert response.json()["assignee_id"] is None
    response = admin_api.post(path, {"assignee_id": anna.pk})
    assert response.status_code == 200
    assert response.json()["assignee_id"] == anna.pk
    assert response.json()["assignee"] == "anna"
    conversation.refresh_from_db()
    assert conversation.assignee_id == anna.pk


def test_assign_unknown_user_is_400(admin_api, conversation):
    error = assert_error(
        admin_api.post(f"/conversations/{conversation.pk}/assign", {"assignee_id": 999999}), 400
    )
    assert "assignee_id" in error["message"]


def test_assign_outside_the_team_is_refused(admin_api, conversation, anna, bram):
    error = assert_error(
        admin_api.post(f"/conversations/{conversation.pk}/assign", {"assignee_id": bram.pk}),
        400,
        "refused",
    )
    assert "bram" in error["message"]
    conversation.refresh_from_db()
    assert conversation.assignee_id == anna.pk


def test_status(admin_api, conversation):
    response = admin_api.post(f"/conversations/{conversation.pk}/status", {"status": "resolved"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "resolved"
    assert response.json()["resolved_at"] is not None
    error = assert_error(
        admin_api.post(f"/conversations/{conversation.pk}/status", {"status": "kapot"}), 400
    )
    assert error["message"].startswith("status")
    conversation.refresh_from_db()
    assert conversation.status == "resolved"


def test_tags(admin_api, conversation):
    response = admin_api.post(
        f"/conversations/{conversation.pk}/tags", {"tags": ["Factuur", " urgent ", "factuur"]}
    )
    assert response.status_code == 200, response.content
    assert response.json()["tags"] == ["factuur", "urgent"]
    conversation.refresh_from_db()
    assert conversation.tags == ["factuur", "urgent"]


def test_schema_choices_match_the_models():
    from bereikbaar.api.schemas import ChannelName, StatusName
    from bereikbaar.conversations.models import CHANNELS

    assert set(StatusName.__args__) == set(Conversation.Status.values)
    assert set(ChannelName.__args__) == {key for key, _ in CHANNELS}
