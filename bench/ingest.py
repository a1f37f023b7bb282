"""`make bench`: inbound ingest throughput and latency, ours vs django-helpdesk 2.6.1.

Ours: `bereikbaar serve` (one process: uvicorn + in-process intake worker, SQLite in a fresh
data dir per run), POST /api/v1/inbound. Peer: gunicorn -w 2 + django-helpdesk on SQLite,
POST /api/tickets/ (see bench/peer.py and research/perf.md section 1). Same Dutch workload,
same closed-loop client, 127.0.0.1 only. Writes bench/RESULTS.md.
"""

import argparse
import json
import os
import platform
import sqlite3
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cpu  # noqa: E402
import dutch  # noqa: E402
import ours  # noqa: E402
import peer  # noqa: E402
from load import percentile  # noqa: E402
from results import write_section

HERE = Path(__file__).resolve().parent
SECTION = "## Inbound ingest: bereikbaar vs django-helpdesk (`make bench`)"


def machine() -> dict:
    cpu = "unknown"
    ram = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram": ram,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "os": platform.platform(),
    }


def fmt(value: float, digits: int = 0) -> str:
    if value != value:  # NaN
        return "—"
    return f"{value:,.{digits}f}"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}×" if b else "—"


def others(d: dict) -> str:
    return f"{fmt(d['others_pct'])} % ({d['load1']:.2f})"


def write_results(
    args, info: dict, rows: list[dict], peer_note: str, peer_version: str, elapsed: float
) -> Path:
    lines = [
        SECTION,
        "",
        f"- **Date:** {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- **Command:** `make bench` (= `.venv/bin/python bench/ingest.py"
        f"{'' if args.default_cli else ' ' + ' '.join(sys.argv[1:])}`)",
        f"- **Machine:** {info['nproc']} CPUs, {info['cpu']}, {info['ram']} RAM; "
        f"{info['os']}; Python {info['python']}, SQLite {info['sqlite']}",
        f"- **Workload:** {args.n:,} messages per run, ~270-byte synthetic Dutch texts from "
        f"500 customers (40 % by phone, the rest by email), the same sequence for every run; "
        f"closed loop of http.client threads (keep-alive where the server allows it; "
        f"one open-loop run at a fixed rate, below), "
        f"127.0.0.1 only. Server and client share the same {info['nproc']} CPUs.",
        "- **Ours:** `bereikbaar serve`, in two shapes: *one process* (the embedded default: "
        "uvicorn (ASGI) with the intake worker on a thread) and *intake process* "
        "(`serve --intake-processes 1`: the same, with filing in a child process, events "
        "back to the server's sockets through its hub). SQLite (WAL; the intake queue in a "
        "file of its own, so accepts never wait for filing; synchronous=FULL for accepts and "
        "filing) in a fresh data dir per run; one team, one online agent "
        "(max_concurrent=1000, per-channel capacity left at the product default, 10 for the "
        "API channel, so most conversations wait in the team queue) connected to /ws/inbox/. "
        "POST /api/v1/inbound with a "
        "Bearer token; any answer other than 202 counts as an error.",
        f"- **Peer:** {peer_version or 'django-helpdesk 2.6.1'} as in research/perf.md §1 "
        "(DRF TokenAuthentication, HELPDESK_TEAMS_MODE_ENABLED=False, locmem email, "
        "DEBUG=False, SQLite WAL/NORMAL/IMMEDIATE, CONN_MAX_AGE=600), "
        "`gunicorn hdproj.wsgi -w 2` sync workers (no keep-alive), POST /api/tickets/; "
        "any answer other than 201 counts as an error. The peer files the ticket inside "
        "the request, so its tickets/s is both its accepted/s and its processed/s.",
        f"- **Total run time:** {elapsed:.0f} s. Single run per cell (not a median of 3).",
        "",
        "Definitions:",
        "",
        "- *accepted/s* = 2xx answers ÷ wall time of the load.",
        "- *processed* = filed in a conversation (contact resolved, conversation opened or "
        "updated, routed, message stored) and the push to agents queued on that commit.",
        "- *processed/s* = processed rows ÷ (last `processed_at` − first `received_at`).",
        "- *received → processed* = `intake_inbound.processed_at − received_at` per message: "
        "**server clocks**, both written by the server (received_at just before the 202's "
        "INSERT, processed_at inside the worker's filing transaction).",
        "- *POST → agent push* = the bench's clock from sending the POST to the connected "
        "agent's WebSocket receiving the `message.created` event (includes the HTTP time).",
        "- *HTTP* = client-observed request latency of the 2xx answers.",
        "- *server CPU ms per message* = user+system CPU time of the server process(es) "
        "from the first request until every message was processed (for the peer: until "
        "the last answer), ÷ messages. Less sensitive than the rates to a shared machine.",
        "- *other processes' CPU share* = CPU time used during the run by processes other than "
        "the bench and its server, as a share of all CPUs (from /proc). **The machine is "
        "shared** (other sessions run test suites on it); a run with a high share here ran "
        "on a fraction of the machine and its absolute figures are low. The ratio ours/peer "
        "is only fair when both rows show a similar share. For reference, research/perf.md "
        "§1a measured the same peer on a quiet 2-vCPU box at 88.9 (c=1) and 145 (c=8) "
        "tickets/s.",
        "",
    ]
    if peer_note:
        lines += [f"**Peer not measured:** {peer_note}", ""]
    for row in rows:
        p = row.get("peer")
        c = row["concurrency"]
        lines += [f"### Concurrency {c}"]
        if row["rate"]:
            lines[-1] += f", paced at {row['rate']:.0f} messages/s"
            lines += [
                "",
                f"Open loop: POST number i is sent at start + i / {row['rate']:.0f} s whatever "
                "the answers, with up to 8 in flight. Both servers sustain this load, so its "
                "latencies are what a sender and an agent see at a steady rate rather than in "
                "a burst as fast as the server can go (the runs above), where a server that "
                "queues (ours) shows the queue's length and one that makes the sender wait "
                "(the peer) shows that wait as HTTP time.",
            ]
        lines += [
            "",
            "| | accepted/s | processed/s | errors | received → processed p50 / p99 ms "
            "(server clocks) | POST → agent push p50 / p99 ms | HTTP p50 / p99 ms "
            "| server CPU ms per message | other processes' CPU share (load avg at start) |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for label, o in row["ours"]:
            lines.append(
                f"| **bereikbaar, {label}** | **{fmt(o['accepted_per_s'])}** "
                f"| **{fmt(o['processed_per_s'])}** "
                f"| {o['errors']} | {fmt(o['rp_p50_ms'], 1)} / {fmt(o['rp_p99_ms'], 1)} "
                f"| {fmt(o['push_p50_ms'], 1)} / {fmt(o['push_p99_ms'], 1)} "
                f"| {fmt(o['http_p50_ms'], 1)} / {fmt(o['http_p99_ms'], 1)} "
                f"| {fmt(o['server_cpu_ms'], 2)} | {others(o)} |"
            )
        if p:
            lines.append(
                f"| django-helpdesk | {fmt(p['per_s'])} | {fmt(p['per_s'])} (synchronous) "
                f"| {p['errors']} | — | — | {fmt(p['p50_ms'], 1)} / {fmt(p['p99_ms'], 1)} "
                f"| {fmt(p['server_cpu_ms'], 2)} | {others(p)} |"
            )
            for label, o in row["ours"] if not row["rate"] else []:  # paced: both at the rate
                lines.append(
                    f"| **ratio ours ({label}) / peer** "
                    f"| **{ratio(o['accepted_per_s'], p['per_s'])}** "
                    f"| **{ratio(o['processed_per_s'], p['per_s'])}** | | | | "
                    f"| **{ratio(p['server_cpu_ms'], o['server_cpu_ms'])} peer ÷ ours CPU** | |"
                )
        lines.append("")
        for label, o in row["ours"]:
            lines.append(
                f"Checks (ours, {label}): {o['processed']:,} processed, "
                f"{o['quarantined']} quarantined, "
                f"{o['unfinished']} unfinished; {o['messages']:,} messages in "
                f"{o['conversations']:,} conversations ({o['assigned']:,} assigned to the agent); "
                f"{o['pushed']:,} `message.created` events reached the agent's WebSocket"
                + (f" (WebSocket error: {o['ws_error']})" if o["ws_error"] else "")
                + f"; HTTP statuses {json.dumps(o['statuses'])}."
            )
        if p:
            lines.append(
                f"Peer HTTP statuses {json.dumps(p['statuses'])}"
                + (f"; first errors: {p['error_samples']}" if p["errors"] else "")
                + "."
            )
        lines.append("")
    path = Path(args.out)
    write_section("\n".join(lines), path)
    return path, "\n".join(lines)


def quiet(args) -> None:
    if args.quiet_wait > 0:
        cpu.wait_quiet(args.quiet_wait, say=lambda m: print(m, file=sys.stderr, flush=True))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="messages per run (default 2000)")
    ap.add_argument(
        "--concurrency",
        type=int,
        nargs="+",
        default=[1, 8],
        help="client threads, one run each (default: 1 8)",
    )
    ap.add_argument(
        "--paced",
        type=float,
        default=100.0,
        metavar="RATE",
        help="also one open-loop run at c=8 sending RATE POSTs per second, a load both "
        "servers sustain, for the latencies at that load (default 100; 0 = none)",
    )
    ap.add_argument("--skip-peer", action="store_true", help="measure only bereikbaar")
    ap.add_argument(
        "--intake-processes",
        type=int,
        nargs="+",
        default=[0, 1],
        help="our shapes, one run each: 0 = one process, N = serve --intake-processes N "
        "(default: 0 1)",
    )
    ap.add_argument(
        "--postgres",
        default="",
        metavar="URL",
        help="also measure serve --intake-processes 1 on a fresh database of this PostgreSQL "
        "server (its CPU then counts as another process's, not the server's)",
    )
    ap.add_argument("--redis", default="", metavar="URL", help="with --postgres: REDIS_URL")
    ap.add_argument("--out", default=str(HERE / "RESULTS.md"))
    ap.add_argument(
        "--quiet-wait",
        type=float,
        default=30.0,
        help="before each run, wait up to this many seconds for other processes to leave "
        "the CPUs (under 20 %%); 0 = never wait (default 30)",
    )
    args = ap.parse_args(argv)
    args.default_cli = not (argv if argv is not None else sys.argv[1:])

    started = time.monotonic()
    (HERE / ".work").mkdir(exist_ok=True)
    info = machine()
    workload = dutch.workload(args.n)
    print(
        f"bench: {args.n} messages, concurrency {args.concurrency}, "
        f"{info['nproc']} CPUs ({info['cpu']})",
        file=sys.stderr,
        flush=True,
    )

    peer_note, peer_version = "", ""
    if args.skip_peer:
        peer_note = "skipped (--skip-peer)"
    else:
        try:
            peer_note = peer.ensure_installed()
        except Exception as exc:  # e.g. no network
            peer_note = f"install failed: {exc!r}"
        if not peer_note:
            peer_version = peer.version()

    rows = []
    runs = [(c, None) for c in args.concurrency] + ([(8, args.paced)] if args.paced else [])
    for c, rate in runs:
        row = {"concurrency": c, "rate": rate, "ours": []}
        for processes in args.intake_processes:
            label = f"intake process{'es' if processes > 1 else ''}" if processes else "one process"
            if processes > 1:
                label = f"{processes} {label}"
            quiet(args)
            print(
                f"ours c={c} ({label}): fresh data dir, starting bereikbaar serve",
                file=sys.stderr,
                flush=True,
            )
            run = ours.measure(workload, c, processes, rate=rate)
            row["ours"].append((label, ours.summary(run)))
        if args.postgres:
            label = "intake process, PostgreSQL" + (" + Redis" if args.redis else "")
            quiet(args)
            print(f"ours c={c} ({label})", file=sys.stderr, flush=True)
            run = ours.measure(workload, c, 1, postgres=args.postgres, redis=args.redis, rate=rate)
            row["ours"].append((label, ours.summary(run)))
        if not peer_note:
            quiet(args)
            print(f"peer c={c}: fresh project, starting gunicorn -w 2", file=sys.stderr, flush=True)
            try:
                r, share = peer.measure(workload, c, rate=rate)
                row["peer"] = {
                    "others_pct": share.others_pct,
                    "server_cpu_ms": share.server * 1000 / r.ok if r.ok else float("nan"),
                    "load1": share.load1,
                    "per_s": r.ok_per_s,
                    "errors": r.errors,
                    "statuses": r.statuses,
                    "error_samples": r.error_samples,
                    "p50_ms": percentile(r.latencies, 50) * 1000,
                    "p99_ms": percentile(r.latencies, 99) * 1000,
                }
            except Exception as exc:
                peer_note = f"run at c={c} failed: {exc!r}"[:500]
        rows.append(row)

    path, body = write_results(
        args, info, rows, peer_note, peer_version, time.monotonic() - started
    )
    print(f"\n{body}\nwritten to the ingest section of {path}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
