"""The OpenAPI document and the docs page keep working and describe every route, including the
error answers."""

import pytest

pytestmark = pytest.mark.django_db

ROUTES = {
    ("post", "/api/v1/inbound"),
    ("get", "/api/v1/inbound/{inbound_id}"),
    ("get", "/api/v1/contacts"),
    ("get", "/api/v1/contacts/{contact_id}"),
    ("get", "/api/v1/conversations"),
    ("get", "/api/v1/conversations/{conversation_id}"),
    ("get", "/api/v1/conversations/{conversation_id}/messages"),
    ("post", "/api/v1/conversations/{conversation_id}/reply"),
    ("post", "/api/v1/conversations/{conversation_id}/note"),
    ("post", "/api/v1/conversations/{conversation_id}/assign"),
    ("post", "/api/v1/conversations/{conversation_id}/status"),
    ("post", "/api/v1/conversations/{conversation_id}/tags"),
    ("get", "/api/v1/messages/{message_id}"),
    ("get", "/api/v1/help/search"),
}


def test_openapi_json_documents_every_route(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    documented = {(m, p) for p, ops in schema["paths"].items() for m in ops}
    assert ROUTES <= documented
    assert "Error" in schema["components"]["schemas"]
    for method, path in ROUTES:
        operation = schema["paths"][path][method]
        assert operation.get("description") or operation.get("summary"), path
        if "{" in path:
            assert "404" in operation["responses"], path
        if method == "post":
            assert {"400", "401", "413"} <= set(operation["responses"]), path
    reply = schema["paths"]["/api/v1/conversations/{conversation_id}/reply"]["post"]
    assert "201" in reply["responses"]
    assert schema["components"]["securitySchemes"]["BearerAuth"]["scheme"] == "bearer"


def test_docs_page(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content
    # Swagger UI from our own static files: nothing is fetched from a CDN at run time
    assert b"/static/ninja/swagger-ui-bundle.js" in response.content
    assert b"https://" not in response.content


def test_every_response_carries_the_content_security_policy(client, settings):
    policy = client.get("/api/v1/docs")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-eval" not in policy and "'unsafe-inline'" not in policy.split("style-src")[0]


def test_help_search_is_public_and_mounted(client):
    response = client.get("/api/v1/help/search", {"q": "factuur", "lang": "nl"})
    assert response.status_code == 200, response.content
    assert isinstance(response.json()["results"], list)
