"""GET /api/v1/help/search?q=…&lang=nl: public, {"results": [{slug, title, score, snippet}]}."""

from ninja.testing import TestClient

from bereikbaar.helpcenter.api import help_router
from bereikbaar.helpcenter.models import SearchQuery

client = TestClient(help_router)


def test_search_api_shape_best_first(make_article):
    make_article("omvormer", "Omvormer foutcode", "Een rood lampje op de omvormer.")
    make_article("meter", "Meterstand", "Meterstand doorgeven, ook bij een omvormer.")
    r = client.get("/search?q=omvormer&lang=nl")
    assert r.status_code == 200
    data = r.json()
    assert list(data) == ["results"]
    assert [x["slug"] for x in data["results"]] == ["omvormer", "meter"]
    first = data["results"][0]
    assert set(first) == {"slug", "title", "score", "snippet"}
    assert first["title"] == "Omvormer foutcode"
    assert first["score"] >= data["results"][1]["score"]
    assert "rood lampje" in first["snippet"]
    assert SearchQuery.objects.get().source == "api"


def test_search_api_empty_and_odd_input(db):
    assert client.get("/search").json() == {"results": []}
    assert client.get("/search?q=").json() == {"results": []}
    r = client.get("/search?q=" + "a" * 3000 + "&lang=xx")
    assert r.status_code == 200 and r.json() == {"results": []}


def test_search_api_is_mounted_publicly(client, make_article):
    """The public search needs no token."""
    make_article("omvormer", "Omvormer foutcode", "Rood lampje.")
    r = client.get("/api/v1/help/search", {"q": "omvormer", "lang": "nl"})
    assert r.status_code == 200
    assert r.json()["results"][0]["slug"] == "omvormer"


def test_search_route_stays_public_under_an_api_with_bearer_auth(make_article):
    """Mounted like api/v1.py would (a NinjaAPI whose default is a bearer token)."""
    from ninja import NinjaAPI
    from ninja.security import HttpBearer

    class NoTokenWorks(HttpBearer):
        def authenticate(self, request, token):
            return None

    api = NinjaAPI(auth=NoTokenWorks(), urls_namespace="helpcenter-auth-test")
    api.add_router("/help", help_router)
    make_article("omvormer", "Omvormer foutcode", "Rood lampje.")
    r = TestClient(api).get("/help/search?q=omvormer&lang=nl")
    assert r.status_code == 200
    assert r.json()["results"][0]["slug"] == "omvormer"
