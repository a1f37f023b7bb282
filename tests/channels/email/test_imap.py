"""The IMAP poller against a real Dovecot on loopback (started here, with a throwaway mailbox)."""

import itertools
import os
import shutil
import signal
import ssl
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from imap_tools import MailBoxUnencrypted, MailMessageFlags

from bereikbaar.channels.email import imap
from bereikbaar.channels.email.models import EmailInbox
from bereikbaar.channels.email.receive import store
from bereikbaar.conversations.models import Message
from bereikbaar.intake.models import Inbound

from .conftest import eml, free_port
from .test_threading import mail

DOVECOT = "/usr/sbin/dovecot"
PASSWORD = "geheim-imap"
USERS = [f"inbox{i}@bedrijf.nl" for i in range(40)]
_next_user = itertools.count()

pytestmark = pytest.mark.skipif(
    not os.path.exists(DOVECOT),
    reason="Dovecot is not installed: apt-get install dovecot-imapd (tests start their own)",
)

CONFIG = """
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/run/state
log_path = {root}/dovecot.log
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain
mail_location = maildir:{root}/mail/%n
first_valid_uid = 1
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={root}/mail/%n
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service anvil {{
  chroot =
}}
protocol imap {{
  mail_max_userip_connections = 100
}}
"""


@pytest.fixture(scope="session")
def dovecot():
    root = Path(tempfile.mkdtemp(prefix="bereikbaar-dovecot-"))
    root.chmod(0o755)
    (root / "mail").mkdir()
    shutil.chown(root / "mail", "nobody", "nogroup")
    (root / "passwd").write_text("".join(f"{u}:{{PLAIN}}{PASSWORD}\n" for u in USERS))
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(root / "key.pem"),
            "-out",
            str(root / "cert.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    port, tls_port = free_port(), free_port()
    config = root / "dovecot.conf"
    config.write_text(CONFIG.format(root=root, port=port, tls_port=tls_port))
    subprocess.run([DOVECOT, "-c", str(config)], check=True, timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            MailBoxUnencrypted("127.0.0.1", port).logout()
            break
        except OSError:
            time.sleep(0.05)
    yield SimpleNamespace(port=port, tls_port=tls_port, cafile=str(root / "cert.pem"))
    pid = int((root / "run" / "master.pid").read_text())
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
        time.sleep(0.02)
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def account(dovecot):
    """A fresh, empty mailbox on the Dovecot server: (address, an open admin connection)."""
    user = USERS[next(_next_user)]
    with MailBoxUnencrypted("127.0.0.1", dovecot.port).login(user, PASSWORD) as admin:
        yield user, admin


@pytest.fixture
def imap_inbox(db, dovecot, account) -> EmailInbox:
    return EmailInbox.objects.create(
        address=account[0],
        imap_host="127.0.0.1",
        imap_port=dovecot.port,
        imap_username=account[0],
        imap_password=PASSWORD,
        imap_security="none",
    )


def poll(inbox: EmailInbox) -> int:
    with imap.connect(inbox) as mailbox:
        return imap.poll_once(inbox, mailbox)


def put(admin, raw: bytes, flags=()) -> None:
    admin.append(raw, "INBOX", flag_set=flags)


def test_it_imports_waiting_mail_in_uid_order_and_marks_it_after(imap_inbox, account, run_intake):
    _, admin = account
    for i in range(12):  # more than the ten a peer once fetched
        put(admin, mail(f"imap-{i}@example.nl", subject=f"Vraag {i}"))
    assert poll(imap_inbox) == 12
    keys = list(Inbound.objects.order_by("id").values_list("dedupe_key", flat=True))
    assert keys == [f"imap-{i}@example.nl" for i in range(12)]
    assert all(MailMessageFlags.SEEN in m.flags for m in admin.fetch(mark_seen=False))
    imap_inbox.refresh_from_db()
    assert imap_inbox.imap_last_uid == 12 and imap_inbox.imap_error == ""
    assert poll(imap_inbox) == 0
    run_intake()
    assert Message.objects.count() == 12


def test_mail_read_by_another_client_is_still_imported(imap_inbox, account):
    put(account[1], mail("seen@example.nl"), flags=[MailMessageFlags.SEEN])
    assert poll(imap_inbox) == 1


def test_it_moves_mail_to_a_folder_after_commit(imap_inbox, account):
    _, admin = account
    admin.folder.create("Verwerkt")
    imap_inbox.imap_move_to = "Verwerkt"
    imap_inbox.save()
    put(admin, mail("move-1@example.nl"))
    put(admin, mail("move-2@example.nl"))
    assert poll(imap_inbox) == 2
    admin.folder.set("INBOX")
    assert list(admin.uids()) == []
    admin.folder.set("Verwerkt")
    assert len(list(admin.uids())) == 2


def test_a_restart_or_new_uidvalidity_never_imports_twice(imap_inbox, account):
    _, admin = account
    put(admin, mail("once@example.nl"))
    put(admin, eml("no_message_id.eml"))
    assert poll(imap_inbox) == 2
    imap_inbox.imap_uidvalidity = 1  # the server rebuilt the mailbox: everything is fetched again
    imap_inbox.save()
    assert poll(imap_inbox) == 2
    assert Inbound.objects.count() == 2


def test_a_crash_before_marking_leaves_the_mail_and_no_duplicate(imap_inbox, account, monkeypatch):
    _, admin = account
    put(admin, mail("crash@example.nl"))
    real_done = imap._done
    monkeypatch.setattr(imap, "_done", lambda *a: (_ for _ in ()).throw(OSError("weg")))
    with pytest.raises(OSError):
        poll(imap_inbox)
    assert Inbound.objects.count() == 1
    assert not any(MailMessageFlags.SEEN in m.flags for m in admin.fetch(mark_seen=False))
    monkeypatch.setattr(imap, "_done", real_done)
    imap_inbox.imap_last_uid = 0  # even a lost checkpoint makes no second row
    imap_inbox.save()
    poll(imap_inbox)
    assert Inbound.objects.count() == 1


def test_the_same_mail_over_smtp_and_imap_is_one_row(imap_inbox, account):
    store(eml("plain_nl.eml"), to=["service@bedrijf.nl"])
    put(account[1], eml("plain_nl.eml"))
    assert poll(imap_inbox) == 1
    assert Inbound.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_idle_picks_up_new_mail_at_once(dovecot, account):
    user, admin = account
    inbox = EmailInbox.objects.create(
        address=user,
        imap_host="127.0.0.1",
        imap_port=dovecot.port,
        imap_username=user,
        imap_password=PASSWORD,
        imap_security="none",
    )
    stop = threading.Event()
    thread = imap.start_poller(inbox, stop, idle_timeout=30)
    try:
        _wait(lambda: EmailInbox.objects.get(pk=inbox.pk).imap_last_poll_at is not None)
        started = time.monotonic()
        put(admin, mail("idle@example.nl"))
        _wait(lambda: Inbound.objects.filter(dedupe_key="idle@example.nl").exists())
        assert time.monotonic() - started < 4  # woken by IDLE, not by the 30 s timeout
    finally:
        stop.set()
        thread.join(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_is_recorded_and_retried(dovecot, account):
    user, _ = account
    inbox = EmailInbox.objects.create(
        address=user,
        imap_host="127.0.0.1",
        imap_port=dovecot.port,
        imap_username=user,
        imap_password="fout",
        imap_security="none",
    )
    stop = threading.Event()
    thread = imap.start_poller(inbox, stop)
    try:
        _wait(lambda: EmailInbox.objects.get(pk=inbox.pk).imap_error != "")
        assert "AUTHENTICATIONFAILED" in EmailInbox.objects.get(pk=inbox.pk).imap_error.upper()
    finally:
        stop.set()
        thread.join(timeout=10)


def _wait(condition, timeout: float = 8.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.parametrize(("security", "tls"), [("tls", True), ("starttls", False)])
def test_tls_and_starttls_verify_the_certificate(
    imap_inbox, account, dovecot, monkeypatch, security, tls
):
    imap_inbox.imap_security = security
    imap_inbox.imap_port = dovecot.tls_port if tls else dovecot.port
    put(account[1], mail(f"{security}@example.nl"))
    with pytest.raises(ssl.SSLCertVerificationError):
        poll(imap_inbox)  # a self-signed certificate is not trusted by default
    monkeypatch.setenv("BEREIKBAAR_IMAP_CAFILE", dovecot.cafile)
    assert poll(imap_inbox) == 1
