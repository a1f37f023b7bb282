"""I15: a WhatsApp send whose answer was lost is reconciled by its status webhooks.

Every send carries the message's claim reference as `biz_opaque_callback_data`; Meta echoes it
in that message's statuses. A status naming a wamid we never recorded but carrying our
reference records the wamid, moves the status on, clears the "unsure" note and frees the
claim; a reference of another message, or a forged one, matches nothing.
"""

import json
from datetime import timedelta

from django.utils import timezone

from bereikbaar.channels.whatsapp import graph as graph_api
from bereikbaar.channels.whatsapp import sender as sender_module
from bereikbaar.channels.whatsapp.parse import parse
from bereikbaar.conversations.models import EarlyStatus, Message
from bereikbaar.delivery import claims
from bereikbaar.delivery.models import SendClaim
from bereikbaar.delivery.reply import reply
from bereikbaar.delivery.tasks import send_message
from bereikbaar.intake.ingest import apply_update
from bereikbaar.intake.message import DeliveryUpdate

from .conftest import status_payload

UNSURE = "Onbekend of dit bericht is verzonden"


def echoed(wamid: str, status: str, reference: str) -> bytes:
    """Meta's status webhook for `wamid`, echoing the send's biz_opaque_callback_data."""
    data = json.loads(status_payload(wamid, status))
    data["entry"][0]["changes"][0]["value"]["statuses"][0]["biz_opaque_callback_data"] = reference
    return json.dumps(data).encode()


def posts(graph) -> list[dict]:
    return [r for r in graph.requests if r["method"] == "POST" and r["path"].endswith("/messages")]


def lose_the_answer(conversation, anna, graph, monkeypatch, text="Eén keer") -> Message:
    """Meta takes the message (as wamid.OUT-n) but its answer never reaches us."""
    monkeypatch.setattr(graph_api, "TIMEOUT", 0.3)
    graph.delays = [1.0]
    message = reply(conversation, anna, text, channel="whatsapp")
    assert send_message.call(message.pk) == "queued"
    message.refresh_from_db()
    assert UNSURE in message.delivery_error and message.provider_id is None
    return message


def test_every_send_carries_the_messages_reference(customer_writes, graph, anna):
    message = reply(customer_writes().conversation, anna, "Hallo", channel="whatsapp")
    send_message.call(message.pk)
    [post] = posts(graph)
    token = SendClaim.objects.get(pk=message.pk).token
    assert post["json"]["biz_opaque_callback_data"] == f"{message.pk}:{token}"


def test_the_parser_reads_the_echoed_reference():
    [update] = parse(echoed("wamid.A", "delivered", "17:abc"))
    assert (update.provider_id, update.status, update.reference) == (
        "wamid.A",
        "delivered",
        "17:abc",
    )
    [plain] = parse(status_payload("wamid.B", "read"))
    assert plain.reference == ""


def test_a_lost_answer_is_reconciled_by_the_status_echoing_our_reference(
    customer_writes, graph, anna, post_webhook, run_intake, monkeypatch
):
    message = lose_the_answer(customer_writes().conversation, anna, graph, monkeypatch)
    reference = posts(graph)[0]["json"]["biz_opaque_callback_data"]
    assert post_webhook(echoed("wamid.OUT-1", "delivered", reference)).status_code == 200
    run_intake()
    message.refresh_from_db()
    assert message.provider_id == "wamid.OUT-1"
    assert message.delivery_status == Message.Delivery.DELIVERED
    assert message.delivery_error == ""
    assert SendClaim.objects.get(pk=message.pk).sending_since is None
    assert not EarlyStatus.objects.exists()
    # sending again is never attempted, by a re-run now or one given back later
    assert send_message.call(message.pk) == Message.Delivery.DELIVERED
    SendClaim.objects.filter(pk=message.pk).update(
        sending_since=timezone.now() - claims.SENDING_TIMEOUT - timedelta(seconds=1)
    )
    assert send_message.call(message.pk) == Message.Delivery.DELIVERED
    assert len(posts(graph)) == 1


def test_a_duplicate_or_older_status_changes_nothing(
    customer_writes, graph, anna, post_webhook, run_intake, monkeypatch
):
    message = lose_the_answer(customer_writes().conversation, anna, graph, monkeypatch)
    reference = posts(graph)[0]["json"]["biz_opaque_callback_data"]
    post_webhook(echoed("wamid.OUT-1", "read", reference))
    run_intake()
    message.refresh_from_db()
    before = (message.provider_id, message.delivery_status, message.delivery_error)
    assert before == ("wamid.OUT-1", "read", "")
    for status in ["read", "delivered", "sent"]:
        update = DeliveryUpdate("whatsapp", "wamid.OUT-1", status, reference=reference)
        assert apply_update(update) is None  # nothing changed, nothing announced
    post_webhook(echoed("wamid.OUT-1", "read", reference))
    run_intake()
    message.refresh_from_db()
    assert (message.provider_id, message.delivery_status, message.delivery_error) == before
    assert not EarlyStatus.objects.exists()


def test_a_reference_of_another_message_or_a_forged_one_matches_nothing(
    customer_writes, graph, anna, post_webhook, run_intake, monkeypatch
):
    inbound = customer_writes()
    lost = lose_the_answer(inbound.conversation, anna, graph, monkeypatch)
    graph.delays = []
    other = reply(inbound.conversation, anna, "Tweede", channel="whatsapp")
    assert send_message.call(other.pk) == "sent"
    other.refresh_from_db()
    token = SendClaim.objects.get(pk=lost.pk).token
    SendClaim.objects.create(message=inbound, token="t" * 32)  # a claim on an inbound message
    wrong = [
        claims.reference_for(other),  # another message's, which has its wamid already
        f"{lost.pk}:{'0' * 32}",  # the right message, a forged token
        f"{lost.pk}:{token[:-1]}",  # one character short
        f"{lost.pk}:",
        token,  # the token without the message
        f"{inbound.pk}:{'t' * 32}",  # a message we did not send
        f"{lost.pk}:{token}é",
        "x" * 512,
        f"{'9' * 40}:{token}",  # no such message, nor a number the database could hold
    ]
    for reference in wrong:
        assert post_webhook(echoed("wamid.OUT-1", "delivered", reference)).status_code == 200
    run_intake()
    lost.refresh_from_db()
    assert (lost.provider_id, lost.delivery_status) == (None, Message.Delivery.QUEUED)
    assert UNSURE in lost.delivery_error
    assert SendClaim.objects.get(pk=lost.pk).sending_since is not None  # still never resent
    other.refresh_from_db()
    assert (other.provider_id, other.delivery_status) == ("wamid.OUT-2", Message.Delivery.SENT)
    # each status was kept under its unknown wamid, as before
    assert EarlyStatus.objects.filter(provider_id="wamid.OUT-1").count() == len(wrong)


def test_a_reference_of_another_channel_matches_nothing(customer_writes, graph, anna):
    message = reply(customer_writes().conversation, anna, "Hallo", channel="whatsapp")
    reference = claims.reference_for(message)
    update = DeliveryUpdate("sms", "SM123", "delivered", reference=reference)
    assert apply_update(update) is None
    message.refresh_from_db()
    assert message.provider_id is None


def test_a_failure_echoed_before_the_answer_arrives_stands(
    customer_writes, graph, anna, monkeypatch
):
    """Meta's status overtakes its own answer: the answer must not turn "failed" into "sent"."""
    real_call = graph_api.call

    def call_then_status(account, method, path, payload):
        answer = real_call(account, method, path, payload)
        early = DeliveryUpdate(
            "whatsapp",
            answer["messages"][0]["id"],
            "failed",
            error="131026 Message undeliverable",
            reference=payload["biz_opaque_callback_data"],
        )
        assert apply_update(early) is not None
        return answer

    monkeypatch.setattr(sender_module.graph, "call", call_then_status)
    message = reply(customer_writes().conversation, anna, "Snel", channel="whatsapp")
    assert send_message.call(message.pk) == Message.Delivery.FAILED
    message.refresh_from_db()
    assert (message.provider_id, message.delivery_status) == ("wamid.OUT-1", "failed")
    assert message.delivery_error == "131026 Message undeliverable"
