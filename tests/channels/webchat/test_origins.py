"""G6: with BEREIKBAAR_WEBCHAT_ORIGINS set, only those sites (and our own pages) may run the
widget; a copied embed code or a lifted visitor token fails elsewhere. Unset: any site.
The admin's list and the finer cases: test_reliability_origin_list.py."""

import pytest
from channels.testing import WebsocketCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile

from bereikbaar.asgi import application
from bereikbaar.channels.webchat.tokens import make_token
from tests.channels.webchat.conftest import run

SHOP = "https://www.zonnestroom.example"
ELSEWHERE = "https://kopie-van-de-widget.example"


async def handshake(origin: str, host: str = "chat.zonnestroom.example") -> bool:
    headers = [(b"origin", origin.encode()), (b"host", host.encode())]
    ws = WebsocketCommunicator(application, "/ws/chat/", headers=headers)
    connected, code = await ws.connect()
    await ws.disconnect()
    return connected


def upload(client, origin: str):
    return client.post(
        "/chat/upload",
        {"file": SimpleUploadedFile("meter.png", b"\x89PNG\r\n\x1a\nxx"), "client_id": "o-1"},
        headers={"X-Visitor-Token": make_token("v-origins"), "Origin": origin},
    )


@pytest.mark.django_db(transaction=True)
def test_any_site_may_embed_the_widget_when_no_list_is_set(settings):
    settings.BEREIKBAAR_WEBCHAT_ORIGINS = ""
    results = []

    async def body():
        results.append(await handshake(ELSEWHERE))

    run(body)
    assert results == [True]


@pytest.mark.django_db(transaction=True)
def test_only_listed_sites_and_our_own_pages_may_open_the_socket(settings):
    settings.BEREIKBAAR_WEBCHAT_ORIGINS = f"{SHOP}/, https://other.example"
    results = {}

    async def body():
        results["shop"] = await handshake(SHOP)
        results["elsewhere"] = await handshake(ELSEWHERE)
        results["own /chat/ page"] = await handshake("https://chat.zonnestroom.example")
        results["no browser"] = await handshake("")

    run(body)
    assert results == {
        "shop": True,
        "elsewhere": False,
        "own /chat/ page": True,
        "no browser": False,
    }


def test_an_upload_from_an_unlisted_site_is_refused_with_a_message(client, settings, service):
    settings.BEREIKBAAR_WEBCHAT_ORIGINS = SHOP
    refused = upload(client, ELSEWHERE)
    assert refused.status_code == 403
    assert refused.json()["error"] == "forbidden_origin"
    assert "andere website" in refused.json()["message"]
    assert upload(client, SHOP).status_code != 403
