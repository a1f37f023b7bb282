"""CTI event → agent latency: how fast the screen-pop reaches agents (issue 5: "within a second").

A fresh `bereikbaar serve` (uvicorn, Channels, in-process intake worker, SQLite) with a CTI line
and a team of agents. For each of --calls calls, one at a time, the bench POSTs `newCall` to
/channels/cti and measures, with the machine's one wall clock:

- *socket*: until the `call.ringing` event arrives on each of --agents agents' /ws/inbox/
  WebSockets (what every browser gets);
- *browser*: in a real Chromium page (Playwright, /usr/bin/chromium) logged in as one more agent,
  until inbox.js dispatches the event, and until the panel is in the page (a MutationObserver
  stamps performance.timeOrigin + performance.now() when the .screen-pop node is added: the
  panel's HTML has then been fetched from /channels/voice/calls/<id>/pop and shown).

Each call is then hung up (unanswered, so it also files a callback request, as in real life)
and the next one starts once the panel is gone. Results go to bench/RESULTS.md.
"""

import argparse
import json
import platform
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from load import percentile
from ours import _cli, free_port, fresh_env, wait_for_port
from results import write_section

HERE = Path(__file__).resolve().parent
TOKEN = "bench-cti-token"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

SETUP = r"""
import json, sys
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from bereikbaar.channels.voice.models import Line
from bereikbaar.routing.models import AgentProfile, Team

User = get_user_model()
team = Team.objects.create(name="Klantenservice", slug="klantenservice", is_default=True)
Line.objects.create(name="Klantenservice", token="%(token)s", number="+31201234567", team=team)
sessions = []
for i in range(%(agents)d):
    agent = User.objects.create_user(f"agent{i}", password="bench-agent-wachtwoord")
    AgentProfile.objects.create(user=agent, presence="online").teams.add(team)
    session = SessionStore()
    session[SESSION_KEY] = str(agent.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
    session.create()
    sessions.append(session.session_key)
print(json.dumps(sessions))
"""

OBSERVE = """() => {
  window.__bench = {event: null, panel: null, seen: {}};
  const now = () => performance.timeOrigin + performance.now();
  document.body.addEventListener("inbox:event", (e) => {
    if ((e.detail || {}).event === "call.ringing" && window.__bench.event === null) {
      window.__bench.event = now();
    }
  });
  new MutationObserver((records) => {
    for (const r of records) for (const node of r.addedNodes) {
      if (node.classList && node.classList.contains("screen-pop")
          && !window.__bench.seen[node.dataset.call] && window.__bench.panel === null) {
        window.__bench.seen[node.dataset.call] = true;
        window.__bench.panel = now();
      }
    }
  }).observe(document.getElementById("screen-pops"), {childList: true});
}"""


class Sockets:
    """N agents' inbox WebSockets in threads; the epoch time each call.ringing arrived."""

    def __init__(self, port: int, sessions: list[str]) -> None:
        self.port = port
        self.arrivals: list[list[float]] = [[] for _ in sessions]
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._ready = threading.Barrier(len(sessions) + 1, timeout=30)
        self._threads = [
            threading.Thread(target=self._run, args=(i, s), daemon=True)
            for i, s in enumerate(sessions)
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()
        self._ready.wait()

    def _run(self, index: int, session: str) -> None:
        from websockets.sync.client import connect

        try:
            with connect(
                f"ws://127.0.0.1:{self.port}/ws/inbox/",
                additional_headers={
                    "Cookie": f"sessionid={session}",
                    "Origin": f"http://127.0.0.1:{self.port}",
                },
                open_timeout=10,
            ) as ws:
                self._ready.wait()
                while not self._stop.is_set():
                    try:
                        raw = ws.recv(timeout=0.2)
                    except TimeoutError:
                        continue
                    at = time.time()
                    if json.loads(raw).get("event") == "call.ringing":
                        self.arrivals[index].append(at)
        except Exception as exc:  # reported in the results, not hidden
            self.errors.append(repr(exc))
            if not self._ready.broken:
                self._ready.abort()

    def count(self) -> int:
        return min(len(a) for a in self.arrivals)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)


def post_cti(port: int, body: dict) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/channels/cti",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def wait(predicate, timeout: float = 10.0) -> bool:
    stop = time.monotonic() + timeout
    while time.monotonic() < stop:
        if predicate():
            return True
        time.sleep(0.002)
    return False


def measure(calls: int, agents: int) -> dict:
    data_dir, env = fresh_env("cti-")
    print("setting up a fresh server …", flush=True)
    _cli(env, "manage", "migrate", "--verbosity", "0")
    code = SETUP % {"token": TOKEN, "agents": agents + 1}
    sessions = json.loads(_cli(env, "manage", "shell", "-c", code).strip().splitlines()[-1])
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
        return _run(port, sessions, calls)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def _run(port: int, sessions: list[str], calls: int) -> dict:
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{port}"
    sockets = Sockets(port, sessions[1:])
    sockets.start()
    socket_ms, event_ms, panel_ms, lost = [], [], [], 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="nl-NL")
        context.add_cookies([{"name": "sessionid", "value": sessions[0], "url": base}])
        page = context.new_page()
        page.goto(base + "/")
        page.wait_for_selector("body[data-screen-pop=live]", timeout=15000)
        page.evaluate(OBSERVE)
        for i in range(calls):
            page.evaluate("() => { window.__bench.event = null; window.__bench.panel = null; }")
            before = sockets.count()
            number = f"+316{20000000 + i}"
            sent = time.time()
            post_cti(port, {"event": "newCall", "callId": f"bench-{i}", "from": number})
            got = wait(lambda before=before: sockets.count() > before)
            try:
                page.wait_for_function("() => window.__bench.panel !== null", timeout=10000)
                stamps = page.evaluate("() => window.__bench")
                event_ms.append(stamps["event"] - sent * 1000)
                panel_ms.append(stamps["panel"] - sent * 1000)
            except Exception:
                lost += 1
            if got:
                socket_ms.extend((a[before] - sent) * 1000 for a in sockets.arrivals)
            else:
                lost += 1
            post_cti(
                port, {"event": "hangup", "callId": f"bench-{i}", "from": number, "cause": "cancel"}
            )
            page.wait_for_function(
                "() => !document.querySelector('#screen-pops .screen-pop')", timeout=10000
            )
            if (i + 1) % 50 == 0:
                print(f"  {i + 1}/{calls} calls", flush=True)
        browser.close()
    sockets.stop()
    return {
        "socket": socket_ms,
        "event": event_ms,
        "panel": panel_ms,
        "lost": lost,
        "errors": sockets.errors,
    }


def row(label: str, values: list[float]) -> str:
    return (
        f"| {label} | {len(values)} | {percentile(values, 50):.1f} | "
        f"{percentile(values, 99):.1f} | {max(values) if values else float('nan'):.1f} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--agents", type=int, default=5, help="WebSocket agents (plus 1 browser)")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"error: {CHROMIUM} not found (apt-get install chromium)", file=sys.stderr)
        return 2
    (HERE / ".work").mkdir(exist_ok=True)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"CTI → agent latency: {args.calls} calls, {args.agents} socket agents + 1 browser")
    figures = measure(args.calls, args.agents)
    table = "\n".join(
        [
            "| newCall POST → … | samples | p50 ms | p99 ms | max ms |",
            "| --- | ---: | ---: | ---: | ---: |",
            row(
                f"`call.ringing` on an agent's WebSocket ({args.agents} agents)", figures["socket"]
            ),
            row("event dispatched in the Chromium page", figures["event"]),
            row("screen-pop panel in the Chromium page", figures["panel"]),
        ]
    )
    print(table)
    notes = f"- Calls without an event or panel within 10 s: {figures['lost']}"
    if figures["errors"]:
        notes += f"; socket errors: {'; '.join(figures['errors'][:3])}"
    write_section(
        "## CTI event → agent screen-pop latency\n\n"
        f"- **Date:** {started}; **command:** `make bench` "
        f"(`.venv/bin/python bench/cti_latency.py --calls {args.calls} --agents {args.agents}`)\n"
        f"- **Machine:** {platform.machine()}, Python {platform.python_version()}; server, "
        "bench and Chromium share the machine's 2 CPUs (with other work running)\n"
        "- One `bereikbaar serve` (uvicorn + Channels in-memory layer, in-process intake "
        "worker, SQLite). Calls one at a time: `newCall` POSTed to /channels/cti, measured on "
        "the one wall clock until the WebSocket event arrives, until inbox.js dispatches it in "
        "Chromium, and until the panel (fetched from /channels/voice/calls/<id>/pop) is added "
        "to the page (MutationObserver, performance.timeOrigin + now()). Then a hangup.\n"
        f"{notes}\n\n{table}\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
