"""Tasks left running by a worker that died are given back after STALE, so a reply is never
stuck "queued" for ever.

django-tasks-db marks a task RUNNING when a worker claims it and has no recovery of its own: a
worker killed mid-task (kill -9, a crash, a deploy that did not wait) leaves it RUNNING, and no
worker picks it up again. Every task here is a short HTTP call with a timeout (sends, media
downloads), so one still running after STALE is dead. Running it again is safe: a send checks
the message's status first and a download its own. A send that died in the middle of its
provider call left its claim (delivery.claims): the run given back resends only where the
provider deduplicates (the same idempotency token or key), and otherwise (WhatsApp) shows the
agent that the reply may or may not have gone out. The sweep (server._sweep) calls
requeue_stalled() once a minute.
"""

import logging
from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

log = logging.getLogger(__name__)

STALE = timedelta(minutes=10)


def requeue_stalled(now: datetime | None = None) -> int:
    """Give back every task claimed more than STALE ago and still running; returns how many."""
    cutoff = (now or timezone.now()) - STALE
    stalled = DBTaskResult.objects.running().filter(started_at__lt=cutoff)
    count = stalled.update(status=TaskResultStatus.READY)
    if count:
        log.warning("tasks: gave back %d task(s) left running by a worker that died", count)
    return count
