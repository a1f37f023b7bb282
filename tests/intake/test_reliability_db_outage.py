"""Catalogue I4: while the database cannot take the write, every webhook door answers 503 (a
provider retries it), never 200 (a lie: the message would be lost) and never 500; and once the
database is back, the provider's retry is stored exactly once.

The fault is real: a second connection holds the write lock on the database the server uses
(SQLite: BEGIN IMMEDIATE on the same file; PostgreSQL: LOCK TABLE intake_inbound), and the
server's connection is told to give up waiting after 0.1 s, as it would during a failover.
"""

import contextlib
import hashlib
import hmac
import json
import sqlite3
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from django.db import connections
from twilio.request_validator import RequestValidator

from bereikbaar.api.models import ApiToken
from bereikbaar.channels.sms.models import Account as TwilioAccount
from bereikbaar.channels.voice.models import Line
from bereikbaar.channels.whatsapp.models import Account as WhatsAppAccount
from bereikbaar.intake.models import Inbound
from bereikbaar.intake.router import queue_db

pytestmark = pytest.mark.django_db(transaction=True)

APP_SECRET = "meta-app-secret"
AUTH_TOKEN = "twilio-auth-token"
PUBLIC_URL = "https://klantcontact.example.nl"
CTI_TOKEN = "pbx-geheim"


@contextlib.contextmanager
def database_unreachable() -> Iterator[None]:
    """The database is gone altogether (restarting, failing over): connecting fails. On
    SQLite the main file and the intake queue's file both."""
    with contextlib.ExitStack() as stack:
        for alias in connections:
            stack.enter_context(_unreachable(connections[alias]))
        yield


@contextlib.contextmanager
def _unreachable(connection) -> Iterator[None]:
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent/bereikbaar-down.sqlite3"
    else:
        connection.settings_dict.update(HOST="127.0.0.1", PORT="9")  # nothing listens there
        connection.settings_dict["OPTIONS"] = {
            **saved.get("OPTIONS", {}),
            "connect_timeout": 1,
        }
        connection.settings_dict["OPTIONS"].pop("pool", None)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@contextlib.contextmanager
def database_refuses_writes() -> Iterator[None]:
    """Another connection holds the write lock of the intake queue's database; ours waits at
    most 0.1 s for it."""
    connection = connections[queue_db()]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        with connection.cursor() as cur:
            cur.execute("PRAGMA busy_timeout = 100")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
            with connection.cursor() as cur:
                cur.execute("PRAGMA busy_timeout = 20000")
        return
    # a second session on the same database, outside the pool, so closing it really ends it
    options = {k: v for k, v in connection.settings_dict["OPTIONS"].items() if k != "pool"}
    wrapper = type(connections[connection.alias])
    holder = wrapper({**connection.settings_dict, "OPTIONS": options}, alias=connection.alias)
    holder.set_autocommit(False)
    holder.cursor().execute("LOCK TABLE intake_inbound IN EXCLUSIVE MODE")
    with connection.cursor() as cur:
        cur.execute("SET lock_timeout = '100ms'")
    try:
        yield
    finally:
        holder.rollback()
        holder.close()
        with connection.cursor() as cur:
            cur.execute("SET lock_timeout = 0")


def whatsapp(client):
    WhatsAppAccount.objects.create(
        phone_number_id="106540352242922",
        app_secret=APP_SECRET,
        verify_token="verify",
        access_token="token",
        api_base="http://127.0.0.1:9",
    )
    body = json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "102290129340398",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {"phone_number_id": "106540352242922"},
                                "contacts": [{"wa_id": "31612345678", "profile": {"name": "K"}}],
                                "messages": [
                                    {
                                        "id": "wamid.OUTAGE1",
                                        "from": "31612345678",
                                        "timestamp": "1764000000",
                                        "type": "text",
                                        "text": {"body": "Hallo tijdens de storing"},
                                    }
                                ],
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()

    def post():
        return client.post(
            "/channels/whatsapp/webhook",
            data=body,
            content_type="application/json",
            headers={"X-Hub-Signature-256": signature},
        )

    return post


def sms(client):
    TwilioAccount.objects.create(
        account_sid="AC" + "1" * 32,
        auth_token=AUTH_TOKEN,
        number="+3197010203040",
        api_base="http://127.0.0.1:9",
        public_url=PUBLIC_URL,
    )
    params = {
        "MessageSid": "SM" + "a" * 32,
        "AccountSid": "AC" + "1" * 32,
        "From": "+31612345678",
        "To": "+3197010203040",
        "Body": "Hallo tijdens de storing",
        "NumMedia": "0",
    }
    path = "/channels/twilio/sms"
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + path, params)

    def post():
        return client.post(
            path,
            data=urlencode(params),
            content_type="application/x-www-form-urlencoded",
            headers={"X-Twilio-Signature": signature},
        )

    return post


def cti(client):
    Line.objects.create(name="Klantenservice", token=CTI_TOKEN, number="+31201234567")
    body = {"event": "newCall", "callId": "outage-1", "direction": "in", "from": "0612345678"}

    def post():
        return client.post(
            "/channels/cti",
            data=json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {CTI_TOKEN}"},
        )

    return post


def api(client):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("api", "api@example.nl", "x")
    token = ApiToken.issue(user)
    body = {"external_id": "outage-1", "from": {"email": "k@example.nl"}, "text": "Hallo"}

    def post():
        return client.post(
            "/api/v1/inbound",
            data=json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )

    return post


@pytest.mark.parametrize("door", [whatsapp, sms, cti, api], ids=lambda f: f.__name__)
def test_i4_a_webhook_during_a_database_lock_is_503_and_its_retry_is_stored_once(
    client, service, door
):
    post = door(client)
    with database_refuses_writes():
        refused = post()
    assert refused.status_code == 503, refused.content
    assert Inbound.objects.count() == 0
    # the provider retries after the outage: stored now, and a second retry stores nothing
    assert post().status_code in (200, 202)
    assert post().status_code in (200, 202)
    assert Inbound.objects.count() == 1


@pytest.mark.parametrize("door", [whatsapp, sms, cti, api], ids=lambda f: f.__name__)
def test_i4_a_webhook_while_the_database_is_down_is_503_not_500(client, service, door):
    post = door(client)
    with database_unreachable():
        refused = post()
    assert refused.status_code == 503, refused.content
    assert post().status_code in (200, 202)
    assert Inbound.objects.count() == 1


def test_i4_the_inbound_fast_path_while_the_database_is_down_is_503(service):
    """The ASGI door for POST /api/v1/inbound (api/fastpath.py) answers as the ninja route."""
    from django.contrib.auth import get_user_model

    from tests.api.test_fastpath import asgi_post

    user = get_user_model().objects.create_superuser("api", "api@example.nl", "x")
    authorization = f"Bearer {ApiToken.issue(user)}"
    body = json.dumps({"external_id": "fp-1", "from": {"email": "k@example.nl"}, "text": "Hoi"})
    with database_unreachable():
        status, data, _ = asgi_post(body.encode(), authorization)
    assert (status, data["error"]["code"]) == (503, "unavailable")
    assert asgi_post(body.encode(), authorization)[0] == 202
    assert Inbound.objects.count() == 1
