"""What `bereikbaar serve` runs for email: the SMTP receiver and one IMAP poller per inbox.

Call start(stop) once; set `stop` to end it all. Inboxes added later get a poller within
RESCAN seconds.
"""

import logging
import threading

from bereikbaar.env import env_int, env_str

log = logging.getLogger(__name__)

RESCAN = 30.0


def start(stop: threading.Event) -> list[threading.Thread]:
    from django.conf import settings

    from bereikbaar.channels.email.smtp import MAX_BYTES, start_receiver

    port = settings.BEREIKBAAR_SMTP_PORT
    if port:
        host = env_str("BEREIKBAAR_SMTP_HOST", "127.0.0.1")
        max_bytes = env_int("BEREIKBAAR_SMTP_MAX_BYTES", MAX_BYTES)
        max_connections = settings.BEREIKBAAR_SMTP_MAX_CONNECTIONS
        try:
            controller = start_receiver(host, port, max_bytes, max_connections)
        except Exception as exc:  # a taken port must not take the web server down with it
            log.error("email: SMTP receiver not started on %s:%s: %s", host, port, exc)
        else:
            threading.Thread(
                target=lambda: (stop.wait(), controller.stop()), name="smtp-stop", daemon=True
            ).start()
    supervisor = threading.Thread(
        target=_supervise, args=(stop,), name="imap-supervisor", daemon=True
    )
    supervisor.start()
    return [supervisor]


def _supervise(stop: threading.Event) -> None:
    from django.db import close_old_connections

    from bereikbaar.channels.email.imap import start_poller
    from bereikbaar.channels.email.models import EmailInbox

    running: dict[int, threading.Thread] = {}
    while not stop.is_set():
        try:
            close_old_connections()
            for inbox in EmailInbox.objects.filter(enabled=True).exclude(imap_host=""):
                thread = running.get(inbox.pk)
                if inbox.polls_imap and (thread is None or not thread.is_alive()):
                    running[inbox.pk] = start_poller(inbox, stop)
        except Exception:
            log.exception("email: could not start IMAP pollers; trying again")
        stop.wait(RESCAN)
