"""Catalogue I18, the tail: a pending attachment must never stay pending for ever. Its task
retries a database error like a full disk; a task that still ended without recording its
retry (the database was down for that too, or the worker was lost) leaves the attachment with
no task waiting, and the minutely sweep (conversations.attachments.reschedule_stranded)
enqueues it again, counting on from its attempts, once."""

import pytest
from django.db import OperationalError
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bereikbaar.channels.email import pending
from bereikbaar.channels.email.pending import store_attachment
from bereikbaar.channels.email.receive import store
from bereikbaar.conversations.attachments import reschedule_stranded
from bereikbaar.conversations.models import Attachment
from bereikbaar.intake.worker import drain

from .conftest import ADDRESS, eml
from .test_reliability_storage import MAIL, disk  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def tasks(*statuses: str) -> list[list]:
    rows = DBTaskResult.objects.filter(task_path__endswith="email.pending.store_attachment")
    if statuses:
        rows = rows.filter(status__in=statuses)
    return sorted(row.args_kwargs["args"] for row in rows)


@pytest.fixture
def filed_pending(inbox, disk):  # noqa: F811
    disk.broken()
    store(eml(MAIL), to=[ADDRESS], sender="", via="smtp")
    drain()
    attachments = list(Attachment.objects.order_by("part"))
    assert [a.state for a in attachments] == ["pending", "pending"]
    return attachments


def test_a_database_error_in_the_task_is_retried_like_a_full_disk(filed_pending, monkeypatch):
    first = filed_pending[0]

    def locked(attachment):
        raise OperationalError("database is locked")

    monkeypatch.setattr(pending, "refind", locked)
    assert store_attachment.call(first.pk) == "pending"
    first.refresh_from_db()
    assert (first.attempts, first.error) == (1, "database is locked")
    assert [first.pk, 1] in tasks(TaskResultStatus.READY)


def test_the_sweep_enqueues_again_what_no_task_waits_for_and_only_that(filed_pending, disk):  # noqa: F811
    first, second = filed_pending
    assert reschedule_stranded() == 0  # both tasks still wait in the queue
    Attachment.objects.filter(pk=first.pk).update(attempts=3)
    # both runs ended without a retry (the task raised: django-tasks-db marks it failed); the
    # second attachment's task is running again on another worker meanwhile
    DBTaskResult.objects.filter(args_kwargs__args=[first.pk]).update(status=TaskResultStatus.FAILED)
    DBTaskResult.objects.filter(args_kwargs__args=[second.pk]).update(
        status=TaskResultStatus.RUNNING
    )
    assert reschedule_stranded() == 1
    assert tasks(TaskResultStatus.READY) == [[first.pk, 3]]  # counting on from its attempts
    assert reschedule_stranded() == 0  # enqueued once, not once a minute

    disk.repaired()
    assert store_attachment.call(first.pk, 3) == "stored"
    DBTaskResult.objects.update(status=TaskResultStatus.SUCCESSFUL)
    Attachment.objects.filter(pk=second.pk).update(state=Attachment.State.FAILED)
    assert reschedule_stranded() == 0  # stored and failed files are left alone
    assert disk.files() == [first.filename]


def test_the_minutely_sweep_runs_it(monkeypatch):
    import threading

    from bereikbaar import server

    stop, ran = threading.Event(), []

    def job(name: str, last: bool = False):
        def run(*args, **kwargs):
            ran.append(name)
            if last:
                stop.set()  # one round only

        return run

    monkeypatch.setattr("django.db.close_old_connections", lambda: None)
    for path in (
        "bereikbaar.routing.management.commands.routing_sweep.sweep_once",
        "bereikbaar.analytics.csat.offer_due_surveys",
        "bereikbaar.delivery.recovery.requeue_stalled",
        "bereikbaar.conversations.attachments.reschedule_stranded",
    ):
        monkeypatch.setattr(path, job(path.rsplit(".", 1)[1]))
    monkeypatch.setattr("bereikbaar.conversations.retention.apply_if_due", job("retention", True))
    server._sweep(stop, every=0.0)
    # after the dead workers' tasks are given back, so a task given back counts as waiting
    assert ran.index("reschedule_stranded") == ran.index("requeue_stalled") + 1
