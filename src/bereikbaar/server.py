"""Running the product: one process (HTTP + WebSockets + workers) or workers on their own."""

import asyncio
import logging
import signal
import threading

log = logging.getLogger("bereikbaar.server")


def _start_workers(stop: threading.Event, intake: bool = True, others: bool = True):
    """The intake worker, the task worker and the minutely sweep, each on a thread."""
    from django.conf import settings

    from bereikbaar.intake.worker import run_forever, warm_up

    threads = []
    if intake:
        warm_up()  # before the port opens (or the parent is told we are ready)
        kwargs = {"batch": settings.BEREIKBAAR_INTAKE_BATCH}
        threads.append(
            threading.Thread(target=run_forever, args=(stop,), kwargs=kwargs, name="intake-worker")
        )
    if others:
        threads.append(threading.Thread(target=_run_tasks, args=(stop,), name="task-worker"))
        threads.append(threading.Thread(target=_sweep, args=(stop,), name="routing-sweep"))
    for thread in threads:
        thread.daemon = True
        thread.start()
    return threads


def _sweep(stop: threading.Event, every: float = 60.0) -> None:
    """Once a minute: record SLA breaches, offer queued cases (a safety net for events) and
    send the satisfaction survey for conversations resolved since; give back tasks left running
    by a worker that died; enqueue again the store of pending attachments whose task ended
    (I18); once an hour, apply the inboxes' retention policies."""
    from functools import partial

    from django.db import close_old_connections
    from django.utils import timezone

    from bereikbaar.analytics.csat import offer_due_surveys
    from bereikbaar.conversations.attachments import reschedule_stranded
    from bereikbaar.conversations.retention import apply_if_due as retention
    from bereikbaar.delivery.recovery import requeue_stalled
    from bereikbaar.routing.management.commands.routing_sweep import sweep_once

    # surveys only for what is resolved from now on, never a burst for old history
    surveys = partial(offer_due_surveys, since=timezone.now())
    surveys.__name__ = "offer_due_surveys"
    while not stop.wait(every):
        for job in (sweep_once, surveys, requeue_stalled, reschedule_stranded, retention):
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


def serve(host: str, port: int, workers: bool = True, intake_processes: int = 0) -> None:
    """HTTP and WebSockets on one event loop, the workers on threads beside it. With
    `intake_processes`, the intake is filed by that many child processes instead: the filing
    then runs beside the web server rather than taking turns with it for one interpreter."""
    import uvicorn

    from bereikbaar.asgi import application
    from bereikbaar.realtime.publish import bind_server_loop
    from bereikbaar.supervise import Children

    stop = threading.Event()
    children = Children(["worker", "--intake-only"], intake_processes if workers else 0)
    if workers:
        _start_workers(stop, intake=not intake_processes)
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
        hub = await _listen_for_workers()
        # once the hub listens, so their first events find it; before the port opens, so the
        # first webhooks find them running
        await asyncio.to_thread(children.start)
        log.warning(
            "bereikbaar serving on http://%s:%s (workers: %s, intake processes: %s)",
            host,
            port,
            workers,
            intake_processes,
        )
        try:
            await server.serve()
        finally:
            if hub is not None:
                from bereikbaar.realtime.hub import socket_path

                hub.close()
                socket_path().unlink(missing_ok=True)

    try:
        asyncio.run(main())
    finally:
        stop.set()
        children.stop()


async def _listen_for_workers():
    """Workers in other processes send their events here (the in-memory layer only)."""
    from channels.layers import get_channel_layer

    from bereikbaar.realtime.hub import HubChannelLayer

    layer = get_channel_layer()
    return await layer.listen() if isinstance(layer, HubChannelLayer) else None


def run_workers(intake_only: bool = False) -> None:
    from bereikbaar.realtime.publish import bind_server_loop

    # Events go out through one long-lived loop rather than a new thread per group send.
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, name="realtime-publish", daemon=True).start()
    bind_server_loop(loop)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    threads = _start_workers(stop, others=not intake_only)
    what = "intake" if intake_only else "intake + tasks"
    log.warning("bereikbaar workers running (%s); Ctrl+C stops them", what)
    from bereikbaar.supervise import orphaned, report_ready

    report_ready()
    while not stop.wait(1.0):
        if orphaned():
            log.warning("the serving process is gone; stopping")
            stop.set()
    for thread in threads:
        thread.join(timeout=10)
