"""Catalogue I3: a worker killed in the middle of a task (kill -9, a crash, a deploy that did
not wait) leaves the task claimed and "running" in the task table. django-tasks-db never gives
such a task back, so the reply it was sending stayed "queued" for ever: lost, silently. The
sweep gives back tasks running longer than delivery.recovery.STALE, and the real worker then
sends the reply, once."""

import datetime

import pytest
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from bereikbaar.conversations.models import Message
from bereikbaar.delivery.recovery import STALE, requeue_stalled
from bereikbaar.delivery.reply import reply
from bereikbaar.intake.ingest import ingest
from bereikbaar.intake.message import InboundMessage

pytestmark = pytest.mark.django_db(transaction=True)


def run_a_worker() -> None:
    """The worker `bereikbaar serve` runs, until the table has nothing ready."""
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="alive",
        excluded_queue_names=[],
    ).run()


def test_i3_a_send_left_running_by_a_dead_worker_is_given_back_and_sent_once(
    service, anna, callback
):
    conversation = ingest(
        InboundMessage(
            channel="api", provider_id="in-1", identities=[("email", "k@example.nl")], text="Hoi"
        )
    ).conversation
    message = reply(conversation, anna, "Uw pakket komt morgen.")
    task = DBTaskResult.objects.get()
    task.claim("killed-worker")  # it claimed the send, then died before finishing
    DBTaskResult.objects.filter(pk=task.pk).update(
        started_at=timezone.now() - STALE - datetime.timedelta(seconds=1)
    )

    run_a_worker()
    message.refresh_from_db()
    assert message.delivery_status == Message.Delivery.QUEUED  # stuck: nobody takes it

    assert requeue_stalled() == 1
    run_a_worker()
    message.refresh_from_db()
    assert message.delivery_status == Message.Delivery.SENT
    assert len(callback.received) == 1
    assert requeue_stalled() == 0


def test_i3_a_task_still_within_its_time_is_left_alone(service, anna):
    conversation = ingest(
        InboundMessage(
            channel="api", provider_id="in-1", identities=[("email", "k@example.nl")], text="Hoi"
        )
    ).conversation
    reply(conversation, anna, "Even geduld.")
    task = DBTaskResult.objects.get()
    task.claim("busy-worker")  # running right now, in a live worker
    assert requeue_stalled() == 0
    assert DBTaskResult.objects.get(pk=task.pk).status == "RUNNING"
