"""The preference centre: signed expiring links, and what outbound may use."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import signing

from bereikbaar.contacts import consent
from bereikbaar.contacts.merge import merge
from bereikbaar.contacts.preferences import (
    SALT,
    BadLink,
    allowed_channels,
    contact_for_token,
    make_token,
    save_preferences,
)
from bereikbaar.contacts.resolve import resolve

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def karin(db):
    return resolve([("email", "karin@example.nl"), ("phone", "0612345678")], name="Karin")


def rules(contact, hour=12):
    now = dt.datetime(2026, 11, 24, hour, 0, tzinfo=AMS)
    return {r.channel: (r.allowed, r.reason) for r in allowed_channels(contact, now)}


def test_a_signed_link_finds_the_contact(karin):
    assert contact_for_token(make_token(karin)) == karin


def test_a_forged_or_damaged_link_is_refused(karin):
    forged = signing.dumps({"c": karin.pk}, salt="iets anders")
    with pytest.raises(BadLink, match="ongeldig"):
        contact_for_token(forged)
    token = make_token(karin)
    with pytest.raises(BadLink, match="ongeldig"):
        contact_for_token(token[:-2] + ("aa" if token[-2:] != "aa" else "bb"))
    with pytest.raises(BadLink):
        contact_for_token("")


def test_an_expired_link_says_so(karin):
    signer = signing.TimestampSigner(salt=SALT)
    old = signing.dumps({"c": karin.pk}, salt=SALT, compress=True)
    assert signer  # the same salt, made now; read with a max age of zero after a moment
    with pytest.raises(BadLink, match="verlopen"):
        contact_for_token(old, max_age=dt.timedelta(seconds=-1))


def test_a_link_of_a_merged_contact_leads_to_the_survivor(karin):
    wa = resolve([("whatsapp", "+31687654321")])
    token = make_token(wa)
    merge(karin, wa)
    assert contact_for_token(token) == karin


def test_outbound_respects_order_never_consent_and_quiet_hours(karin):
    save_preferences(karin, ["phone", "email"], ["sms"], dt.time(21), dt.time(8), "nl")
    r = rules(karin)
    assert r["phone"] == (True, "voorkeur 1 van de klant")
    assert r["email"] == (True, "voorkeur 2 van de klant")
    assert r["sms"] == (False, "klant wil dit kanaal nooit")
    assert r["whatsapp"] == (False, "geen adres of nummer bekend")
    ordered = [x.channel for x in allowed_channels(karin, dt.datetime(2026, 1, 1, 12, tzinfo=AMS))]
    assert ordered[:2] == ["phone", "email"]
    night = rules(karin, hour=23)
    assert night["phone"] == (False, "stille uren van de klant")
    assert night["email"][0] is True
    assert rules(karin, hour=7)["phone"][0] is False


def test_whatsapp_needs_an_opt_in_and_an_opt_out_wins(karin):
    resolve([("whatsapp", "0612345678"), ("email", "karin@example.nl")])
    assert rules(karin)["whatsapp"] == (False, "geen toestemming (opt-in) geregistreerd")
    consent.record(karin, "whatsapp", True, "webformulier", "Mogen wij u via WhatsApp berichten?")
    assert rules(karin)["whatsapp"][0] is True
    consent.record(karin, "whatsapp", False, "STOP-bericht")
    assert rules(karin)["whatsapp"][0] is False
    assert [c.granted for c in consent.history(karin)] == [True, False]
    entry = consent.latest(karin, "whatsapp")
    entry.granted = True
    with pytest.raises(ValueError, match="immutable"):
        entry.save()


@pytest.mark.parametrize(
    ("preferred", "never", "start", "end", "match"),
    [
        (["fax"], [], None, None, "onbekend kanaal"),
        (["email"], ["email"], None, None, "tegelijk"),
        ([], [], dt.time(22), None, "begin én een eind"),
    ],
)
def test_bad_preferences_are_refused(karin, preferred, never, start, end, match):
    with pytest.raises(ValueError, match=match):
        save_preferences(karin, preferred, never, start, end, "nl")


def test_the_public_page_with_a_good_and_a_bad_link(client, karin):
    url = f"/voorkeuren/{make_token(karin)}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "preferred": ["email", "phone", ""],
            "never": ["sms"],
            "quiet_start": "21:00",
            "quiet_end": "08:00",
            "language": "en",
        },
    )
    assert response.status_code == 200 and "Opgeslagen" in response.content.decode()
    assert rules(karin, hour=22)["phone"] == (False, "stille uren van de klant")
    assert client.get("/voorkeuren/vervalst:token/").status_code == 403
    bad = client.post(url, {"preferred": ["email"], "never": ["email"]})
    assert bad.status_code == 400
