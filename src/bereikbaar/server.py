"""Running the product: one process (HTTP + WebSockets + workers) or workers on their own."""

import asyncio
import logging
import signal
import threading

log = logging.getLogger("bereikbaar.server")


def _start_workers(stop: threading.Event) -> list[threading.Thread]:
    from django.conf import settings

    from bereikbaar.intake.worker import run_forever

    intake = threading.Thread(
        target=run_forever,
        args=(stop,),
        kwargs={"batch": settings.BEREIKBAAR_INTAKE_BATCH},
        name="intake-worker",
        daemon=True,
    )
    tasks = threading.Thread(target=_run_tasks, args=(stop,), name="task-worker", daemon=True)
    sweeper = threading.Thread(target=_sweep, args=(stop,), name="routing-sweep", daemon=True)
    for thread in (intake, tasks, sweeper):
        thread.start()
    return [intake, tasks, sweeper]


def _sweep(stop: threading.Event, every: float = 60.0) -> None:
    """Once a minute: record SLA breaches, offer queued cases (a safety net for events) and
    send the satisfaction survey for conversations resolved since; give back tasks left running
    by a worker that died; once an hour, apply the inboxes' retention policies."""
    from functools import partial

    from django.db import close_old_connections
    from django.utils import timezone

    from bereikbaar.analytics.csat import offer_due_surveys
    from bereikbaar.conversations.retention import apply_if_due as retention
    from bereikbaar.delivery.recovery import requeue_stalled
    from bereikbaar.routing.management.commands.routing_sweep import sweep_once

    # surveys only for what is resolved from now on, never a burst for old history
    surveys = partial(offer_due_surveys, since=timezone.now())
    surveys.__name__ = "offer_due_surveys"
    while not stop.wait(every):
        for job in (sweep_once, surveys, requeue_stalled, retention):
            try:
                close_old_connections()
                job()
            except Exception:
                log.exception("%s failed; trying again in a minute", job.__name__)


def _run_tasks(stop: threading.Event) -> None:
    """django-tasks-db's worker loop, in a thread: polls the task table every 0.2 s."""
    from django_tasks_db.management.commands.db_worker import Worker

    from bereikbaar.intake.worker import default_worker_id

    worker = Worker(
        queue_names=["*"],
        interval=0.2,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=default_worker_id()[:64],
        excluded_queue_names=[],
    )
    threading.Thread(
        target=lambda: (stop.wait(), setattr(worker, "running", False)), daemon=True
    ).start()
    while not stop.is_set():
        try:
            worker.run()
        except Exception:
            log.exception("task worker: unexpected error; restarting in a second")
            stop.wait(1.0)


def serve(host: str, port: int, workers: bool = True) -> None:
    import uvicorn

    from bereikbaar.asgi import application
    from bereikbaar.realtime.publish import bind_server_loop

    stop = threading.Event()
    if workers:
        _start_workers(stop)
        # the SMTP receiver and IMAP pollers run once per deployment, beside the workers
        from bereikbaar.channels.email.runtime import start as start_email

        start_email(stop)
    config = uvicorn.Config(
        application,
        host=host,
        port=port,
        lifespan="off",
        log_level="warning",
        ws="websockets-sansio",
    )
    server = uvicorn.Server(config)

    async def main() -> None:
        bind_server_loop(asyncio.get_running_loop())
        log.warning("bereikbaar serving on http://%s:%s (workers: %s)", host, port, workers)
        await server.serve()

    try:
        asyncio.run(main())
    finally:
        stop.set()


def run_workers() -> None:
    from bereikbaar.realtime.publish import bind_server_loop

    # Events go out through one long-lived loop rather than a new thread per group send.
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, name="realtime-publish", daemon=True).start()
    bind_server_loop(loop)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    threads = _start_workers(stop)
    log.warning("bereikbaar workers running (intake + tasks); Ctrl+C stops them")
    while not stop.wait(1.0):
        pass
    for thread in threads:
        thread.join(timeout=10)
