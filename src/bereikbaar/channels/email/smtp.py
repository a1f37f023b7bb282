"""The SMTP receiver (aiosmtpd): 250 only once the raw mail is committed, 550 for addresses
that are not ours, 552 above the size limit, 452 4.3.1 when the disk or the database is full
and 451 when storing failed otherwise (both temporary: the sender keeps the mail and retries).

Two guards aiosmtpd does not have (docs/reliability-map.md C8, F4):
- a bare CR or LF inside DATA is refused (550), so no sender can smuggle a second message past
  a relay that reads line ends differently (SMTP smuggling, CVE-2023-51764 class);
- at most `max_connections` sessions at once; one more gets 421 and is closed, so a flood of
  idle connections cannot take every file descriptor and thread (the sender retries later).
"""

import asyncio
import errno
import logging
import socket
import sqlite3

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from django.db import close_old_connections, connection

from bereikbaar.channels.email.receive import inbox_addresses, store

log = logging.getLogger(__name__)

MAX_BYTES = 35 * 1024 * 1024
MAX_RECIPIENTS = 50
MAX_CONNECTIONS = 100

# Postfix's smtpd_forbid_bare_newline = reject answers smtpd_forbid_bare_newline_reject_code,
# which defaults to 550 (permanent: resending the same bytes cannot help). Postfix then hangs
# up; we keep the session, so the sender's next (well-formed) message still gets through.
BARE_NEWLINE = "550 5.6.0 bare CR or LF not allowed"
TOO_MANY_CONNECTIONS = "421 4.7.0 Too many connections, try again later"
# RFC 3463 4.3.1 "mail system full"; Postfix answers 452 4.3.1 when its queue disk is full.
INSUFFICIENT_STORAGE = "452 4.3.1 Insufficient system storage"
NOT_STORED = "451 4.3.0 Could not store the message; try again later"
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_FULL_SQLSTATE = "53100"  # PostgreSQL disk_full


def storage_full(exc: BaseException | None) -> bool:
    """True when `exc` (or what caused it) says the disk or the database is full: an OSError
    ENOSPC/EDQUOT, SQLite's SQLITE_FULL, PostgreSQL's disk_full. Django wraps database errors,
    keeping the driver's error as the cause, so the chain is followed."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS:
            return True
        if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            return True
        if getattr(exc, "sqlstate", None) == _FULL_SQLSTATE:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def has_bare_newline(data: bytes) -> bool:
    """True if a CR or LF occurs other than as part of a CRLF pair."""
    pairs = data.count(b"\r\n")
    return data.count(b"\r") != pairs or data.count(b"\n") != pairs


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
        if has_bare_newline(raw):
            log.info("smtp: refused a message with a bare CR or LF from %s", session.peer)
            return BARE_NEWLINE
        try:
            accepted = await asyncio.to_thread(
                _store, raw, list(envelope.rcpt_tos), envelope.mail_from or ""
            )
        except Exception as exc:
            log.exception("smtp: could not store a message from %r", envelope.mail_from)
            return INSUFFICIENT_STORAGE if storage_full(exc) else NOT_STORED
        note = " (duplicate)" if accepted.duplicate else ""
        return f"250 2.0.0 OK: queued as {accepted.id}{note}"


class ConnectionGate:
    """Counts open SMTP sessions. Only the receiver's event loop touches it, so no lock."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open = 0
        self._warned = False

    def enter(self) -> bool:
        if self.open >= self.limit:
            if not self._warned:  # once per episode of being full, not once per refusal
                log.warning("smtp: %s connections open; refusing more with 421", self.open)
                self._warned = True
            return False
        self.open += 1
        return True

    def leave(self) -> None:
        self.open -= 1
        if self.open < self.limit:
            self._warned = False


class CappedSMTP(SMTP):
    """An aiosmtpd session that takes a place at the gate, or answers 421 and hangs up.

    connection_lost runs for every end of a session (QUIT, reset, timeout, EOF), so the
    place is given back also when a client vanishes mid-command."""

    def __init__(self, handler, *, gate: ConnectionGate, **kwargs) -> None:
        super().__init__(handler, **kwargs)
        self._gate = gate
        self._admitted: bool | None = None  # None until the connection is made

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if self._admitted is None:  # a STARTTLS upgrade calls this again: count once
            self._admitted = self._gate.enter()
        super().connection_made(transport)

    def connection_lost(self, error: Exception | None) -> None:
        if self._admitted:
            self._admitted = False
            self._gate.leave()
        super().connection_lost(error)

    async def _handle_client(self) -> None:
        if self._admitted:
            return await super()._handle_client()
        await self.push(TOO_MANY_CONNECTIONS)  # in place of the 220 greeting (RFC 5321 3.1)
        if self.transport is not None:
            self.transport.close()


class CappedController(Controller):
    def __init__(self, handler, *, max_connections: int, **kwargs) -> None:
        super().__init__(handler, **kwargs)
        self.gate = ConnectionGate(max_connections)

    def factory(self) -> SMTP:
        return CappedSMTP(self.handler, gate=self.gate, **self.SMTP_kwargs)


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
    host: str = "127.0.0.1",
    port: int = 2525,
    max_bytes: int = MAX_BYTES,
    max_connections: int = MAX_CONNECTIONS,
) -> CappedController:
    """Start listening in a thread of its own; stop with .stop(). A taken port raises OSError."""
    if max_connections < 1:
        raise ValueError(f"max_connections must be at least 1, not {max_connections}")
    with socket.socket() as probe:  # fail at once, not after aiosmtpd's ready timeout
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
    if logging.getLogger("mail.log").level == logging.NOTSET:
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: a line per command
    controller = CappedController(
        Receiver(),
        max_connections=max_connections,
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
