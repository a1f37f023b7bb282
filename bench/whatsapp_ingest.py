"""WhatsApp webhook ingestion through `bereikbaar serve`, at concurrency 1 and 4, into
bench/RESULTS.md under "## WhatsApp webhook ingestion".

Per run: a fresh data dir (SQLite), a number set up with `bereikbaar channel add whatsapp …`,
one process serving HTTP with its in-process intake worker. The bench POSTs webhooks exactly as
Meta sends them (JSON, X-Hub-Signature-256 over the raw bytes with the app secret) to
/channels/whatsapp/webhook: --messages text messages (default 1,000) from 500 Dutch customers,
every 10th webhook a batch of 3 messages, and ~5 % replays (the same bytes again, as Meta
retries) that must not make a second message. Then it waits until the intake worker has filed
everything and checks the counts.
"""

import argparse
import hashlib
import hmac
import http.client
import json
import os
import platform
import random
import shutil
import sys
import threading
import time
import zlib
from pathlib import Path

import dutch
from load import Result, percentile
from ours import SETUP, _cli, _ts, fresh_env, read_sqlite, serve_metered
from results import write_section

HERE = Path(__file__).resolve().parent
PATH = "/channels/whatsapp/webhook"
PHONE_NUMBER_ID = "106540352242922"
APP_SECRET = "bench-app-secret"
BATCH_EVERY, BATCH_SIZE = 10, 3
REPLAY_SHARE = 0.05


def webhook(items: list[tuple[str, str, str, str]], stamp: int) -> bytes:
    """One Cloud API webhook carrying (wamid, wa_id, name, text) messages."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "31201234567", "phone_number_id": PHONE_NUMBER_ID},
        "contacts": [{"profile": {"name": name}, "wa_id": wa_id} for _, wa_id, name, _ in items],
        "messages": [
            {
                "from": wa_id,
                "id": wamid,
                "timestamp": str(stamp),
                "type": "text",
                "text": {"body": text},
            }
            for wamid, wa_id, _, text in items
        ],
    }
    body = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "0", "changes": [{"value": value, "field": "messages"}]}],
    }
    return json.dumps(body, ensure_ascii=False).encode()


def sign(body: bytes) -> str:
    return "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()


def workload(n: int, tag: str) -> tuple[list[bytes], int]:
    """(bodies to POST in order, how many distinct webhooks among them)."""
    stamp = int(time.time())
    items = []
    for i, (customer, text) in enumerate(dutch.workload(n)):
        number = customer.phone or f"+316{10_000_000 + zlib_crc(customer.email) % 89_999_999}"
        items.append((f"wamid.BENCH{tag}{i:06d}", number.lstrip("+"), customer.name, text))
    webhooks, i, k = [], 0, 0
    while i < len(items):
        size = BATCH_SIZE if k % BATCH_EVERY == BATCH_EVERY - 1 else 1
        webhooks.append(webhook(items[i : i + size], stamp))
        i, k = i + size, k + 1
    rng = random.Random(5)
    bodies = []
    for index, body in enumerate(webhooks):
        bodies.append(body)
        if index and rng.random() < REPLAY_SHARE:  # Meta retries one it sent a moment ago
            bodies.append(webhooks[rng.randrange(max(0, index - 20), index)])
    return bodies, len(webhooks)


def zlib_crc(text: str) -> int:
    return zlib.crc32(text.encode())


def measure(n: int, concurrency: int, wait_timeout: float = 300.0) -> dict:
    data_dir, env = fresh_env(f"wa-c{concurrency}-")
    print(f"  c={concurrency}: fresh data dir, setting up the number …", flush=True)
    _cli(env, "manage", "migrate", "--verbosity", "0")
    _cli(env, "manage", "shell", "-c", SETUP)
    _cli(
        env,
        "channel",
        "add",
        "whatsapp",
        "--phone-number-id",
        PHONE_NUMBER_ID,
        "--app-secret",
        APP_SECRET,
        "--verify-token",
        "bench-verify",
        "--access-token",
        "bench-access",
        "--api-base",
        "http://127.0.0.1:9",
    )
    bodies, unique = workload(n, f"c{concurrency}")
    signed = [(body, sign(body)) for body in bodies]
    with serve_metered(env, data_dir) as (port, meter):
        print(
            f"  c={concurrency}: POSTing {len(bodies)} webhooks ({n} messages, "
            f"{len(bodies) - unique} replays) …",
            flush=True,
        )
        result = run_signed(port, signed, concurrency)
        figures = wait_processed(data_dir / "bereikbaar.sqlite3", unique, wait_timeout)
        share = meter.stop()
    if not os.environ.get("BENCH_KEEP"):
        shutil.rmtree(data_dir, ignore_errors=True)
    figures.update(
        concurrency=concurrency,
        webhooks=len(bodies),
        unique=unique,
        replays=len(bodies) - unique,
        expected_messages=n,
        accepted_per_s=result.ok_per_s,
        errors=result.errors,
        error_samples=result.error_samples,
        http_p50_ms=percentile(result.latencies, 50) * 1000,
        http_p99_ms=percentile(result.latencies, 99) * 1000,
        server_cpu_ms=share.server * 1000 / n if n else float("nan"),
        others_pct=share.others_pct,
    )
    return figures


def run_signed(port: int, signed: list[tuple[bytes, str]], concurrency: int) -> Result:
    """load.run's closed loop (keep-alive http.client threads, 127.0.0.1 only), but each request
    carries its own body's signature."""
    result = Result(label="whatsapp", n=len(signed), concurrency=concurrency)
    lock = threading.Lock()
    queue = iter(range(len(signed)))

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                i = next(queue, None)
            if i is None:
                break
            body, signature = signed[i]
            headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature}
            t0 = time.perf_counter()
            try:
                conn.request("POST", PATH, body=body, headers=headers)
                response = conn.getresponse()
                answer, status = response.read(), response.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                answer, status = repr(exc).encode(), 0
            latency = time.perf_counter() - t0
            with lock:
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if status == 200:
                    result.ok += 1
                    result.latencies.append(latency)
                else:
                    result.errors += 1
                    if len(result.error_samples) < 5:
                        result.error_samples.append(f"{status}: {answer[:200]!r}")
                done = result.ok + result.errors
            if done % 250 == 0:
                print(f"    {done}/{len(signed)} webhooks answered", flush=True)
        conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    result.started = time.time()
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.wall = time.perf_counter() - t0
    print(
        f"    {result.ok} accepted in {result.wall:.2f} s ({result.ok_per_s:.0f}/s), "
        f"{result.errors} errors",
        flush=True,
    )
    return result


def wait_processed(db_path: Path, unique: int, timeout: float) -> dict:
    db = read_sqlite(db_path)
    try:
        deadline = time.monotonic() + timeout
        while True:
            counts = dict(db.execute("SELECT status, count(*) FROM intake_inbound GROUP BY status"))
            done = counts.get("processed", 0) + counts.get("quarantined", 0)
            print(f"    processed {done}/{unique} webhooks", flush=True)
            if done >= unique and not counts.get("accepted") and not counts.get("processing"):
                break
            if time.monotonic() > deadline:
                print("    gave up waiting", flush=True)
                break
            time.sleep(0.5)
        rows = db.execute(
            "SELECT received_at, processed_at, message_ids FROM intake_inbound"
            " WHERE status = 'processed'"
        ).fetchall()
        received = [_ts(r[0]) for r in rows]
        processed = [_ts(r[1]) for r in rows]
        waits = [(p - r) * 1000 for r, p in zip(received, processed, strict=True)]
        filed = sum(len(json.loads(r[2])) for r in rows)
        span = (max(processed) - min(received)) if rows else 0.0
        messages, distinct = db.execute(
            "SELECT count(*), count(DISTINCT provider_id) FROM conversations_message"
            " WHERE channel = 'whatsapp' AND direction = 'inbound'"
        ).fetchone()
        return {
            "rows": sum(counts.values()),
            "processed": counts.get("processed", 0),
            "quarantined": counts.get("quarantined", 0),
            "messages": messages,
            "distinct_messages": distinct,
            "filed": filed,
            "processed_per_s": filed / span if span else 0.0,
            "rp_p50_ms": percentile(waits, 50),
            "rp_p99_ms": percentile(waits, 99),
        }
    finally:
        db.close()


def fmt(value: float, digits: int = 0) -> str:
    return "—" if value != value else f"{value:,.{digits}f}"


def table(rows: list[dict]) -> str:
    lines = [
        "| concurrency | webhooks POSTed (replays) | accepted/s | errors | processed messages/s "
        "| received → processed p50 / p99 ms | HTTP p50 / p99 ms | server CPU ms per message "
        "| inbound rows | messages (expected) | counts |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        ok = (
            r["rows"] == r["unique"]
            and r["messages"] == r["distinct_messages"] == r["expected_messages"]
            and not r["quarantined"]
            and not r["errors"]
        )
        lines.append(
            f"| {r['concurrency']} | {r['webhooks']:,} ({r['replays']}) "
            f"| {fmt(r['accepted_per_s'])} | {r['errors']} | {fmt(r['processed_per_s'])} "
            f"| {fmt(r['rp_p50_ms'], 1)} / {fmt(r['rp_p99_ms'], 1)} "
            f"| {fmt(r['http_p50_ms'], 1)} / {fmt(r['http_p99_ms'], 1)} "
            f"| {fmt(r['server_cpu_ms'], 2)} | {r['rows']:,} of {r['unique']:,} "
            f"| {r['messages']:,} ({r['expected_messages']:,}) "
            f"| {'ok' if ok else 'MISMATCH'} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    args = parser.parse_args()
    (HERE / ".work").mkdir(exist_ok=True)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"WhatsApp webhook ingestion: {args.messages} messages at {args.concurrency}", flush=True)
    rows = [measure(args.messages, c) for c in args.concurrency]
    text = table(rows)
    print(text)
    samples = [s for r in rows for s in r["error_samples"]][:3]
    flags = (
        "" if args.messages == 1000 and args.concurrency == [1, 4] else " " + " ".join(sys.argv[1:])
    )
    write_section(
        "## WhatsApp webhook ingestion\n\n"
        f"- **Date:** {started}; **command:** `make bench` "
        f"(`.venv/bin/python bench/whatsapp_ingest.py{flags}`)\n"
        f"- **Machine:** {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; bench and server share the machine (other work ran "
        f"on it: other processes used {', '.join(fmt(r['others_pct']) + ' %' for r in rows)} "
        "of the CPUs during the runs)\n"
        "- One `bereikbaar serve` per run (uvicorn, in-process intake worker, SQLite in a fresh "
        "data dir), the number set up with `bereikbaar channel add whatsapp`. Webhooks as Meta "
        "sends them, each signed (X-Hub-Signature-256), POSTed to /channels/whatsapp/webhook "
        "by a closed loop of http.client threads; every 10th webhook is a batch of 3 messages, "
        "~5 % are replays of a webhook sent shortly before (same bytes: same answer, no row).\n"
        "- *accepted/s* = 200 answers ÷ wall time of the load (the 200 comes after the raw "
        "body is committed); *processed messages/s* = messages filed ÷ (last `processed_at` − "
        "first `received_at`); *received → processed* per webhook, server clocks. *counts*: "
        "one inbound row per distinct webhook, one message per distinct wamid, none "
        "quarantined, no errors.\n"
        + (f"- Error samples: {'; '.join(samples)}\n" if samples else "")
        + "\n"
        + text
        + "\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
