"""The SMTP receiver (aiosmtpd): 250 only once the raw mail is committed, 550 for addresses
that are not ours, 552 above the size limit, 451 when storing failed (the sender retries)."""

import asyncio
import logging
import socket

from aiosmtpd.controller import Controller
from django.db import close_old_connections, connection

from bereikbaar.channels.email.receive import inbox_addresses, store

log = logging.getLogger(__name__)

MAX_BYTES = 35 * 1024 * 1024
MAX_RECIPIENTS = 50


class Receiver:
    """aiosmtpd handler; the database work runs in a thread, off the SMTP event loop."""

    def __init__(self, max_recipients: int = MAX_RECIPIENTS) -> None:
        self.max_recipients = max_recipients

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # noqa: N802
        address = address.strip().lower()
        try:
            known = await asyncio.to_thread(_known, address)
        except Exception:
            log.exception("smtp: could not look up %r", address)
            return "451 4.3.0 Temporary failure looking up the recipient; try again later"
        if not known:
            return f"550 5.1.1 <{address}>: no such mailbox here"
        if len(envelope.rcpt_tos) >= self.max_recipients:
            return "452 4.5.3 Too many recipients"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            accepted = await asyncio.to_thread(
                _store, raw, list(envelope.rcpt_tos), envelope.mail_from or ""
            )
        except Exception:
            log.exception("smtp: could not store a message from %r", envelope.mail_from)
            return "451 4.3.0 Could not store the message; try again later"
        note = " (duplicate)" if accepted.duplicate else ""
        return f"250 2.0.0 OK: queued as {accepted.id}{note}"


def _known(address: str) -> bool:
    close_old_connections()
    try:
        return address in inbox_addresses()
    finally:
        connection.close()  # executor threads come and go: hand the connection back (pool)


def _store(raw: bytes, to: list[str], sender: str):
    close_old_connections()
    try:
        return store(raw, to=to, sender=sender, via="smtp")
    finally:
        connection.close()


def start_receiver(
    host: str = "127.0.0.1", port: int = 2525, max_bytes: int = MAX_BYTES
) -> Controller:
    """Start listening in a thread of its own; stop with .stop(). A taken port raises OSError."""
    with socket.socket() as probe:  # fail at once, not after aiosmtpd's ready timeout
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
    if logging.getLogger("mail.log").level == logging.NOTSET:
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: a line per command
    controller = Controller(
        Receiver(),
        hostname=host,
        port=port,
        server_hostname=socket.gethostname(),
        data_size_limit=max_bytes,
        enable_SMTPUTF8=True,
        ident="bereikbaar ESMTP",
    )
    controller.start()
    log.warning("bereikbaar receiving email on smtp://%s:%s", host, port)
    return controller
