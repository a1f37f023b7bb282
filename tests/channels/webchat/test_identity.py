"""Pre-chat identity: a host-site signed identity merges with the known contact; a typed
e-mail address never does (it may only become a suggestion for the agent)."""

import time

import pytest

from bereikbaar.channels.webchat.tokens import sign_identity, verified_identity
from bereikbaar.contacts.models import Contact, Identity
from bereikbaar.contacts.suggest import from_text
from bereikbaar.conversations.models import Message

from .conftest import intake, open_chat, run, send_message

pytestmark = pytest.mark.django_db(transaction=True)
SECRET = "host-site-geheim"


def signed(email="karin@example.nl", phone="", name="Karin de Vries", ts=None, secret=SECRET):
    ts = int(ts or time.time())
    return {
        "email": email,
        "phone": phone,
        "name": name,
        "ts": ts,
        "sig": sign_identity(email, phone, name, ts, secret),
    }


@pytest.fixture
def karin(db):
    contact = Contact.objects.create(name="Karin de Vries")
    Identity.objects.create(contact=contact, kind="email", value="karin@example.nl")
    return contact


@pytest.fixture
def secret(settings):
    settings.BEREIKBAAR_WEBCHAT_IDENTITY_SECRET = SECRET


def test_signature_rules(secret):
    assert verified_identity(signed()).email == "karin@example.nl"
    assert verified_identity(signed(secret="wrong")) is None
    assert verified_identity(signed(ts=time.time() - 3 * 86400)) is None
    tampered = signed()
    tampered["email"] = "someone@else.nl"
    assert verified_identity(tampered) is None
    assert verified_identity("karin@example.nl") is None


def test_no_secret_configured_means_nothing_is_verified(settings):
    settings.BEREIKBAAR_WEBCHAT_IDENTITY_SECRET = ""
    assert verified_identity(signed()) is None


def test_a_signed_identity_merges_into_the_known_contact(service, karin, secret):
    async def body():
        # first as an anonymous visitor, then logged in on the host site
        ws, welcome = await open_chat()
        await send_message(ws, "a1", "Eerst anoniem")
        await ws.disconnect()
        await intake()
        ws, again = await open_chat(token=welcome["token"], identity=signed())
        assert again["verified"] is True
        await send_message(ws, "a2", "Nu ingelogd")
        await ws.disconnect()
        await intake()

    run(body)
    owners = set(
        Message.objects.filter(channel="webchat").values_list("conversation__contact", flat=True)
    )
    assert owners == {karin.pk}
    assert Identity.objects.get(kind="email").verified is True
    assert Identity.objects.get(kind="webchat").contact_id == karin.pk


def test_a_typed_email_never_merges(service, karin, secret):
    async def body():
        ws, welcome = await open_chat(identity=signed(secret="guessed"))
        assert welcome["verified"] is False
        await send_message(
            ws, "t1", "Ik ben Karin", prechat={"name": "Karin", "email": "karin@example.nl"}
        )
        await ws.disconnect()
        await intake()

    run(body)
    message = Message.objects.get(channel="webchat")
    visitor = message.conversation.contact
    assert visitor.pk != karin.pk
    assert Identity.objects.get(kind="email").contact_id == karin.pk  # still only hers
    assert "niet geverifieerd" in message.text
    # the agent is offered the match as a suggestion, with the evidence
    assert [s.contact.pk for s in from_text(visitor, message.text)] == [karin.pk]
