"""Helpers for the REST API tests: an authenticated JSON client per user, and a conversation of
the Service team made the real way (inbound POST, then the intake worker)."""

import json

import pytest

from bereikbaar.api.models import ApiToken
from bereikbaar.conversations.models import Conversation


class Api:
    """A JSON client bound to one token; raw= sends bytes exactly as given."""

    def __init__(self, client, token: str | None):
        self.client, self.token = client, token

    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **params):
        return self.client.get("/api/v1" + path, params, headers=self.headers())

    def post(self, path: str, body=None, *, raw: bytes | None = None):
        data = raw if raw is not None else json.dumps(body)
        return self.client.post(
            "/api/v1" + path, data=data, content_type="application/json", headers=self.headers()
        )

    def call(self, method: str, path: str, body=None):
        return self.client.generic(
            method,
            "/api/v1" + path,
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers=self.headers(),
        )


@pytest.fixture
def api_as(client):
    """api_as(user) -> Api with a fresh token for that user; api_as(None) has no token."""

    def make(user):
        return Api(client, ApiToken.issue(user) if user is not None else None)

    return make


@pytest.fixture
def admin_api(api_as, alice):
    return api_as(alice)


@pytest.fixture
def conversation(post_inbound, run_intake, anna) -> Conversation:
    """A Service-team conversation (the default team), with one inbound message."""
    response = post_inbound(
        "conv-1", "Mijn factuur klopt niet", email="karin@example.nl", name="Karin Klant"
    )
    assert response.status_code == 202
    run_intake()
    return Conversation.objects.get()


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The one error shape: {"error": {"code", "message"}} and the expected status."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert set(data) == {"error"}
    assert set(data["error"]) == {"code", "message"}
    assert isinstance(data["error"]["message"], str) and data["error"]["message"]
    if code:
        assert data["error"]["code"] == code, data
    return data["error"]
