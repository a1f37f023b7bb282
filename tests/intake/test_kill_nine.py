"""`kill -9` of a real `bereikbaar serve` in the middle of a load (catalogue I1, I2, I3, I7).

A sender posts messages to POST /api/v1/inbound (or mails them to the SMTP receiver, which
answers 250 only after its commit) from several threads and the server is killed
with SIGKILL while they run: some requests were committed and answered, some committed and not
answered (the kill fell between the commit and the 202 or 250), some never committed, and the worker
may have been filing. The server is started again on the same files and the sender does what
a provider does: it sends again everything it got no 202 for, and (a retry after a lost
answer) some of what it did. Then every message is in the inbox exactly once, every 202 kept
its id, and nothing waited for the five-minute stale-claim sweep to be filed.
"""

import json
import os
import signal
import smtplib
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from email.message import EmailMessage
from email.policy import SMTP

from tests.browser.live_server import SETUP, live_env, run_python, serving

N = 300
KILL_AFTER = 100  # answered requests

INBOX = "service@bereikbaar.test"
MAILBOX = f"""
import django
django.setup()
from bereikbaar.channels.email.models import EmailInbox
EmailInbox.objects.create(address="{INBOX}")
"""
COUNTS = """
import django, json, sys
django.setup()
from bereikbaar.conversations.models import Message
from bereikbaar.intake.models import Inbound
channel = sys.argv[1]
rows = Inbound.objects.filter(channel=channel)
print(json.dumps({
    "status": {s: rows.filter(status=s).count() for s in ("accepted", "processing", "processed",
                                                          "quarantined")},
    "ids": {r.dedupe_key: r.pk for r in rows},
    "messages": Message.objects.filter(channel=channel).count(),
    "distinct": Message.objects.filter(channel=channel).values("provider_id").distinct().count(),
}))
"""


def post(base_url: str, token: str, i: int) -> int | None:
    """The inbound id of a 202, or None when the server did not answer."""
    body = {
        "external_id": f"k9-{i}",
        "from": {"email": f"klant{i % 40}@example.nl"},
        "text": f"Bericht {i}: mijn bestelling is nog niet binnen.",
    }
    request = urllib.request.Request(
        f"{base_url}/api/v1/inbound",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 202, response.status
            return json.loads(response.read())["id"]
    except (urllib.error.URLError, ConnectionError, OSError):
        return None


def mail(port: int, i: int) -> str | None:
    """The 250's text for a mail, or None when the receiver did not say 250."""
    message = EmailMessage()
    message["From"] = f"klant{i % 40}@example.nl"
    message["To"] = INBOX
    message["Subject"] = f"Bestelling {i}"
    message["Message-ID"] = f"<k9-{i}@example.nl>"
    message.set_content(f"Bericht {i}: mijn bestelling is nog niet binnen.")
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.ehlo()
            client.mail(message["From"])
            client.rcpt(INBOX)
            code, text = client.data(message.as_bytes(policy=SMTP))
    except (smtplib.SMTPException, OSError):
        return None
    return text.decode() if code == 250 else None


def server_pid(base_url: str) -> int:
    port = base_url.rsplit(":", 1)[1]
    found = subprocess.run(["pgrep", "-f", f"serve --port {port}"], capture_output=True, text=True)
    return int(found.stdout.split()[0])


def load_until_killed(base_url: str, send: Callable[[int], object]) -> dict[int, object]:
    """Four sender threads; the server is killed once KILL_AFTER requests were answered."""
    answered: dict[int, object] = {}
    lock = threading.Lock()
    todo = iter(range(N))
    pid = server_pid(base_url)
    killed = threading.Event()

    def sender() -> None:
        while True:
            with lock:
                i = next(todo, None)
            if i is None:
                return
            answer = send(i)
            with lock:
                if answer is not None:
                    answered[i] = answer
                if len(answered) >= KILL_AFTER and not killed.is_set():
                    killed.set()
                    os.kill(pid, signal.SIGKILL)

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert killed.is_set()
    return answered


def wait_filed(env: dict, channel: str, started: float) -> dict:
    while True:
        counts = json.loads(run_python(COUNTS.replace("sys.argv[1]", repr(channel)), env))
        if counts["status"]["processed"] + counts["status"]["quarantined"] == N:
            return counts
        assert time.monotonic() - started < 60, counts  # not the 5-minute stale sweep
        time.sleep(0.5)


def assert_exactly_once(counts: dict) -> None:
    assert counts["status"] == {"accepted": 0, "processing": 0, "processed": N, "quarantined": 0}
    assert counts["messages"] == counts["distinct"] == N


def test_a_server_killed_mid_load_loses_nothing_and_files_nothing_twice(tmp_path):
    with live_env(tmp_path) as env:
        token = run_python(SETUP, env, timeout=120)
        with serving(env, tmp_path) as base_url:
            answered = load_until_killed(base_url, lambda i: post(base_url, token, i))
        assert KILL_AFTER <= len(answered) < N  # the kill cut the load short
        with serving(env, tmp_path) as base_url:
            started = time.monotonic()
            again = [i for i in range(N) if i not in answered] + sorted(answered)[::10]
            for i in again:
                inbound_id = post(base_url, token, i)
                assert inbound_id is not None
                if i in answered:  # a retry of an answered message gets the same answer
                    assert inbound_id == answered[i]
                answered[i] = inbound_id
            counts = wait_filed(env, "api", started)
    assert_exactly_once(counts)
    assert {key: answered[int(key[3:])] for key in counts["ids"]} == counts["ids"]


def test_an_smtp_receiver_killed_mid_load_loses_no_mail_and_files_none_twice(tmp_path):
    with live_env(tmp_path) as env:
        run_python(SETUP, env, timeout=120)
        run_python(MAILBOX, env)
        port = int(env["BEREIKBAAR_SMTP_PORT"])
        with serving(env, tmp_path) as base_url:
            answered = load_until_killed(base_url, lambda i: mail(port, i))
        assert KILL_AFTER <= len(answered) < N
        with serving(env, tmp_path):
            started = time.monotonic()
            again = [i for i in range(N) if i not in answered] + sorted(answered)[::10]
            for i in again:
                answer = mail(port, i)
                assert answer is not None
                assert i not in answered or "duplicate" in answer  # stored before: not again
            counts = wait_filed(env, "email", started)
    assert_exactly_once(counts)
