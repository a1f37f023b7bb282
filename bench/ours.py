"""Our side: a fresh data dir, `bereikbaar serve` (uvicorn + in-process intake worker), load.

"Processed" is read from the server's own SQLite table intake_inbound: received_at is written
by accept() before the 202, processed_at by the intake worker in the transaction that files the
message (the agents' push goes out on that commit). Both are server clocks.

An agent is also connected to /ws/inbox/ (session made directly in the database, since the
login page is not needed for that) and counts the message.created events it is pushed; its
"POST sent -> event received" latency uses the bench's own clock at both ends.
"""

import json
import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from cpu import Meter, Share
from load import Result, percentile, run

HERE = Path(__file__).resolve().parent

SETUP = r"""
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from bereikbaar.routing.models import AgentProfile, Team

User = get_user_model()
team, _ = Team.objects.get_or_create(
    slug="klantenservice", defaults={"name": "Klantenservice", "is_default": True})
agent = User.objects.create_user("agent", password="bench-agent-wachtwoord")
profile = AgentProfile.objects.create(
    user=agent, presence=AgentProfile.Presence.ONLINE, max_concurrent=1000, languages=["nl"])
profile.teams.add(team)
User.objects.create_user("koppeling")
session = SessionStore()
session[SESSION_KEY] = str(agent.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
session.create()
print(json.dumps({"session": session.session_key}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_env(prefix: str) -> tuple[Path, dict]:
    """A fresh data dir under bench/.work and the environment of a server that uses it: the
    embedded default (SQLite, in-memory layer), quiet logs, its own SMTP port."""
    (HERE / ".work").mkdir(exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix=prefix, dir=HERE / ".work"))
    env = {
        **os.environ,
        "BEREIKBAAR_DATA_DIR": str(data_dir),
        "BEREIKBAAR_LOG_LEVEL": "WARNING",
        "BEREIKBAAR_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "bereikbaar.settings",
        "BEREIKBAAR_SMTP_PORT": str(free_port()),
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    return data_dir, env


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not listen on {port} within {timeout:.0f} s")


@contextmanager
def serve_metered(env: dict, data_dir: Path):
    """`bereikbaar serve` (one process, its log in the data dir) on a free port: yields (port,
    the started CPU meter of its process tree); stopped, killed if need be, when the block ends."""
    port = free_port()
    with open(data_dir / "server.log", "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bereikbaar.cli", "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(port, proc)
            meter = Meter(proc.pid)
            meter.start()
            yield port, meter
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _cli(env: dict, *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "bereikbaar.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if out.returncode != 0:
        raise RuntimeError(f"bereikbaar {' '.join(args[:2])} failed:\n{out.stderr[-2000:]}")
    return out.stdout


def _ts(value) -> float:
    """Django's SQLite datetime text (naive UTC), or PostgreSQL's datetime -> epoch seconds."""
    dt = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


class AgentSocket:
    """One agent's inbox WebSocket, in a thread: records when each message.created arrives."""

    def __init__(self, port: int, session: str) -> None:
        self.port, self.session = port, session
        self.received: dict[int, float] = {}  # message_id -> time.time() at receipt
        self.events = 0
        self.error = ""
        self.ready = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()
        self.ready.wait(10)

    def _run(self) -> None:
        from websockets.sync.client import connect

        try:
            with connect(
                f"ws://127.0.0.1:{self.port}/ws/inbox/",
                additional_headers={
                    "Cookie": f"sessionid={self.session}",
                    "Origin": f"http://127.0.0.1:{self.port}",
                },
                open_timeout=10,
            ) as ws:
                # The server closes at once (code 4401-ish) when the session is not accepted.
                self.ready.set()
                while not self._stop.is_set():
                    try:
                        raw = ws.recv(timeout=0.2)
                    except TimeoutError:
                        continue
                    now = time.time()
                    data = json.loads(raw)
                    self.events += 1
                    if data.get("event") == "message.created":
                        self.received.setdefault(int(data["payload"]["message_id"]), now)
        except Exception as exc:  # reported, never fatal: the DB figures stand on their own
            if not self._stop.is_set():
                self.error = repr(exc)
        finally:
            self.ready.set()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


@dataclass
class OursRun:
    http: Result
    processed: int = 0
    quarantined: int = 0
    unfinished: int = 0
    processed_per_s: float = 0.0
    rp_ms: list[float] = field(default_factory=list)  # received -> processed, server clock
    messages: int = 0
    conversations: int = 0
    assigned: int = 0
    push_ms: list[float] = field(default_factory=list)  # POST sent -> agent WS event, bench clock
    pushed: int = 0
    ws_error: str = ""
    share: Share | None = None


def bodies_for(workload, run_tag: str) -> list[bytes]:
    out = []
    for i, (customer, text) in enumerate(workload):
        sender = {"name": customer.name}
        if customer.phone:
            sender["phone"] = customer.phone
        else:
            sender["email"] = customer.email
        body = {"external_id": f"bench-{run_tag}-{i}", "from": sender, "text": text}
        out.append(json.dumps(body, ensure_ascii=False).encode())
    return out


@contextmanager
def scale_out(env: dict, postgres: str, redis: str):
    """With `postgres` (a server URL), the run gets a fresh database there, dropped after."""
    if not postgres:
        yield env
        return
    import psycopg

    name = f"bench_ingest_{secrets.token_hex(4)}"
    parts = urlsplit(postgres)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {
            **env,
            "DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}")),
            **({"REDIS_URL": redis} if redis else {}),
        }
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _reader(env: dict, data_dir: Path):
    """A read connection to the server's database, to count what it has processed."""
    if url := env.get("DATABASE_URL"):
        import psycopg

        return psycopg.connect(url, autocommit=True)
    return read_sqlite(data_dir / "bereikbaar.sqlite3")


def read_sqlite(main: Path) -> sqlite3.Connection:
    """The main file read-only, with the intake queue's file attached: SQLite looks an
    unqualified table up in the attached files too, so intake_inbound is found in either."""
    db = sqlite3.connect(f"file:{main}?mode=ro", uri=True, timeout=30)
    queue = main.with_name(f"{main.stem}-intake.sqlite3")
    if queue.exists():
        db.execute("ATTACH DATABASE ? AS queue", [f"file:{queue}?mode=ro"])
    return db


def measure(
    workload,
    concurrency: int,
    intake_processes: int = 0,
    postgres: str = "",
    redis: str = "",
    wait_timeout: float = 120.0,
    rate: float | None = None,
) -> OursRun:
    """One run against `bereikbaar serve` (with `--intake-processes N` when N > 0), on SQLite
    or, with `postgres`, on a fresh database of that server (and Redis, with `redis`); paced
    at `rate` POSTs per second when given (load.run)."""
    data_dir, env = fresh_env(f"ours-c{concurrency}-p{intake_processes}-")
    with scale_out(env, postgres, redis) as env:
        return _measure(workload, concurrency, intake_processes, data_dir, env, wait_timeout, rate)


def _measure(
    workload, concurrency, intake_processes, data_dir, env, wait_timeout, rate=None
) -> OursRun:
    _cli(env, "manage", "migrate", "--verbosity", "0")
    session = json.loads(_cli(env, "manage", "shell", "-c", SETUP).strip().splitlines()[-1])[
        "session"
    ]
    token = _cli(env, "token", "create", "koppeling").strip().splitlines()[-1]

    port = free_port()
    log_path = data_dir / "server.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bereikbaar.cli", "serve", "--port", str(port)]
        + (["--intake-processes", str(intake_processes)] if intake_processes else []),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    agent = None
    finished = False
    try:
        wait_for_port(port, proc)
        agent = AgentSocket(port, session)
        agent.start()
        meter = Meter(proc.pid)
        meter.start()
        bodies = bodies_for(workload, f"c{concurrency}")
        sent_at: dict[int, float] = {}
        result = run(
            "ours",
            port,
            "/api/v1/inbound",
            {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
            bodies,
            concurrency,
            expect=202,
            on_response=lambda i, t_sent, body: sent_at.__setitem__(json.loads(body)["id"], t_sent),
            rate=rate,
        )
        out = OursRun(http=result)
        db = _reader(env, data_dir)
        try:
            deadline = time.monotonic() + wait_timeout
            while True:
                counts = dict(
                    db.execute(
                        "SELECT status, count(*) FROM intake_inbound GROUP BY status"
                    ).fetchall()
                )
                pending = counts.get("accepted", 0) + counts.get("processing", 0)
                print(
                    f"  ours c={concurrency}: processed {counts.get('processed', 0)}/{result.ok}",
                    file=sys.stderr,
                    flush=True,
                )
                if pending == 0 or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
            share = meter.stop()
            time.sleep(0.5)  # the last commit's pushes reach the socket
            out.share = share
            out.processed = counts.get("processed", 0)
            out.quarantined = counts.get("quarantined", 0)
            out.unfinished = pending
            if pending:
                print(
                    f"  ours c={concurrency}: gave up with {pending} unprocessed", file=sys.stderr
                )
            rows = db.execute(
                "SELECT id, received_at, processed_at, message_ids FROM intake_inbound"
                " WHERE status = 'processed'"
            ).fetchall()
            if rows:
                received = [_ts(r[1]) for r in rows]
                processed = [_ts(r[2]) for r in rows]
                out.rp_ms = [(p - r) * 1000 for r, p in zip(received, processed, strict=True)]
                span = max(processed) - min(received)
                out.processed_per_s = len(rows) / span if span > 0 else 0.0
            out.messages = db.execute("SELECT count(*) FROM conversations_message").fetchone()[0]
            out.conversations, out.assigned = db.execute(
                "SELECT count(*), count(assignee_id) FROM conversations_conversation"
            ).fetchone()
        finally:
            db.close()
        agent.stop()
        out.ws_error = agent.error
        out.pushed = 0
        for inbound_id, _received, _processed, message_ids in rows:
            ids = json.loads(message_ids) if isinstance(message_ids, str) else message_ids
            for message_id in ids:
                got = agent.received.get(message_id)
                if got is not None and inbound_id in sent_at:
                    out.pushed += 1
                    out.push_ms.append((got - sent_at[inbound_id]) * 1000)
        finished = True
        return out
    finally:
        if agent is not None:
            agent.stop()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        tail = log_path.read_text(errors="replace").strip().splitlines()[-15:]
        if any("Error" in line or "Traceback" in line for line in tail):
            print("  server log tail:\n    " + "\n    ".join(tail), file=sys.stderr)
        elif finished and not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(data_dir, ignore_errors=True)


def summary(r: OursRun) -> dict:
    nan = float("nan")
    return {
        "accepted_per_s": r.http.ok_per_s,
        "errors": r.http.errors,
        "statuses": r.http.statuses,
        "http_p50_ms": percentile(r.http.latencies, 50) * 1000,
        "http_p99_ms": percentile(r.http.latencies, 99) * 1000,
        "processed": r.processed,
        "quarantined": r.quarantined,
        "unfinished": r.unfinished,
        "processed_per_s": r.processed_per_s,
        "rp_p50_ms": percentile(r.rp_ms, 50),
        "rp_p99_ms": percentile(r.rp_ms, 99),
        "messages": r.messages,
        "conversations": r.conversations,
        "assigned": r.assigned,
        "pushed": r.pushed,
        "push_p50_ms": percentile(r.push_ms, 50),
        "push_p99_ms": percentile(r.push_ms, 99),
        "ws_error": r.ws_error,
        "others_pct": r.share.others_pct if r.share else nan,
        "load1": r.share.load1 if r.share else nan,
        "server_cpu_ms": r.share.server * 1000 / r.processed if r.share and r.processed else nan,
    }
