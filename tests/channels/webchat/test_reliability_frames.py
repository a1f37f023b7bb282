"""Reliability catalogue F2 for /ws/chat/ (docs/reliability-map.md): a frame of JSON nested
deeper than the parser's recursion limit is refused and the chat stays usable."""

import pytest

from .conftest import open_chat, run, send_message

pytestmark = pytest.mark.django_db(transaction=True)


def test_f2_a_deeply_nested_frame_is_refused_and_the_socket_lives_on(service):
    async def body():
        ws, _welcome = await open_chat()
        await ws.send_to(text_data="[" * 30_000 + "]" * 30_000)  # under the 64 KB frame cap
        assert (await ws.receive_json_from(timeout=5))["code"] == "bad_request"
        ack = await send_message(ws, "after", "Nog steeds hier")
        assert ack["type"] == "ack"
        await ws.disconnect()

    run(body)


def test_f3_an_anonymous_visitor_cannot_make_us_mail_an_address_they_typed(open_now):
    """Zendesk 2025 email bombs: anonymous forms made helpdesks send receipts to victims."""
    from bereikbaar.channels.email.models import EmailInbox
    from bereikbaar.conversations.models import Message

    from .conftest import intake

    EmailInbox.objects.create(address="service@bedrijf.nl", name="Service", acknowledge=True)

    async def body():
        for n in range(3):
            ws, _ = await open_chat(ip=f"203.0.113.{10 + n}")
            ack = await send_message(
                ws, f"bom-{n}", "Bel me", answer_via="email", answer_to="slachtoffer@example.org"
            )
            assert ack["type"] == "ack"
            await ws.disconnect()
        await intake()

    run(body)
    assert Message.objects.filter(channel="webchat").count() == 3
    # a receipt would be an outbound email message (acknowledge.py stores and sends it so)
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()
