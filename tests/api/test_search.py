"""GET /api/v1/conversations?q=…: the inbox's search for integrations, within the caller's
teams, whatever is searched."""

import pytest

from bereikbaar.conversations.models import Conversation


@pytest.fixture
def filed(service, billing, anna, post_inbound, run_intake):
    post_inbound("a1", "Mijn pakket is zoek", name="Karin Klant", email="karin@example.nl")
    post_inbound("a2", "Factuur klopt niet", name="Piet Jansen", phone="+31612345678")
    post_inbound("a3", "Factuur van Billing", name="Bert Billing", email="bert@firma.nl")
    run_intake()
    Conversation.objects.filter(contact__name="Bert Billing").update(team=billing)


def subjects(api, q: str) -> list[str]:
    response = api.get("/conversations", q=q)
    assert response.status_code == 200, response.content
    return sorted(c["subject"] for c in response.json()["items"])


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("factuur", ["Factuur klopt niet"]),  # Bert's is another team's
        ("06-12345678", ["Factuur klopt niet"]),
        ("KARIN@example.nl", ["Mijn pakket is zoek"]),
        ("bert@firma.nl", []),
        ("nothing-like-it", []),
        ("a\x00b", []),
    ],
)
def test_an_agent_searches_within_their_teams(filed, api_as, anna, q, found):
    assert subjects(api_as(anna), q) == found


def test_an_admin_finds_every_team(filed, admin_api):
    assert subjects(admin_api, "factuur") == ["Factuur klopt niet", "Factuur van Billing"]
