"""Web chat round trip: widget message → agent's inbox socket, and agent reply → widget.

A fresh `bereikbaar serve` (uvicorn, Channels in-memory layer, in-process intake and task
workers, SQLite). A WebSocket client speaks the widget's protocol on /ws/chat/ (hello, then
messages with client ids, as widget.js does) and an admin agent listens on /ws/inbox/ with a
real session. For each of --messages rounds, one at a time, on the machine's one wall clock:

- *ack*: the visitor's message until /ws/chat/ acknowledges it (committed to the intake queue);
- *to agent*: until `message.created` for it arrives on the agent's inbox socket (filed by the
  intake worker into the contact's story, routed, published after commit);
- *reply*: an agent reply POSTed to /api/v1/conversations/<id>/reply (channel webchat) until it
  arrives on the visitor's socket (stored, enqueued, sent by the task worker, which polls its
  queue every 0.2 s, through the registered web chat sender).

Visitors rotate every few messages and the default run stays under the per-IP limit (60
messages a minute, all from 127.0.0.1), so flood control is not what is measured; a refusal
would be counted as lost, not hidden.
"""

import argparse
import asyncio
import json
import platform
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from load import percentile
from ours import _cli, free_port, fresh_env, wait_for_port
from results import write_section

HERE = Path(__file__).resolve().parent
PER_VISITOR = 5

SETUP = r"""
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from bereikbaar.api.models import ApiToken
from bereikbaar.routing.models import AgentProfile, Team

team = Team.objects.create(name="Klantenservice", slug="klantenservice", is_default=True)
admin = get_user_model().objects.create_superuser("alice", "alice@example.nl", "bench-wachtwoord")
AgentProfile.objects.create(user=admin, presence="online").teams.add(team)
session = SessionStore()
session[SESSION_KEY] = str(admin.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = admin.get_session_auth_hash()
session.create()
print(json.dumps({"session": session.session_key, "token": ApiToken.issue(admin)}))
"""


def post_reply(port: int, token: str, conversation_id: int, text: str) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/conversations/{conversation_id}/reply",
        data=json.dumps({"text": text, "channel": "webchat"}).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


async def wait_for(ws, predicate, timeout: float = 10.0) -> tuple[float, dict]:
    deadline = time.monotonic() + timeout
    while True:
        raw = await asyncio.wait_for(ws.recv(), timeout=max(0.01, deadline - time.monotonic()))
        at = time.time()
        data = json.loads(raw)
        if predicate(data):
            return at, data


async def rounds(port: int, session: str, token: str, messages: int) -> dict:
    from websockets.asyncio.client import connect

    figures = {"ack": [], "agent": [], "reply": [], "lost": 0}
    inbox = await connect(
        f"ws://127.0.0.1:{port}/ws/inbox/",
        additional_headers={
            "Cookie": f"sessionid={session}",
            "Origin": f"http://127.0.0.1:{port}",
        },
    )
    visitor = None
    try:
        for i in range(messages):
            if i % PER_VISITOR == 0:
                if visitor is not None:
                    await visitor.close()
                visitor = await connect(f"ws://127.0.0.1:{port}/ws/chat/")
                await visitor.send(json.dumps({"type": "hello", "token": "", "lang": "nl"}))
                await wait_for(visitor, lambda d: d["type"] == "welcome")
            cid = f"bench-{i}"
            sent = time.time()
            await visitor.send(
                json.dumps({"client_id": cid, "type": "message", "text": f"Vraag {i}"})
            )
            try:
                acked, answer = await wait_for(visitor, lambda d, c=cid: d.get("client_id") == c)
                if answer["type"] != "ack":
                    raise TimeoutError(answer.get("code"))
                arrived, event = await wait_for(
                    inbox,
                    lambda d: (
                        d.get("event") == "message.created"
                        and d["payload"].get("channel") == "webchat"
                        and d["payload"].get("direction") == "inbound"
                    ),
                )
            except TimeoutError:
                figures["lost"] += 1
                continue
            figures["ack"].append((acked - sent) * 1000)
            figures["agent"].append((arrived - sent) * 1000)
            replied = time.time()
            await asyncio.to_thread(
                post_reply, port, token, event["payload"]["conversation_id"], f"Antwoord {i}"
            )
            try:
                received, _ = await wait_for(visitor, lambda d: d["type"] == "message")
            except TimeoutError:
                figures["lost"] += 1
                continue
            figures["reply"].append((received - replied) * 1000)
            if (i + 1) % 20 == 0:
                print(f"  {i + 1}/{messages} round trips", flush=True)
    finally:
        if visitor is not None:
            await visitor.close()
        await inbox.close()
    return figures


def measure(messages: int) -> dict:
    data_dir, env = fresh_env("webchat-")
    print("setting up a fresh server …", flush=True)
    _cli(env, "manage", "migrate", "--verbosity", "0")
    creds = json.loads(_cli(env, "manage", "shell", "-c", SETUP).strip().splitlines()[-1])
    port = free_port()
    log = open(data_dir / "server.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bereikbaar.cli", "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, proc)
        return asyncio.run(rounds(port, creds["session"], creds["token"], messages))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def row(label: str, values: list[float]) -> str:
    return (
        f"| {label} | {len(values)} | {percentile(values, 50):.1f} | "
        f"{percentile(values, 99):.1f} | {max(values) if values else float('nan'):.1f} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50)
    args = parser.parse_args()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"web chat latency: {args.messages} round trips")
    figures = measure(args.messages)
    table = "\n".join(
        [
            "| from → to | samples | p50 ms | p99 ms | max ms |",
            "| --- | ---: | ---: | ---: | ---: |",
            row("widget message → acknowledged on /ws/chat/ (durable)", figures["ack"]),
            row("widget message → `message.created` on the agent's /ws/inbox/", figures["agent"]),
            row("agent reply (REST) → on the visitor's /ws/chat/", figures["reply"]),
        ]
    )
    print(table)
    write_section(
        "## Web chat widget round-trip latency\n\n"
        f"- **Date:** {started}; **command:** `make bench` "
        f"(`.venv/bin/python bench/widget_latency.py --messages {args.messages}`)\n"
        f"- **Machine:** {platform.machine()}, Python {platform.python_version()}; server and "
        "bench share the machine's 2 CPUs (with other work running)\n"
        "- One `bereikbaar serve` (uvicorn + Channels in-memory layer, in-process intake and "
        "task workers, SQLite). A WebSocket client speaks widget.js's protocol on /ws/chat/; "
        "an admin agent listens on /ws/inbox/. One message at a time: the visitor's message "
        "through intake into the contact's story to the agent's socket, then an agent reply "
        "through delivery's outbox task (polled every 0.2 s) to the visitor's socket.\n"
        f"- Round trips lost (nothing within 10 s): {figures['lost']}\n\n{table}\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
