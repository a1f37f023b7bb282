"""G6: the widget's list of sites, kept in the admin ("Chatwidget"). Origins are compared on
scheme, host and port, never as text prefixes; "https://*.domein.nl" is the one wildcard form.
With a list, a handshake without an Origin is refused; an empty list lets any site in."""

import pytest
from channels.testing import WebsocketCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile

from bereikbaar.asgi import application
from bereikbaar.channels.webchat.models import WidgetSettings
from bereikbaar.channels.webchat.tokens import make_token, new_visitor
from bereikbaar.intake.models import Inbound
from tests.channels.webchat.conftest import run

SHOP = "https://www.zonnestroom.example"
OUR_HOST = "klantcontact.zonnestroom.example"


async def handshake(origin: str | None) -> bool:
    headers = [(b"host", OUR_HOST.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    ws = WebsocketCommunicator(application, "/ws/chat/", headers=headers)
    connected, _ = await ws.connect()
    if connected:
        await ws.disconnect()
    return connected


def handshakes(*origins: str | None) -> dict:
    results = {}

    async def body():
        for origin in origins:
            results[origin] = await handshake(origin)

    run(body)
    return results


def listed(*sites: str) -> None:
    WidgetSettings.objects.create(allowed_origins="\n".join(sites))


@pytest.fixture(autouse=True)
def _no_environment_list(settings):
    settings.BEREIKBAAR_WEBCHAT_ORIGINS = ""


@pytest.mark.django_db(transaction=True)
def test_g6_an_empty_list_lets_any_site_in():
    WidgetSettings.objects.create(allowed_origins="  \n")
    assert handshakes("https://kopie.example", None) == {"https://kopie.example": True, None: True}


@pytest.mark.django_db(transaction=True)
def test_g6_a_listed_site_is_let_in_and_others_are_refused_before_anything_is_stored():
    listed(SHOP + "/", "https://mijn.zonnestroom.example:8443")
    assert handshakes(
        SHOP,
        "HTTPS://WWW.ZONNESTROOM.EXAMPLE",  # scheme and host are case-insensitive
        SHOP + ":443",  # the default port, written out
        "https://mijn.zonnestroom.example:8443",
        "https://kopie-van-de-widget.example",
        "http://www.zonnestroom.example",  # another scheme
        "https://www.zonnestroom.example:8443",  # another port
        "https://mijn.zonnestroom.example",  # the listed host, but not its port
        f"https://{OUR_HOST}",  # our own /chat/ page
    ) == {
        SHOP: True,
        "HTTPS://WWW.ZONNESTROOM.EXAMPLE": True,
        SHOP + ":443": True,
        "https://mijn.zonnestroom.example:8443": True,
        "https://kopie-van-de-widget.example": False,
        "http://www.zonnestroom.example": False,
        "https://www.zonnestroom.example:8443": False,
        "https://mijn.zonnestroom.example": False,
        f"https://{OUR_HOST}": True,
    }
    assert not Inbound.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_g6_lookalikes_of_a_listed_site_are_refused():
    listed(SHOP)
    lookalikes = (
        SHOP + ".evil.example",
        "https://evil.example/www.zonnestroom.example",
        "https://www.zonnestroom.example@evil.example",
        "https://evilwww.zonnestroom.example",
        "https://sub.www.zonnestroom.example",  # a subdomain is not the site itself
    )
    assert handshakes(*lookalikes) == dict.fromkeys(lookalikes, False)


@pytest.mark.django_db(transaction=True)
def test_g6_with_a_list_a_handshake_without_a_browser_origin_is_refused():
    listed(SHOP)
    assert handshakes(None, "", "null", "file://") == {
        None: False,
        "": False,
        "null": False,
        "file://": False,
    }


@pytest.mark.django_db(transaction=True)
def test_g6_a_wildcard_lets_in_subdomains_only_of_that_domain_scheme_and_port():
    listed("https://*.zonnestroom.example")
    assert handshakes(
        "https://shop.zonnestroom.example",
        "https://a.b.zonnestroom.example",
        "https://zonnestroom.example",  # the domain itself is not a subdomain
        "https://evilzonnestroom.example",
        "https://shop.zonnestroom.example.evil.example",
        "http://shop.zonnestroom.example",
        "https://shop.zonnestroom.example:8443",
        "https://*.zonnestroom.example",  # a forged header naming the wildcard itself
    ) == {
        "https://shop.zonnestroom.example": True,
        "https://a.b.zonnestroom.example": True,
        "https://zonnestroom.example": False,
        "https://evilzonnestroom.example": False,
        "https://shop.zonnestroom.example.evil.example": False,
        "http://shop.zonnestroom.example": False,
        "https://shop.zonnestroom.example:8443": False,
        "https://*.zonnestroom.example": False,
    }


@pytest.mark.django_db(transaction=True)
def test_g6_the_environment_list_and_the_admins_list_count_together(settings):
    settings.BEREIKBAAR_WEBCHAT_ORIGINS = "https://env.example"
    listed(SHOP)
    assert handshakes("https://env.example", SHOP, "https://kopie.example") == {
        "https://env.example": True,
        SHOP: True,
        "https://kopie.example": False,
    }


def upload(client, origin: str | None):
    headers = {"X-Visitor-Token": make_token(new_visitor())}
    if origin is not None:
        headers["Origin"] = origin
    return client.post(
        "/chat/upload",
        {"file": SimpleUploadedFile("meter.png", b"\x89PNG\r\n\x1a\nxx"), "client_id": "o-1"},
        headers=headers,
    )


@pytest.mark.django_db
def test_g6_an_upload_from_an_unlisted_or_missing_origin_is_a_403_and_stores_nothing(
    client, service
):
    listed(SHOP)
    for origin in ("https://kopie.example", SHOP + ".evil.example", None):
        refused = upload(client, origin)
        assert refused.status_code == 403, origin
        assert refused.json()["error"] == "forbidden_origin"
    assert not Inbound.objects.exists()
    assert upload(client, SHOP).status_code == 202
    assert Inbound.objects.count() == 1


@pytest.mark.django_db
def test_g6_the_admin_refuses_what_is_not_a_site_and_keeps_one_settings_row(admin_client):
    url = "/admin/channel_webchat/widgetsettings/add/"
    bad = "https://www.zonnestroom.example/winkel\nhttps://*.nl\nzonnestroom.example"
    answer = admin_client.post(url, {"allowed_origins": bad})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Geen website" in page
    assert "https://*.nl" in page and "zonnestroom.example/winkel" in page
    assert not WidgetSettings.objects.exists()

    good = f"{SHOP}\nhttps://*.zonnestroom.example\n"
    assert admin_client.post(url, {"allowed_origins": good}).status_code == 302
    assert WidgetSettings.listed() == [SHOP, "https://*.zonnestroom.example"]
    assert admin_client.get(url).status_code == 403  # one row: change it, do not add another
