"""The worker files a claimed batch in one transaction with a savepoint per row: a row that fails
is rolled back and quarantined alone, the others commit, and their events leave after commit."""

import asyncio
import json
import threading

import pytest
from channels.layers import get_channel_layer
from django.db import OperationalError, connection

from bereikbaar.contacts.models import Contact
from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.intake import worker
from bereikbaar.intake.accept import accept
from bereikbaar.intake.claim import claim
from bereikbaar.intake.models import Inbound
from bereikbaar.realtime import events, publish
from bereikbaar.routing import triage
from bereikbaar.routing.models import Team


def api(external_id: str, text: str, email: str) -> bytes:
    return json.dumps({"external_id": external_id, "from": {"email": email}, "text": text}).encode()


def three_rows() -> list[int]:
    return [
        accept("api", name, api(name, text, f"{name}@example.nl"), order_key=name).id
        for name, text in (("ans", "eerste"), ("bob", "BOEM"), ("cas", "derde"))
    ]


@pytest.fixture
def boom_on_bob(monkeypatch):
    """Routing fails for Bob's message, after his contact, case and message were written."""
    real = triage.on_inbound

    def on_inbound(conversation, message, created):
        if message.text == "BOEM":
            raise RuntimeError("routing kapot")
        return real(conversation, message, created)

    monkeypatch.setattr("bereikbaar.intake.ingest.on_inbound", on_inbound)


@pytest.fixture
def pushed(monkeypatch):
    """Every event handed to the channel layer, and whether a transaction was still open."""
    sent = []

    def send_now(groups, message):
        sent.append((message["event"], message["payload"], connection.in_atomic_block))

    monkeypatch.setattr("bereikbaar.realtime.publish.send_now", send_now)
    return sent


@pytest.mark.django_db(transaction=True)
def test_a_failing_row_is_rolled_back_alone_and_the_rest_commit(boom_on_bob, pushed):
    Team.objects.create(name="Service", slug="service", is_default=True)
    ans, bob, cas = three_rows()
    assert worker.drain() == 3

    rows = {row.pk: row for row in Inbound.objects.all()}
    assert rows[ans].status == rows[cas].status == Inbound.Status.PROCESSED
    assert rows[bob].status == Inbound.Status.QUARANTINED
    assert "routing kapot" in rows[bob].error
    # nothing of Bob's half-filed message stayed: not his contact, case or message
    assert not Contact.objects.filter(identities__value="bob@example.nl").exists()
    assert sorted(Message.objects.values_list("text", flat=True)) == ["derde", "eerste"]
    assert Conversation.objects.count() == 2

    # the others were pushed, after their commit; nothing about Bob's rolled-back case
    created = [p for e, p, _ in pushed if e == events.MESSAGE_CREATED]
    assert sorted(p["message_id"] for p in created) == sorted(
        Message.objects.values_list("pk", flat=True)
    )
    assert all(not in_transaction for _e, _p, in_transaction in pushed)


@pytest.mark.django_db(transaction=True)
def test_a_database_hiccup_on_one_row_gives_it_back_for_another_try(monkeypatch):
    Team.objects.create(name="Service", slug="service", is_default=True)
    real = triage.on_inbound

    def on_inbound(conversation, message, created):
        if message.text == "BOEM":
            raise OperationalError("database is locked")
        return real(conversation, message, created)

    monkeypatch.setattr("bereikbaar.intake.ingest.on_inbound", on_inbound)
    ans, bob, cas = three_rows()
    statuses = worker.process_batch(claim("w1", 10))
    assert statuses == {
        ans: Inbound.Status.PROCESSED,
        bob: Inbound.Status.ACCEPTED,
        cas: Inbound.Status.PROCESSED,
    }
    monkeypatch.setattr("bereikbaar.intake.ingest.on_inbound", real)
    assert worker.drain() == 1
    assert Inbound.objects.get(pk=bob).status == Inbound.Status.PROCESSED


@pytest.mark.django_db(transaction=True)
def test_a_long_batch_commits_in_several_transactions_each_pushed_after_commit(monkeypatch, pushed):
    Team.objects.create(name="Service", slug="service", is_default=True)
    monkeypatch.setattr(worker, "TURN_SECONDS", 0.0)  # commit after every row
    ids = three_rows()
    commits = []
    real = worker._mark_processed
    monkeypatch.setattr(worker, "_mark_processed", lambda rows: (commits.append(rows), real(rows)))
    assert set(worker.process_batch(claim("w1", 10)).values()) == {Inbound.Status.PROCESSED}
    assert [[r.pk for r in rows] for rows in commits] == [[ids[0]], [ids[1]], [ids[2]]]
    assert len([e for e, _p, _t in pushed if e == events.MESSAGE_CREATED]) == 3


def test_events_held_by_the_worker_reach_the_serving_loop_once_in_order(monkeypatch):
    """With a serving loop bound, a committed batch's events go to the layer on that loop."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    monkeypatch.setattr(publish, "_server_loop", loop)
    layer = get_channel_layer()
    # on the serving loop: Redis's pub/sub layer keeps its channels per event loop
    channel = asyncio.run_coroutine_threadsafe(layer.new_channel(), loop).result(5)
    asyncio.run_coroutine_threadsafe(layer.group_add("team-batch", channel), loop).result(5)
    wakeups = []
    real = loop.call_soon_threadsafe
    monkeypatch.setattr(loop, "call_soon_threadsafe", lambda *a: (wakeups.append(1), real(*a)))
    try:
        with publish.held():
            for n in range(5):
                publish.send_now(["team-batch"], {"type": "inbox.event", "event": "x", "n": n})
            assert wakeups == []  # nothing leaves before the end of the block
        assert wakeups == [1]  # one wake-up of the loop for all five
        received = [
            asyncio.run_coroutine_threadsafe(layer.receive(channel), loop).result(5)["n"]
            for _ in range(5)
        ]
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
    assert received == [0, 1, 2, 3, 4]
