"""The ASGI fast path for POST /api/v1/inbound must answer exactly like the ninja route — same
status, same body — for good, duplicate, invalid, oversize and unauthenticated requests.

The fast path reaches the database from a worker thread (fastdoor.py), so these tests use
transaction=True: the rows the test makes must be committed for that thread to see them.
"""

import json

import pytest
from django.conf import settings

from bereikbaar.api import fastpath
from bereikbaar.intake.models import Inbound
from tests.asgi_door import drive

pytestmark = pytest.mark.django_db(transaction=True)


def asgi_post(body: bytes, authorization: str = "", chunk: int = 0) -> tuple[int, dict, dict]:
    headers = {"Authorization": authorization} if authorization else {}
    return drive(fastpath, fastpath.PATH, body, headers, chunk)


def ninja_post(client, body: bytes, authorization: str = "") -> tuple[int, dict]:
    headers = {"Authorization": authorization} if authorization else {}
    response = client.post(
        "/api/v1/inbound", data=body, content_type="application/json", headers=headers
    )
    return response.status_code, response.json()


def good(external_id: str) -> bytes:
    return json.dumps(
        {"external_id": external_id, "from": {"phone": "06-12345678"}, "text": "Hallo"}
    ).encode()


def test_good_then_duplicate_same_answers(client, token):
    auth = f"Bearer {token}"
    status, fast, headers = asgi_post(good("fp-1"), auth)
    assert (status, fast) == (202, {"id": fast["id"], "duplicate": False, "status": "accepted"})
    assert headers[b"content-type"] == b"application/json"
    # The same external_id through the ninja route: the duplicate answer, same id.
    assert ninja_post(client, good("fp-1"), auth) == (202, {**fast, "duplicate": True})
    assert asgi_post(good("fp-1"), auth)[:2] == (202, {**fast, "duplicate": True})
    # A new message through each door: same shape, consecutive ids.
    status, slow = ninja_post(client, good("fp-2"), auth)
    assert (status, slow) == (202, {"id": slow["id"], "duplicate": False, "status": "accepted"})
    assert Inbound.objects.count() == 2


def test_chunked_body_is_read_whole(token):
    status, data, _ = asgi_post(good("fp-chunks"), f"Bearer {token}", chunk=7)
    assert status == 202 and data["duplicate"] is False
    assert Inbound.objects.get().dedupe_key == "fp-chunks"


@pytest.mark.parametrize(
    "body",
    [
        b"{kapot",
        b"[]",
        b"",
        json.dumps({"from": {"email": "a@b.nl"}, "text": "x"}).encode(),
        json.dumps({"external_id": "e", "from": {"email": "a@b.nl"}, "text": 5}).encode(),
        json.dumps({"external_id": "e", "from": {"name": "n"}, "text": "x"}).encode(),
        json.dumps({"external_id": "e", "from": {"email": "nee"}, "text": "x"}).encode(),
    ],
)
def test_invalid_same_answer(client, token, body):
    auth = f"Bearer {token}"
    status, fast, _ = asgi_post(body, auth)
    assert status == 400 and fast["error"]["code"] == "invalid"
    assert ninja_post(client, body, auth) == (status, fast)
    assert Inbound.objects.count() == 0


@pytest.mark.parametrize("authorization", ["", "Bearer bk_wrong", "Token abc"])
def test_unauthenticated_same_answer(client, token, authorization):
    status, fast, _ = asgi_post(good("fp-401"), authorization)
    assert status == 401 and fast["error"]["code"] == "unauthenticated"
    assert ninja_post(client, good("fp-401"), authorization) == (status, fast)
    assert Inbound.objects.count() == 0


@pytest.mark.parametrize("chunk", [0, 64 * 1024])
def test_oversize_same_answer(client, token, chunk):
    auth = f"Bearer {token}"
    body = json.dumps(
        {"external_id": "big", "from": {"email": "a@b.nl"}, "text": "x" * (2**20 + 1)}
    ).encode()
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    status, fast, _ = asgi_post(body, auth, chunk=chunk)
    assert (status, fast["error"]["code"]) == (413, "too_large")
    assert ninja_post(client, body, auth) == (status, fast)
    assert Inbound.objects.count() == 0


def test_only_post_inbound_takes_the_fast_path():
    base = {"type": "http", "method": "POST", "path": fastpath.PATH}
    assert fastpath.matches(base)
    assert not fastpath.matches({**base, "method": "GET"})
    assert not fastpath.matches({**base, "path": fastpath.PATH + "/1"})
    assert not fastpath.matches({**base, "type": "websocket"})


def test_the_door_gives_its_connection_back(token):
    """Each call runs on a pool thread that may end (here: each asyncio.run's own pool). On
    PostgreSQL a connection kept by such a thread is lost to the pool (20 at most), and the
    21st webhook would wait 30 s and get a 503; on SQLite this costs nothing."""
    auth = f"Bearer {token}"
    for n in range(25):
        assert asgi_post(good(f"fp-pool-{n}"), auth)[0] == 202
    assert Inbound.objects.count() == 25
