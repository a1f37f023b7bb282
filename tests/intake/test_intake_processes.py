"""`serve --intake-processes 1`: filing in a child process, events still reach the agents.

End to end against a real server: a webhook's message is filed by the child (its worker id
names another pid), the agent's WebSocket in the server gets the event through the hub (or
Redis), a killed child is started again, and a child whose server is killed stops by itself.
"""

import json
import os
import signal
import subprocess
import time
import urllib.request

import pytest
from websockets.sync.client import connect

from tests.browser.live_server import SETUP, live_env, run_python, serving

SESSION = """
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
user = get_user_model().objects.get(username="anna")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""


def post(base_url: str, token: str, external_id: str) -> int:
    body = {"external_id": external_id, "from": {"email": "karin@example.nl"}, "text": "Hallo"}
    request = urllib.request.Request(
        f"{base_url}/api/v1/inbound",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 202
        return json.loads(response.read())["id"]


def processed(base_url: str, token: str, inbound_id: int, within: float = 20) -> dict:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        request = urllib.request.Request(
            f"{base_url}/api/v1/inbound/{inbound_id}",
            headers={"Authorization": f"Bearer {token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            state = json.loads(response.read())
        if state["status"] == "processed":
            return state
        time.sleep(0.1)
    raise AssertionError(f"inbound {inbound_id} not processed within {within} s: {state}")


def worker_pids(server_pid: int) -> list[int]:
    found = subprocess.run(
        ["pgrep", "-P", str(server_pid), "-f", "worker --intake-only"],
        capture_output=True,
        text=True,
    )
    return [int(pid) for pid in found.stdout.split()]


def claimed_by(env: dict, inbound_id: int) -> str:
    code = (
        "import django; django.setup()\n"
        "from bereikbaar.intake.models import Inbound\n"
        f"print(Inbound.objects.get(pk={inbound_id}).claimed_by)"
    )
    return run_python(code, env)


def wait_for(condition, within: float = 20.0):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


@pytest.fixture
def split_server(tmp_path):
    with live_env(tmp_path) as env:
        token = run_python(SETUP, env, timeout=120)
        session = run_python(SESSION, env)
        with serving(env, tmp_path, "--intake-processes", "1") as base_url:
            yield env, base_url, token, session


def server_pid_of(base_url: str) -> int:
    port = base_url.rsplit(":", 1)[1]
    found = subprocess.run(["pgrep", "-f", f"serve --port {port}"], capture_output=True, text=True)
    return int(found.stdout.split()[0])


def test_a_child_files_and_the_agent_hears_of_it(split_server):
    env, base_url, token, session = split_server
    server = server_pid_of(base_url)
    [child] = wait_for(lambda: worker_pids(server))
    ws_url = base_url.replace("http", "ws") + "/ws/inbox/"
    headers = {"Cookie": f"sessionid={session}", "Origin": base_url}
    with connect(ws_url, additional_headers=headers, open_timeout=10) as socket:
        inbound_id = post(base_url, token, "split-1")
        state = processed(base_url, token, inbound_id)
        events = []
        deadline = time.monotonic() + 10
        while not any(e["event"] == "message.created" for e in events):
            assert time.monotonic() < deadline, f"no message.created; got {events}"
            events.append(json.loads(socket.recv(timeout=deadline - time.monotonic())))
    created = next(e for e in events if e["event"] == "message.created")
    assert created["payload"]["conversation_id"] == state["conversation_id"]
    # filed by the child, not by a thread of the server
    assert f":{child}:" in claimed_by(env, inbound_id)


def test_a_killed_child_is_replaced_and_filing_goes_on(split_server):
    env, base_url, token, _session = split_server
    server = server_pid_of(base_url)
    [first] = wait_for(lambda: worker_pids(server))
    os.kill(first, signal.SIGKILL)
    [second] = wait_for(lambda: [p for p in worker_pids(server) if p != first])
    inbound_id = post(base_url, token, "after-restart")
    processed(base_url, token, inbound_id)
    assert f":{second}:" in claimed_by(env, inbound_id)


def test_a_child_stops_when_its_server_is_killed(split_server):
    _env, base_url, _token, _session = split_server
    server = server_pid_of(base_url)
    [child] = wait_for(lambda: worker_pids(server))
    os.kill(server, signal.SIGKILL)
    wait_for(lambda: not os.path.exists(f"/proc/{child}") or _zombie(child), within=10)


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True
