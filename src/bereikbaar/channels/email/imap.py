"""Polling an existing mailbox over IMAP: by UID above a checkpoint (never by \\Seen, never by
sequence number), the checkpoint saved in the transaction that stores the mail, and the mail
flagged or moved only after that commit. IDLE where the server has it, else polling."""

import logging
import ssl
import threading
import time

from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from imap_tools import (
    AND,
    BaseMailBox,
    MailBox,
    MailBoxStartTls,
    MailBoxUnencrypted,
    MailMessage,
    MailMessageFlags,
    U,
)

from bereikbaar.channels.email.models import EmailInbox
from bereikbaar.channels.email.receive import store
from bereikbaar.env import env_str

log = logging.getLogger(__name__)

TIMEOUT = 30


class RawMessage(MailMessage):
    """imap-tools' message that also keeps the exact bytes the server sent."""

    def __init__(self, fetch_data: list) -> None:
        super().__init__(fetch_data)
        self.raw: bytes = self._get_message_data_parts(fetch_data)[0]


def tls_context() -> ssl.SSLContext:
    """Certificates are verified (imaplib alone would not): the system's CAs, or the file in
    BEREIKBAAR_IMAP_CAFILE for a server with a private CA."""
    return ssl.create_default_context(cafile=env_str("BEREIKBAAR_IMAP_CAFILE") or None)


def connect(inbox: EmailInbox) -> BaseMailBox:
    host, port = inbox.imap_host, inbox.imap_port
    if inbox.imap_security == "tls":
        mailbox = MailBox(host, port, timeout=TIMEOUT, ssl_context=tls_context())
    elif inbox.imap_security == "starttls":
        mailbox = MailBoxStartTls(host, port, timeout=TIMEOUT, ssl_context=tls_context())
    else:
        mailbox = MailBoxUnencrypted(host, port, timeout=TIMEOUT)
    mailbox.email_message_class = RawMessage
    return mailbox.login(inbox.imap_username, inbox.imap_password, initial_folder=None)


def poll_once(inbox: EmailInbox, mailbox: BaseMailBox) -> int:
    """Import everything above the checkpoint, oldest first; returns how many were stored."""
    mailbox.folder.set(inbox.imap_folder)
    validity = int(mailbox.folder.status(inbox.imap_folder, ["UIDVALIDITY"])["UIDVALIDITY"])
    if inbox.imap_uidvalidity != validity:  # a rebuilt mailbox: all again, deduped on Message-ID
        inbox.imap_uidvalidity, inbox.imap_last_uid = validity, 0
        inbox.save(update_fields=["imap_uidvalidity", "imap_last_uid"])
    uids = sorted(
        int(u)
        for u in mailbox.uids(AND(uid=U(inbox.imap_last_uid + 1, "*")))
        if int(u) > inbox.imap_last_uid
    )
    stored = 0
    for uid in uids:
        for message in mailbox.fetch(uid_list=[str(uid)], mark_seen=False):
            with transaction.atomic():
                store(message.raw, to=[inbox.address], via="imap")
                inbox.imap_last_uid = uid
                inbox.save(update_fields=["imap_last_uid"])
            stored += 1
            _done(inbox, mailbox, str(uid))  # after commit: a crash before here re-imports
    EmailInbox.objects.filter(pk=inbox.pk).update(imap_last_poll_at=timezone.now(), imap_error="")
    return stored


def _done(inbox: EmailInbox, mailbox: BaseMailBox, uid: str) -> None:
    if inbox.imap_move_to:
        mailbox.move(uid, inbox.imap_move_to)
    else:
        mailbox.flag(uid, MailMessageFlags.SEEN, True)


def _idle(mailbox: BaseMailBox, stop: threading.Event, timeout: float) -> None:
    """Wait in IDLE until the server reports a change, `timeout` passes or we are stopped."""
    deadline = time.monotonic() + timeout
    with mailbox.idle as idle:
        while not stop.is_set() and time.monotonic() < deadline:
            if idle.poll(timeout=1.0):
                return


def run(
    inbox_id: int, stop: threading.Event, idle_timeout: float = 300.0, interval: float = 60.0
) -> None:
    """Poll one inbox until stopped; reconnects after any failure, with the reason recorded."""
    try:
        _poll_until_stopped(inbox_id, stop, idle_timeout, interval)
    finally:
        connection.close()  # the thread ends: hand its database connection back (pool)


def _poll_until_stopped(
    inbox_id: int, stop: threading.Event, idle_timeout: float, interval: float
) -> None:
    failures = 0
    while not stop.is_set():
        close_old_connections()
        inbox = EmailInbox.objects.filter(pk=inbox_id).first()
        if inbox is None or not inbox.polls_imap:
            return
        try:
            with connect(inbox) as mailbox:
                idle = "IDLE" in mailbox.client.capabilities
                while not stop.is_set():
                    poll_once(inbox, mailbox)
                    failures = 0
                    if idle:
                        _idle(mailbox, stop, idle_timeout)
                    else:
                        stop.wait(interval)
                    inbox.refresh_from_db()
                    if not inbox.polls_imap:
                        return
        except Exception as exc:
            failures += 1
            log.warning("imap %s: %s (attempt %d)", inbox.address, exc, failures)
            EmailInbox.objects.filter(pk=inbox_id).update(imap_error=str(exc)[:2000])
            stop.wait(min(5 * 2**failures, 300))


def start_poller(inbox: EmailInbox, stop: threading.Event, **kwargs) -> threading.Thread:
    thread = threading.Thread(
        target=run, args=(inbox.pk, stop), kwargs=kwargs, name=f"imap-{inbox.address}", daemon=True
    )
    thread.start()
    return thread
