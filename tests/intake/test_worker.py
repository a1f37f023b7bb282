import json
import os
import socket
import subprocess
from datetime import timedelta

from django.utils import timezone

from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.intake.accept import accept
from bereikbaar.intake.claim import claim, release_orphans, release_stale
from bereikbaar.intake.models import Inbound
from bereikbaar.intake.worker import drain, process, requeue


def api_payload(external_id: str, text: str, email: str = "klant@example.nl") -> bytes:
    return json.dumps({"external_id": external_id, "from": {"email": email}, "text": text}).encode()


def test_it_files_accepted_rows_into_a_conversation(service, anna):
    accepted = accept("api", "m1", api_payload("m1", "Waar blijft mijn pakket?"))
    assert drain() == 1
    row = Inbound.objects.get(pk=accepted.id)
    assert row.status == Inbound.Status.PROCESSED
    message = Message.objects.get(pk=row.message_ids[0])
    assert message.conversation_id == row.conversation_id
    assert message.text == "Waar blijft mijn pakket?"
    assert message.conversation.assignee == anna


def test_one_sender_is_processed_in_arrival_order(service):
    for n in range(5):
        accept(
            "api", f"o{n}", api_payload(f"o{n}", f"bericht {n}"), order_key="email:klant@example.nl"
        )
    accept(
        "api",
        "other",
        api_payload("other", "x", "ander@example.nl"),
        order_key="email:ander@example.nl",
    )
    first_batch = claim("w1", 100)
    # only the oldest row of each sender is claimable while it is unfinished
    assert len(first_batch) == 2
    for inbound_id in first_batch:
        process(inbound_id)
    drain()
    texts = list(
        Message.objects.filter(conversation__contact__identities__value="klant@example.nl")
        .order_by("id")
        .values_list("text", flat=True)
    )
    assert texts == [f"bericht {n}" for n in range(5)]


def test_a_payload_that_cannot_be_parsed_is_quarantined_not_lost(service):
    bad = accept("api", "bad", b"{not json")
    good = accept("api", "good", api_payload("good", "hallo"))
    drain()
    bad_row, good_row = Inbound.objects.get(pk=bad.id), Inbound.objects.get(pk=good.id)
    assert bad_row.status == Inbound.Status.QUARANTINED
    assert "JSON" in bad_row.error
    assert bytes(bad_row.payload) == b"{not json"
    assert good_row.status == Inbound.Status.PROCESSED


def test_an_unknown_channel_is_quarantined_with_the_reason(service):
    accepted = accept("pigeon", "p1", b"coo")
    drain()
    row = Inbound.objects.get(pk=accepted.id)
    assert row.status == Inbound.Status.QUARANTINED
    assert "pigeon" in row.error


def test_a_quarantined_row_can_be_processed_again(service):
    accepted = accept("pigeon", "p1", b"coo")
    drain()
    assert requeue([accepted.id]) == 1
    assert Inbound.objects.get(pk=accepted.id).status == Inbound.Status.ACCEPTED


def test_rows_of_a_dead_worker_are_given_back(service):
    accepted = accept("api", "s1", api_payload("s1", "hallo"))
    assert claim("dead-worker", 10) == [accepted.id]
    Inbound.objects.filter(pk=accepted.id).update(claimed_at=timezone.now() - timedelta(hours=1))
    assert release_stale() == 1
    drain()
    assert Inbound.objects.get(pk=accepted.id).status == Inbound.Status.PROCESSED


def test_rows_of_a_crashed_worker_on_this_host_are_given_back_at_once(service):
    """kill -9 leaves rows "processing"; a worker starting on the host frees them without
    waiting five minutes, but never those of a worker that still runs or of another host."""
    host = socket.gethostname()
    dead = subprocess.Popen(["true"])
    dead.wait()  # a pid that ran and is gone (reaped)
    claimants = {
        "dead": f"{host}:{dead.pid}:1",
        "alive": f"{host}:{os.getpid()}:1",
        "elsewhere": f"not-{host}:{dead.pid}:1",
        "odd": f"{host}:pool-7",
    }
    rows = {}
    for name, worker in claimants.items():
        payload = api_payload(f"o-{name}", "hallo", email=f"{name}@example.nl")
        accepted = accept("api", f"o-{name}", payload)
        assert claim(worker, 1) == [accepted.id]
        rows[name] = accepted.id
    assert release_orphans() == 1
    status = dict(Inbound.objects.values_list("pk", "status"))
    assert status[rows["dead"]] == Inbound.Status.ACCEPTED
    assert {status[rows[n]] for n in ("alive", "elsewhere", "odd")} == {Inbound.Status.PROCESSING}
    assert release_orphans() == 0


def test_a_message_seen_before_is_not_filed_twice(service):
    accept("api", "d1", api_payload("d1", "hallo"))
    drain()
    # the same provider id through another inbound row (e.g. a provider re-sending a batch)
    Inbound.objects.all().delete()
    accept("api", "d1", api_payload("d1", "hallo"))
    drain()
    assert Message.objects.count() == 1
    assert Conversation.objects.count() == 1


def test_a_reads_only_channel_is_parsed_before_the_write_turn(service, monkeypatch):
    """On SQLite, parsing (and reading the text) happens while webhooks can still commit;
    a parser that writes is only ever run inside the filing transaction."""
    from django.db import connection

    from bereikbaar.intake import registry, writelock
    from bereikbaar.intake.message import InboundMessage

    seen = []

    def parser(raw: bytes):
        seen.append(writelock.held())
        return [InboundMessage("api", raw.decode(), [("email", "vooraf@example.nl")], text="Hoi")]

    monkeypatch.setitem(registry._parsers, "api", parser)
    accept("api", "early", b"early")
    assert drain() == 1
    assert Message.objects.filter(provider_id="early").exists()
    if connection.vendor == "sqlite":
        assert seen == [False]  # parsed once, before the turn was taken
    monkeypatch.setattr(registry, "_reads_only", set())  # a channel whose parser writes
    seen.clear()
    accept("api", "late", b"late")
    assert drain() == 1
    if connection.vendor == "sqlite":
        assert seen == [True]


def test_a_payload_that_fails_to_parse_before_the_turn_is_quarantined_with_its_reason(service):
    accepted = accept("api", "broken", b"{not json")
    assert drain() == 1
    row = Inbound.objects.get(pk=accepted.id)
    assert row.status == Inbound.Status.QUARANTINED
    assert "json" in row.error.lower()
    assert not Message.objects.exists()


def test_warming_up_loads_the_language_model_before_the_first_message():
    from bereikbaar.intake.worker import warm_up
    from bereikbaar.text import evidence, language

    language._detector = None  # as in a fresh process
    evidence._GATHERED.clear()
    warm_up()
    assert language._detector is not None
