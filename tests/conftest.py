"""A tiny named cast (Healthchecks style): teams Service and Billing, agents anna and bram,
admin alice; plus helpers to post inbound messages and drain the intake queue synchronously."""

import json

import pytest
from django.contrib.auth import get_user_model

from bereikbaar.api.models import ApiToken
from bereikbaar.intake.worker import drain
from bereikbaar.routing.models import AgentProfile, Team

User = get_user_model()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Test users need no slow hashing; 0.2 s per user adds up over hundreds of tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def service(db) -> Team:
    return Team.objects.create(name="Service", slug="service", is_default=True)


@pytest.fixture
def billing(db) -> Team:
    return Team.objects.create(name="Billing", slug="billing")


def make_agent(username: str, *teams: Team, presence: str = "online", limit: int = 8):
    user = User.objects.create_user(username=username, password="geheim-wachtwoord")
    profile = AgentProfile.objects.create(user=user, presence=presence, max_concurrent=limit)
    profile.teams.set(teams)
    return user


@pytest.fixture
def anna(service):
    return make_agent("anna", service)


@pytest.fixture
def bram(billing):
    return make_agent("bram", billing)


@pytest.fixture
def alice(db):
    return User.objects.create_superuser("alice", "alice@example.nl", "geheim-wachtwoord")


@pytest.fixture
def token(alice) -> str:
    return ApiToken.issue(alice)


@pytest.fixture
def post_inbound(client, token):
    """POST /api/v1/inbound as the API channel would, returning the response."""

    def post(external_id: str, text: str = "Hallo", **sender):
        sender = sender or {"email": "klant@example.nl", "name": "Karin Klant"}
        body = {"external_id": external_id, "from": sender, "text": text}
        return client.post(
            "/api/v1/inbound",
            data=json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )

    return post


@pytest.fixture
def run_intake(db):
    """Consume the intake queue synchronously, as the in-process worker would."""
    return drain


def pytest_collection_modifyitems(items):
    """Every database test may use every database: on SQLite the intake queue lives in a file
    of its own (intake/router.py), and most tests post a message and file it."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        fixtures = set(getattr(item, "fixturenames", ()))
        if marker is None and not fixtures & {"db", "transactional_db", "live_server"}:
            continue
        args, kwargs = (marker.args, dict(marker.kwargs)) if marker else ((), {})
        kwargs.setdefault("databases", "__all__")
        item.add_marker(pytest.mark.django_db(*args, **kwargs), append=False)
