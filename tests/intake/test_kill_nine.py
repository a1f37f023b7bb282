"""`kill -9` of a real `bereikbaar serve` in the middle of a load (catalogue I1, I2, I3).

A sender posts messages to POST /api/v1/inbound from several threads and the server is killed
with SIGKILL while they run: some requests were committed and answered, some committed and not
answered (the kill fell between the commit and the 202), some never committed, and the worker
may have been filing. The server is started again on the same files and the sender does what
a provider does: it sends again everything it got no 202 for, and (a retry after a lost
answer) some of what it did. Then every message is in the inbox exactly once, every 202 kept
its id, and nothing waited for the five-minute stale-claim sweep to be filed.
"""

import json
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request

from tests.browser.live_server import SETUP, live_env, run_python, serving

N = 300
KILL_AFTER = 100  # answered requests

COUNTS = """
import django, json
django.setup()
from bereikbaar.conversations.models import Message
from bereikbaar.intake.models import Inbound
rows = Inbound.objects.filter(channel="api")
print(json.dumps({
    "status": {s: rows.filter(status=s).count() for s in ("accepted", "processing", "processed",
                                                          "quarantined")},
    "ids": {r.dedupe_key: r.pk for r in rows},
    "messages": Message.objects.filter(channel="api").count(),
    "distinct": Message.objects.filter(channel="api").values("provider_id").distinct().count(),
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


def server_pid(base_url: str) -> int:
    port = base_url.rsplit(":", 1)[1]
    found = subprocess.run(["pgrep", "-f", f"serve --port {port}"], capture_output=True, text=True)
    return int(found.stdout.split()[0])


def load_until_killed(base_url: str, token: str) -> dict[int, int]:
    """Four sender threads; the server is killed once KILL_AFTER requests were answered."""
    answered: dict[int, int] = {}
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
            inbound_id = post(base_url, token, i)
            with lock:
                if inbound_id is not None:
                    answered[i] = inbound_id
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


def test_a_server_killed_mid_load_loses_nothing_and_files_nothing_twice(tmp_path):
    with live_env(tmp_path) as env:
        token = run_python(SETUP, env, timeout=120)
        with serving(env, tmp_path) as base_url:
            answered = load_until_killed(base_url, token)
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
            while True:
                counts = json.loads(run_python(COUNTS, env))
                if counts["status"]["processed"] + counts["status"]["quarantined"] == N:
                    break
                assert time.monotonic() - started < 60, counts  # not the 5-minute sweep
                time.sleep(0.5)
    assert counts["status"] == {"accepted": 0, "processing": 0, "processed": N, "quarantined": 0}
    assert counts["messages"] == counts["distinct"] == N
    assert {key: answered[int(key[3:])] for key in counts["ids"]} == counts["ids"]
