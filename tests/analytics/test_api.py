import pytest

from bereikbaar.analytics import figures
from bereikbaar.api.models import ApiToken

pytestmark = pytest.mark.urls("tests.analytics.api_urls")


def get(client, token, path):
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


def test_it_answers_every_figure_as_json(client, generated, token):
    response = get(client, token, "/test-api/v1/analytics?days=60")
    assert response.status_code == 200
    body = response.json()
    assert [fig["key"] for fig in body["figures"]] == list(figures.FIGURES)
    mix = next(fig for fig in body["figures"] if fig["key"] == "channel_mix")
    assert mix["summary"]["conversations"] == 600


def test_it_answers_one_figure_with_filters(client, generated, token, service):
    response = get(client, token, f"/test-api/v1/analytics/repeat?days=60&team={service.pk}")
    assert response.status_code == 200
    assert response.json()["summary"]["conversations"] == 300


def test_it_answers_404_for_an_unknown_figure(client, token):
    response = get(client, token, "/test-api/v1/analytics/nope")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_it_needs_a_token(client):
    assert client.get("/test-api/v1/analytics").status_code == 401


def test_it_shows_an_agent_only_their_teams(client, generated, bram):
    token = ApiToken.issue(bram)
    body = get(client, token, "/test-api/v1/analytics/channel_mix?days=60").json()
    assert body["summary"]["conversations"] == 300  # Billing's half


def test_it_is_in_the_openapi_document(client):
    schema = client.get("/test-api/v1/openapi.json").json()
    assert "/test-api/v1/analytics/{key}" in schema["paths"]
