"""Reliability catalogue E2 for MMS media (docs/reliability-map.md): Twilio redirects a media
URL to its CDN; redirects are followed only to Twilio's hosts or the configured API base, a
few hops at most, never into our own network, and the account's credentials never leave the
origin Twilio gave us. A refused redirect leaves the message filed and the media noted as not
fetched, and is logged."""

import base64
import socket

import pytest

from bereikbaar.channels.sms import media
from bereikbaar.channels.sms.media import fetch_media
from bereikbaar.channels.sms.models import MediaDownload
from bereikbaar.conversations.models import Message
from tests.conversations.body_server import BodyServer

from .conftest import ACCOUNT_SID, AUTH_TOKEN, JPEG, form

CREDENTIALS = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
MEDIA = "/2010-04-01/Accounts/AC/Messages/MM/Media/ME1"
CDN = "mms.twiliocdn.com"


def found(location: str):
    return (302, {"Location": location, "Content-Length": "0"}, [])


def jpeg():
    return (200, {"Content-Type": "image/jpeg", "Content-Length": str(len(JPEG))}, [JPEG])


@pytest.fixture
def servers():
    started = [BodyServer(), BodyServer()]
    yield started
    for server in started:
        server.close()


@pytest.fixture
def twilio_media(servers):
    return servers[0]


@pytest.fixture
def elsewhere(servers):
    """Another host, recording whatever reaches it (the Authorization header above all)."""
    server = servers[1]
    server.routes["/steal"] = jpeg()
    return server


@pytest.fixture
def mms(post_sms, run_intake, twilio, service, twilio_media, account):
    """An MMS filed, its media URL on the configured API base's host (127.0.0.1)."""
    assert post_sms(form("inbound_mms")).status_code == 200
    run_intake()
    download = MediaDownload.objects.get()
    MediaDownload.objects.filter(pk=download.pk).update(url=twilio_media.base + MEDIA)
    return download


@pytest.fixture
def cdn_dns(monkeypatch, elsewhere):
    """mms.twiliocdn.com connects to the `elsewhere` server on 127.0.0.1 (a local CDN)."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        return real("127.0.0.1" if host == CDN else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def failed_with(download: MediaDownload, words: str) -> None:
    download.refresh_from_db()
    assert download.status == "failed"
    assert words in download.error
    assert not download.attachment_id
    message = Message.objects.get()  # the message itself is filed, noted as having media
    assert message.text == "[mms: 1 bijlage(n)]"
    assert not message.attachments.exists()


def test_e2_a_redirect_to_twilios_cdn_is_followed_without_the_credentials(
    mms, twilio_media, elsewhere, cdn_dns, monkeypatch
):
    monkeypatch.setattr(media, "addresses", lambda host, port: ["34.203.250.10"])
    twilio_media.routes[MEDIA] = found(f"http://{CDN}:{elsewhere.port}/steal")
    assert fetch_media.call(mms.pk) == "done"
    assert Message.objects.get().attachments.get().file.read() == JPEG
    assert twilio_media.seen == [(MEDIA, CREDENTIALS)]
    assert elsewhere.seen == [("/steal", None)]


def test_e2_a_redirect_on_the_configured_base_keeps_the_credentials(mms, twilio_media):
    twilio_media.routes[MEDIA] = found("/cdn/ME1")
    twilio_media.routes["/cdn/ME1"] = jpeg()
    assert fetch_media.call(mms.pk) == "done"
    assert twilio_media.seen == [(MEDIA, CREDENTIALS), ("/cdn/ME1", CREDENTIALS)]


def test_e2_a_redirect_to_another_host_is_refused_and_gets_no_credentials(
    mms, twilio_media, elsewhere, caplog
):
    # "localhost" is another host name than the configured base's 127.0.0.1
    twilio_media.routes[MEDIA] = found(f"http://localhost:{elsewhere.port}/steal")
    with caplog.at_level("WARNING", logger="bereikbaar.channels.sms.media"):
        assert fetch_media.call(mms.pk) == "failed"
    failed_with(mms, "refusing a redirect to 'localhost'")
    assert elsewhere.seen == []
    assert any("refusing a redirect" in r.getMessage() for r in caplog.records)


def test_e2_a_twilio_name_resolving_into_our_network_is_refused(
    mms, twilio_media, elsewhere, cdn_dns
):
    twilio_media.routes[MEDIA] = found(f"http://{CDN}:{elsewhere.port}/steal")
    assert fetch_media.call(mms.pk) == "failed"
    failed_with(mms, "private address")
    assert elsewhere.seen == []


@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "http://mms.twiliocdn.com.example.org/x",
        "http://[::1]/x",
    ],
)
def test_e2_redirects_off_twilio_are_refused(mms, twilio_media, location):
    twilio_media.routes[MEDIA] = found(location)
    assert fetch_media.call(mms.pk) == "failed"
    failed_with(mms, "refusing a redirect")
    assert len(twilio_media.seen) == 1


def test_e2_a_redirect_loop_stops(mms, twilio_media):
    twilio_media.routes[MEDIA] = found(MEDIA)
    assert fetch_media.call(mms.pk) == "failed"
    failed_with(mms, f"stopped after {media.MAX_HOPS} redirects")
    assert len(twilio_media.seen) == media.MAX_HOPS + 1
