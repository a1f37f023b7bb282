"""An agent of another team gets 404 for a conversation on every route — the same answer as a
conversation that does not exist — and nothing is changed."""

import pytest

from bereikbaar.conversations.models import Conversation, Message
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

ROUTES = [
    ("GET", "", None),
    ("GET", "/messages", None),
    ("POST", "/reply", {"text": "Ik zie dit niet"}),
    ("POST", "/note", {"text": "notitie"}),
    ("POST", "/assign", {"assignee_id": None}),
    ("POST", "/status", {"status": "resolved"}),
    ("POST", "/tags", {"tags": ["x"]}),
]


@pytest.mark.parametrize(("method", "suffix", "body"), ROUTES)
def test_other_team_gets_404_like_a_missing_id(api_as, conversation, bram, method, suffix, body):
    as_bram = api_as(bram)
    before = (Message.objects.count(), Conversation.objects.values().get())
    hidden = assert_error(
        as_bram.call(method, f"/conversations/{conversation.pk}{suffix}", body), 404, "not_found"
    )
    missing = assert_error(
        as_bram.call(method, f"/conversations/{conversation.pk + 1000}{suffix}", body), 404
    )
    assert hidden["message"].replace(str(conversation.pk), "N") == missing["message"].replace(
        str(conversation.pk + 1000), "N"
    )
    assert (Message.objects.count(), Conversation.objects.values().get()) == before


@pytest.mark.parametrize(("method", "suffix", "body"), ROUTES)
def test_own_team_agent_may(api_as, conversation, anna, method, suffix, body):
    response = api_as(anna).call(method, f"/conversations/{conversation.pk}{suffix}", body)
    assert response.status_code in (200, 201), response.content


def test_other_team_gets_404_for_a_message(api_as, conversation, bram, anna):
    message = Message.objects.get()
    assert_error(api_as(bram).get(f"/messages/{message.pk}"), 404, "not_found")
    assert api_as(anna).get(f"/messages/{message.pk}").status_code == 200


def test_other_team_does_not_list_it(api_as, conversation, bram, anna):
    assert api_as(bram).get("/conversations").json() == {"items": [], "count": 0}
    assert api_as(anna).get("/conversations").json()["count"] == 1


def test_other_team_sees_the_contact_without_the_conversation(api_as, conversation, bram):
    data = api_as(bram).get(f"/contacts/{conversation.contact_id}").json()
    assert data["conversations"] == []
