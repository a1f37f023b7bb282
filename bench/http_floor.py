"""The floor under `make bench`'s ingest figures: what the same client gets from uvicorn with a
bare ASGI app that answers 202 and does nothing else (no Django, no filing), and the same app
storing each body with one INSERT committed to SQLite (WAL, synchronous=FULL, on a thread, as
our accept does), into bench/RESULTS.md under "## HTTP floor (no Django, no filing)".

    .venv/bin/python bench/http_floor.py [--n 4000]

It shows how much of a round trip is the HTTP stack and the Python client on this machine,
and so what is left for storing and filing a message at a given multiple of the peer's rate.
"""

import argparse
import asyncio
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from load import percentile, run  # noqa: E402
from ours import free_port, wait_for_port  # noqa: E402
from results import write_section  # noqa: E402

BODY = json.dumps({"id": 1, "duplicate": False, "status": "accepted"}).encode()


STORE = os.environ.get("HTTP_FLOOR_STORE", "")  # a SQLite file: store each body there
_local = threading.local()


def _insert(body: bytes) -> None:
    db = getattr(_local, "db", None)
    if db is None:
        db = _local.db = sqlite3.connect(STORE, isolation_level=None, timeout=30)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = FULL")
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO inbound (payload) VALUES (?)", (body,))
    db.execute("COMMIT")


async def app(scope, receive, send):
    """Reads the whole body (stores it when STORE names a file), answers 202."""
    if scope["type"] != "http":
        return
    chunks, more = [], True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    if STORE:
        await asyncio.get_running_loop().run_in_executor(None, _insert, b"".join(chunks))
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 202, "headers": headers})
    await send({"type": "http.response.body", "body": BODY})


def serve(port: int) -> None:
    import uvicorn

    uvicorn.run("http_floor:app", host="127.0.0.1", port=port, log_level="warning", lifespan="off")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    body = json.dumps({"external_id": "x", "from": {"email": "k@example.nl"}, "text": "Hallo"})
    rows = []
    for label, store in (("answer only", False), ("+ one fsync'd SQLite INSERT", True)):
        env = dict(os.environ)
        if store:
            path = Path(tempfile.mkdtemp(prefix="floor-", dir=HERE / ".work")) / "q.sqlite3"
            with sqlite3.connect(path) as db:
                db.execute("CREATE TABLE inbound (id INTEGER PRIMARY KEY, payload BLOB)")
            env["HTTP_FLOOR_STORE"] = str(path)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--serve", str(port)],
            cwd=HERE,
            env=env,
        )
        try:
            wait_for_port(port, server)
            for concurrency in (1, 8):
                result = run(
                    "floor",
                    port,
                    "/api/v1/inbound",
                    {"Content-Type": "application/json"},
                    [body.encode()] * args.n,
                    concurrency,
                    202,
                )
                rows.append(
                    f"| {label} | {concurrency} | {result.ok_per_s:,.0f} | "
                    f"{percentile(result.latencies, 50) * 1000:.2f} / "
                    f"{percentile(result.latencies, 99) * 1000:.2f} | {result.errors} |"
                )
        finally:
            server.terminate()
            server.wait(timeout=10)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    table = "\n".join(
        [
            "| the app | concurrency | answers/s | HTTP p50 / p99 ms | errors |",
            "| --- | ---: | ---: | ---: | ---: |",
            *rows,
        ]
    )
    print(table)
    write_section(
        "## HTTP floor (no Django, no filing)\n\n"
        f"- **Date:** {started}; **command:** `.venv/bin/python bench/http_floor.py`\n"
        f"- **Machine:** {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}\n"
        f"- The ingest bench's client (bench/load.py) POSTs the same kind of body {args.n:,} "
        "times to uvicorn serving a bare ASGI app that reads it and answers 202: the HTTP "
        "stack and the client alone, on the same 2 CPUs; then the same app committing each "
        "body to SQLite first, as durably as our accept does. Twenty times the peer's rate "
        "(89 and 150 tickets/s at concurrency 1 and 8) is 1,780 and 3,000 messages/s; this "
        "is what is left of each second after the client and the HTTP stack.\n\n" + table + "\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
