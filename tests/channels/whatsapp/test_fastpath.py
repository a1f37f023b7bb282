"""Meta's webhook through the ASGI door answers exactly like the Django view — same status,
same body — and stores the same: signed and new, a retry, a forged signature, bad JSON, too
large (announced or chunked), and the database gone (503 with Retry-After, nothing stored).

The door reaches the database from a worker thread, so these tests use transaction=True.
"""

import pytest

from bereikbaar.channels.whatsapp import fastpath
from bereikbaar.channels.whatsapp.signature import sign
from bereikbaar.channels.whatsapp.views import MAX_BODY
from bereikbaar.conversations.models import Message
from bereikbaar.intake.models import Inbound
from tests.asgi_door import drive

from .conftest import APP_SECRET, text_payload

pytestmark = pytest.mark.django_db(transaction=True)


def door(body: bytes, signature: str | None = None, chunk: int = 0, **headers):
    signature = sign(APP_SECRET, body) if signature is None else signature
    return drive(
        fastpath, fastpath.PATH, body, {"X-Hub-Signature-256": signature, **headers}, chunk
    )


def view(client, body: bytes, signature: str | None = None) -> tuple[int, dict]:
    signature = sign(APP_SECRET, body) if signature is None else signature
    response = client.post(
        fastpath.PATH,
        data=body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signature},
    )
    return response.status_code, response.json()


def test_a_signed_webhook_is_stored_once_and_filed(client, account, run_intake, service):
    body = text_payload("wamid.door1", "Hallo via de snelle deur", at=1_700_000_000)
    status, data, headers = door(body)
    assert (status, data) == (200, {"status": "accepted"})
    assert headers[b"content-type"] == b"application/json"
    assert door(body)[:2] == (200, data)  # Meta's retry: same answer
    assert view(client, body) == (200, data)  # and through the view
    assert Inbound.objects.count() == 1
    run_intake()
    assert Message.objects.get().text == "Hallo via de snelle deur"


@pytest.mark.parametrize(
    "body, signature",
    [
        (b'{"object": "whatsapp_business_account"}', "sha256=" + "0" * 64),
        (b'{"object": "whatsapp_business_account"}', ""),
        (b"{kapot", None),
        (b"[]", None),
        (b"[" * 100_000, None),
    ],
    ids=["forged", "unsigned", "not-json", "not-an-object", "too-deep"],
)
def test_refusals_answer_like_the_view_and_store_nothing(client, account, body, signature):
    status, data, _ = door(body, signature)
    assert status in (400, 401)
    assert view(client, body, signature) == (status, data)
    assert Inbound.objects.count() == 0


@pytest.mark.parametrize("chunk", [0, 1024 * 1024])
def test_a_body_over_the_limit_is_413_and_never_stored(client, account, chunk):
    body = b'{"pad": "' + b"x" * MAX_BODY + b'"}'
    status, data, _ = door(body, chunk=chunk)
    assert (status, data["error"]) == (413, "too_large")
    assert view(client, body) == (status, data)
    assert Inbound.objects.count() == 0


def test_an_announced_oversize_body_is_refused_before_it_is_read(account):
    status, data, _ = door(b"{}", **{"Content-Length": str(MAX_BODY + 1)})
    assert (status, data["error"]) == (413, "too_large")


def test_the_database_gone_is_a_503_with_retry_after(account, monkeypatch):
    from django.db import OperationalError

    from bereikbaar.channels.whatsapp import views

    def down():
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(views, "webhook_secrets", down)
    body = text_payload("wamid.down", "Hallo", at=1_700_000_000)
    status, data, headers = door(body)
    assert (status, data["error"]) == (503, "unavailable")
    assert headers[b"retry-after"] == b"30"
    assert Inbound.objects.count() == 0


def test_only_a_post_to_the_webhook_takes_the_door():
    base = {"type": "http", "method": "POST", "path": fastpath.PATH}
    assert fastpath.matches(base)
    assert not fastpath.matches({**base, "method": "GET"})  # the handshake stays with the view
    assert not fastpath.matches({**base, "path": fastpath.PATH + "/"})
    assert not fastpath.matches({**base, "type": "websocket"})
