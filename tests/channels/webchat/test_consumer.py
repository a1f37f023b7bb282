"""/ws/chat/ through the real ASGI stack: tokens, isolation, idempotent resends, bad input."""

import json

import pytest
from channels.db import database_sync_to_async
from django.core import signing

from bereikbaar.channels.webchat.tokens import SALT, make_token, visitor_for
from bereikbaar.contacts.models import Identity
from bereikbaar.conversations.models import Message
from bereikbaar.intake.models import Inbound

from .conftest import intake, open_chat, run, send_message

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def texts_of(visitor: str) -> list[str]:
    return list(
        Message.objects.filter(
            channel="webchat", conversation__contact__identities__value=visitor
        ).values_list("text", flat=True)
    )


def test_welcome_gives_token_wait_and_nobody_online(anna):
    # anna is online but the default hours may be closed: either way the screen says something
    async def body():
        ws, welcome = await open_chat()
        assert visitor_for(welcome["token"])
        assert welcome["wait"]["text"]
        assert welcome["history"] == []
        assert welcome["renewed"] is False
        await ws.disconnect()

    run(body)


def test_message_reaches_the_contacts_story_and_survives_reload(service):
    async def body():
        ws, welcome = await open_chat()
        ack = await send_message(ws, "c1", "Mijn omvormer staat op rood")
        assert ack == {"type": "ack", "client_id": "c1", "duplicate": False}
        await ws.disconnect()
        assert await intake() == 1
        visitor = visitor_for(welcome["token"])
        assert await texts_of(visitor) == ["Mijn omvormer staat op rood"]
        # a reload (or another tab) with the stored token sees its conversation
        ws2, again = await open_chat(token=welcome["token"])
        assert [m["text"] for m in again["history"]] == ["Mijn omvormer staat op rood"]
        assert again["history"][0]["id"] == "c1"
        assert visitor_for(again["token"]) == visitor
        await ws2.disconnect()

    run(body)


def test_resend_after_reconnect_never_duplicates(service):
    async def body():
        ws, welcome = await open_chat()
        await send_message(ws, "same-id", "Hallo")
        await ws.disconnect()
        ws2, _ = await open_chat(token=welcome["token"])
        ack = await send_message(ws2, "same-id", "Hallo")
        assert ack["duplicate"] is True
        await ws2.disconnect()
        await intake()
        assert await texts_of(visitor_for(welcome["token"])) == ["Hallo"]

    run(body)


def test_forged_and_expired_tokens_start_a_new_visitor_without_data(service):
    async def body():
        ws, welcome = await open_chat()
        await send_message(ws, "secret", "Mijn IBAN is NL00BANK0123456789")
        await ws.disconnect()
        await intake()
        victim = visitor_for(welcome["token"])
        forged = signing.dumps({"v": victim}, salt=SALT, key="not-our-secret-key")
        tampered = welcome["token"][:-2] + ("AA" if welcome["token"][-2:] != "AA" else "BB")
        for bad in (forged, tampered, "garbage", json.dumps({"v": victim})):
            ws2, fresh = await open_chat(token=bad)
            assert fresh["renewed"] is True
            assert fresh["history"] == []
            assert visitor_for(fresh["token"]) != victim
            await ws2.disconnect()

    run(body)


def test_expired_token_is_refused(settings):
    token = make_token("a" * 32)
    with pytest.raises(ValueError, match="expired"):
        visitor_for(token, max_age=-1)


def test_a_visitor_never_sees_another_visitors_conversation(service):
    async def body():
        one, first = await open_chat()
        await send_message(one, "m1", "Bericht van bezoeker één")
        await one.disconnect()
        two, second = await open_chat()
        await send_message(two, "m1", "Bericht van bezoeker twee")
        await two.disconnect()
        await intake()
        _, again = await open_chat(token=second["token"])
        assert [m["text"] for m in again["history"]] == ["Bericht van bezoeker twee"]
        # the same client id from two visitors is two messages, not a duplicate
        assert await database_sync_to_async(Inbound.objects.count)() == 2

    run(body)


def test_messages_before_hello_are_refused():
    async def body():
        from .conftest import chat

        ws = chat()
        await ws.connect()
        await ws.send_json_to({"type": "message", "client_id": "x", "text": "hoi"})
        error = await ws.receive_json_from(timeout=5)
        assert error["code"] == "no_hello"
        await ws.disconnect()

    run(body)


def test_flood_is_rate_limited_per_visitor_with_a_clear_message(service, settings):
    settings.BEREIKBAAR_WEBCHAT_RATE_LIMITS = {"visitor": (3, 60), "ip": (100, 60)}

    async def body():
        ws, _ = await open_chat()
        answers = [await send_message(ws, f"f{i}", f"bericht {i}") for i in range(5)]
        assert [a["type"] for a in answers] == ["ack", "ack", "ack", "error", "error"]
        assert answers[3]["code"] == "rate_limited"
        assert answers[3]["client_id"] == "f3"
        assert answers[3]["retry_after"] > 0
        assert "geduld" in answers[3]["message"]
        await ws.disconnect()
        assert await intake() == 3

    run(body)


def test_flood_is_rate_limited_per_ip_across_visitors(service, settings):
    settings.BEREIKBAAR_WEBCHAT_RATE_LIMITS = {"visitor": (100, 60), "ip": (2, 60)}

    async def body():
        answers = []
        for n in range(3):
            ws, _ = await open_chat(ip="198.51.100.7")
            answers.append(await send_message(ws, f"v{n}", "hoi"))
            await ws.disconnect()
        other, _ = await open_chat(ip="198.51.100.8")
        answers.append(await send_message(other, "w", "hoi"))
        assert [a["type"] for a in answers] == ["ack", "ack", "error", "ack"]

    run(body)


def test_a_one_megabyte_message_is_refused_clearly(service):
    async def body():
        ws, _ = await open_chat()
        big = {"client_id": "big-1", "type": "message", "text": "x" * (1024 * 1024)}
        await ws.send_to(text_data=json.dumps(big))
        error = await ws.receive_json_from(timeout=5)
        assert error["code"] == "too_long"
        assert error["client_id"] == "big-1"
        # a long one under the frame limit but over the text limit is refused too
        error = await send_message(ws, "long-1", "y" * 20_000)
        assert (error["code"], error["client_id"]) == ("too_long", "long-1")
        # and the socket still works afterwards
        assert (await send_message(ws, "ok-1", "kort"))["type"] == "ack"
        await ws.disconnect()
        assert await intake() == 1

    run(body)


def test_broken_utf8_is_answered_not_crashed(service):
    async def body():
        ws, welcome = await open_chat()
        await ws.send_to(bytes_data=b'{"type":"message","client_id":"b","text":"caf\xc3"}')
        error = await ws.receive_json_from(timeout=5)
        assert error["code"] == "bad_encoding"
        # a lone surrogate (valid JSON, invalid UTF-8) is stored with a replacement character
        await ws.send_to(text_data='{"type":"message","client_id":"s","text":"hoi \\ud800 daar"}')
        assert (await ws.receive_json_from(timeout=5))["type"] == "ack"
        await ws.send_to(text_data="{not json")
        assert (await ws.receive_json_from(timeout=5))["code"] == "bad_request"
        await ws.disconnect()
        await intake()
        assert await texts_of(visitor_for(welcome["token"])) == ["hoi ? daar"]

    run(body)


def test_html_in_a_message_is_stored_as_text_not_markup(service):
    async def body():
        ws, welcome = await open_chat()
        await send_message(ws, "x", '<img src=x onerror="alert(1)"><script>alert(2)</script>')
        await ws.disconnect()
        await intake()
        message = await database_sync_to_async(Message.objects.get)(channel="webchat")
        assert message.html == ""
        assert message.text.startswith("<img")

    run(body)


def test_suggestions_come_from_the_help_search(service):
    from bereikbaar.helpcenter.models import Article

    Article(
        slug="omvormer-storing",
        title="Omvormer geeft een storing",
        body="Zet de omvormer uit en na een minuut weer aan.",
    ).save()

    async def body():
        ws, _ = await open_chat()
        await ws.send_json_to({"type": "search", "q": "mijn omvormer doet het niet"})
        answer = await ws.receive_json_from(timeout=5)
        assert answer["type"] == "suggestions"
        assert answer["results"][0] == {
            "slug": "omvormer-storing",
            "title": "Omvormer geeft een storing",
            "url": "/help/artikel/omvormer-storing/",
        }
        # a suggestion never stands in the way: the message is taken as always
        assert (await send_message(ws, "s1", "mijn omvormer doet het niet"))["type"] == "ack"
        await ws.disconnect()

    run(body)


def test_refusals_speak_the_visitors_language(service):
    async def body():
        ws, _ = await open_chat(lang="en")
        error = await send_message(ws, "e1", "   ")
        assert error["message"] == "An empty message cannot be sent."
        await ws.disconnect()

    run(body)


def test_identity_is_the_visitor_only(service):
    async def body():
        ws, welcome = await open_chat()
        await send_message(ws, "a", "Hallo", prechat={"email": "karin@example.nl"})
        await ws.disconnect()
        await intake()
        kinds = await database_sync_to_async(
            lambda: sorted(Identity.objects.values_list("kind", "verified"))
        )()
        # the typed address nobody owned joins the visitor unverified
        assert kinds == [("email", False), ("webchat", False)]

    run(body)
