"""B8/I15: one reply is one WhatsApp message, however its send task is run.

The Cloud API takes no idempotency key, so besides claiming the send (two runs at once: one
POST) the sender never repeats a POST that may have reached Meta: an answer lost to a timeout,
or a claim left by a run that died mid-call, leaves the reply with a note for the agent instead
of sending it a second time.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bereikbaar.channels.whatsapp import graph as graph_api
from bereikbaar.conversations.models import Message
from bereikbaar.delivery.claims import SENDING_TIMEOUT
from bereikbaar.delivery.models import SendClaim
from bereikbaar.delivery.reply import reply
from bereikbaar.delivery.tasks import send_message


def posts(graph_stand_in) -> list[dict]:
    return [r for r in graph_stand_in.requests if r["method"] == "POST"]


def retries(message) -> list:
    tasks = DBTaskResult.objects.filter(task_path__endswith="send_message")
    return [
        t
        for t in tasks
        if t.args_kwargs["args"][0] == message.pk and len(t.args_kwargs["args"]) > 1
    ]


@pytest.mark.django_db(transaction=True)
def test_two_runs_of_one_send_at_the_same_moment_post_once(customer_writes, graph, anna):
    message = reply(customer_writes().conversation, anna, "Tegelijk?", channel="whatsapp")
    graph.delays = [0.5]
    results, start = [], threading.Barrier(2)

    def run():
        try:
            start.wait()
            results.append(send_message.call(message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["sending", "sent"]
    assert graph.sent == 1 and len(posts(graph)) == 1
    message.refresh_from_db()
    assert (message.delivery_status, message.provider_id) == ("sent", "wamid.OUT-1")


def test_an_answer_lost_after_meta_accepted_is_not_sent_again(
    customer_writes, graph, anna, monkeypatch
):
    monkeypatch.setattr(graph_api, "TIMEOUT", 0.3)
    graph.delays = [1.0]  # Meta takes the message; its answer never reaches us
    message = reply(customer_writes().conversation, anna, "Eén keer", channel="whatsapp")
    assert send_message.call(message.pk) == "queued"
    message.refresh_from_db()
    assert "Onbekend of dit bericht is verzonden" in message.delivery_error
    assert retries(message) == []  # no retry is scheduled
    send_message.call(message.pk)  # nor does a run given back send it, now or later
    SendClaim.objects.filter(pk=message.pk).update(
        sending_since=timezone.now() - SENDING_TIMEOUT - timedelta(seconds=1)
    )
    assert send_message.call(message.pk) == "queued"
    assert graph.sent == 1 and len(posts(graph)) == 1


def test_a_refused_connection_is_still_retried(customer_writes, graph, anna):
    message = reply(customer_writes().conversation, anna, "Later", channel="whatsapp")
    graph.close()  # nothing listens: the request never left
    assert send_message.call(message.pk) == "queued"
    message.refresh_from_db()
    assert "unreachable" in message.delivery_error
    assert len(retries(message)) == 1


def test_a_claim_left_by_a_run_that_died_is_not_sent_again(customer_writes, graph, anna):
    message = reply(customer_writes().conversation, anna, "Na de crash", channel="whatsapp")
    SendClaim.objects.create(
        message=message,
        token="t" * 32,
        sending_since=timezone.now() - SENDING_TIMEOUT - timedelta(seconds=1),
    )
    assert send_message.call(message.pk) == "queued"
    assert posts(graph) == []
    message.refresh_from_db()
    assert message.delivery_status == Message.Delivery.QUEUED
    assert "controleer het gesprek" in message.delivery_error


def test_a_claim_still_within_its_time_is_left_to_its_run(customer_writes, graph, anna):
    message = reply(customer_writes().conversation, anna, "Bezig", channel="whatsapp")
    SendClaim.objects.create(message=message, token="t" * 32, sending_since=timezone.now())
    assert send_message.call(message.pk) == "sending"
    assert posts(graph) == []
    message.refresh_from_db()
    assert message.delivery_error == ""
