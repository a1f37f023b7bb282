"""Twilio under a steady load (the catalogue's K2): SMS webhooks at 20/s and new calls at 5/s on
one `bereikbaar serve`, into bench/RESULTS.md under "## Twilio SMS and voice under load".

    .venv/bin/python bench/twilio_ingest.py [--seconds 30] [--sms-rate 20] [--call-rate 5]

A fresh data dir (SQLite), a number set up for SMS (`bereikbaar channel add twilio`) and as a
voice line (`channel add twilio-voice`), one agent online. An open loop sends every request at
its scheduled moment whatever the answers, as Twilio does, each form-encoded and signed with the
twilio library's RequestValidator (X-Twilio-Signature):

- SMS: one inbound message per 1/rate s from 500 Dutch customers; 2 % are sent a second time
  with the same MessageSid (a replay from Twilio's console) and must not make a second message;
- calls: per call, "a call comes in" (the TwiML that greets and enqueues the caller), 1 s later
  the queue's waitUrl (TwiML with the live Erlang C wait estimate), 3 s later the
  `completed` status callback.

The target (reliability.md, K2): TwiML within 1 s at p99, well under Twilio's 15 s budget,
and every SMS in the inbox once. Reports HTTP p50/p99/max per kind, SMS received → filed, call
records ended, and the server's CPU.
"""

import argparse
import http.client
import json
import os
import platform
import random
import sys
import threading
import time
from email.utils import formatdate
from pathlib import Path
from urllib.parse import urlencode

import dutch
from load import percentile
from ours import SETUP, _cli, _ts, fresh_env, read_sqlite, serve_metered
from results import write_section
from twilio.request_validator import RequestValidator

HERE = Path(__file__).resolve().parent
ACCOUNT_SID = "AC" + "b" * 32
AUTH_TOKEN = "bench-twilio-auth-token"
NUMBER = "+3197010000001"
SMS_PATH = "/channels/twilio/sms"
VOICE_PATH = "/channels/twilio/voice"
REPLAY_SHARE = 0.02
SENDERS = 24  # threads: enough that a slow answer never delays the next request's moment


def schedule(seconds: float, sms_rate: float, call_rate: float) -> list[tuple]:
    """(moment in s, kind, path, params) for every request, in time order."""
    rng = random.Random(3)
    events = []
    sms = dutch.workload(int(seconds * sms_rate))
    for i, (customer, text) in enumerate(sms):
        params = {
            "AccountSid": ACCOUNT_SID,
            "MessageSid": f"SM{i:032d}",
            "From": customer.phone or f"+316{20_000_000 + i}",
            "To": NUMBER,
            "Body": text,
            "NumMedia": "0",
            "NumSegments": "1",
            "SmsStatus": "received",
            "ApiVersion": "2010-04-01",
        }
        at = i / sms_rate
        events.append((at, "sms", SMS_PATH, params))
        if rng.random() < REPLAY_SHARE:
            events.append((at + 0.5, "sms replay", SMS_PATH, params))
    for i in range(int(seconds * call_rate)):
        at = i / call_rate
        call = {
            "AccountSid": ACCOUNT_SID,
            "CallSid": f"CA{i:032d}",
            "From": f"+3161{i:07d}",
            "To": NUMBER,
            "Direction": "inbound",
            "ApiVersion": "2010-04-01",
        }
        events.append((at, "call: incoming", VOICE_PATH, {**call, "CallStatus": "ringing"}))
        waiting = {**call, "CallStatus": "in-progress", "QueueTime": "1", "CurrentQueueSize": "3"}
        events.append((at + 1.0, "call: wait", VOICE_PATH + "?step=wait", waiting))
        ended = {
            **call,
            "CallStatus": "completed",
            "CallDuration": "3",
            "SequenceNumber": "0",
            "Timestamp": formatdate(time.time() + at + 3.0, usegmt=True),
        }
        events.append((at + 3.0, "call: status", VOICE_PATH + "?step=status", ended))
    events.sort(key=lambda e: e[0])
    return events


def send_all(port: int, events: list[tuple]) -> dict[str, list]:
    """Open loop: each request leaves at its moment; returns kind -> [(status, seconds)]."""
    validator = RequestValidator(AUTH_TOKEN)
    base = f"http://127.0.0.1:{port}"
    prepared = [
        (at, kind, path, urlencode(params), validator.compute_signature(base + path, params))
        for at, kind, path, params in events
    ]
    answers: dict[str, list] = {}
    lock = threading.Lock()
    cursor = iter(range(len(prepared)))
    begun = time.perf_counter() + 0.2

    def sender() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                i = next(cursor, None)
            if i is None:
                break
            at, kind, path, body, signature = prepared[i]
            time.sleep(max(0.0, begun + at - time.perf_counter()))
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": signature,
            }
            t0 = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                status = 0
            with lock:
                answers.setdefault(kind, []).append((status, time.perf_counter() - t0))
                done = sum(map(len, answers.values()))
            if done % 200 == 0:
                print(f"    {done}/{len(prepared)} requests answered", flush=True)
        conn.close()

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def wait_filed(db_path: Path, expected_sms: int, expected_calls: int, timeout: float) -> dict:
    db = read_sqlite(db_path)
    try:
        deadline = time.monotonic() + timeout
        while True:
            counts = dict(db.execute("SELECT status, count(*) FROM intake_inbound GROUP BY status"))
            if not counts.get("accepted") and not counts.get("processing"):
                break
            if time.monotonic() > deadline:
                print("    gave up waiting for the intake", flush=True)
                break
            time.sleep(0.5)
        rows = db.execute(
            "SELECT received_at, processed_at FROM intake_inbound"
            " WHERE status = 'processed' AND channel = 'sms'"
        ).fetchall()
        waits = [(_ts(p) - _ts(r)) * 1000 for r, p in rows]
        messages, distinct = db.execute(
            "SELECT count(*), count(DISTINCT provider_id) FROM conversations_message"
            " WHERE channel = 'sms' AND direction = 'inbound'"
        ).fetchone()
        calls, ended = db.execute(
            "SELECT count(*), sum(state = 'ended') FROM channel_voice_call"
        ).fetchone()
        return {
            "quarantined": counts.get("quarantined", 0),
            "messages": messages,
            "distinct": distinct,
            "expected_sms": expected_sms,
            "calls": calls,
            "ended": ended or 0,
            "expected_calls": expected_calls,
            "filed_p50_ms": percentile(waits, 50),
            "filed_p99_ms": percentile(waits, 99),
        }
    finally:
        db.close()


def measure(seconds: float, sms_rate: float, call_rate: float) -> dict:
    data_dir, env = fresh_env("twilio-")
    print("  fresh data dir, setting up the number …", flush=True)
    _cli(env, "manage", "migrate", "--verbosity", "0")
    _cli(env, "manage", "shell", "-c", SETUP)
    common = ["--account-sid", ACCOUNT_SID, "--auth-token", AUTH_TOKEN, "--number", NUMBER]
    _cli(env, "channel", "add", "twilio", *common, "--api-base", "http://127.0.0.1:9")
    _cli(env, "channel", "add", "twilio-voice", *common, "--name", "Bench", "--team", "")
    events = schedule(seconds, sms_rate, call_rate)
    with serve_metered(env, data_dir) as (port, meter):
        print(f"  sending {len(events)} requests over {seconds:.0f} s …", flush=True)
        answers = send_all(port, events)
        expected_sms = int(seconds * sms_rate)
        figures = wait_filed(
            data_dir / "bereikbaar.sqlite3", expected_sms, int(seconds * call_rate), 120.0
        )
        share = meter.stop()
    figures.update(answers=answers, server_cpu_pct=share.server / seconds * 100)
    figures["others_pct"] = share.others_pct
    return figures


def fmt(value: float, digits: int = 0) -> str:
    return "—" if value != value else f"{value:,.{digits}f}"


def table(r: dict) -> str:
    lines = [
        "| requests | sent | answered 200 | HTTP p50 / p99 / max ms |",
        "| --- | ---: | ---: | ---: |",
    ]
    for kind in ("sms", "sms replay", "call: incoming", "call: wait", "call: status"):
        got = r["answers"].get(kind, [])
        ok = [s for status, s in got if status == 200]
        times = [s * 1000 for s in ok]
        lines.append(
            f"| {kind} | {len(got):,} | {len(ok):,} "
            f"| {fmt(percentile(times, 50), 1)} / {fmt(percentile(times, 99), 1)} / "
            f"{fmt(max(times, default=float('nan')), 1)} |"
        )
    sound = (
        r["messages"] == r["distinct"] == r["expected_sms"]
        and r["calls"] == r["ended"] == r["expected_calls"]
        and not r["quarantined"]
    )
    lines += [
        "",
        f"- SMS in the inbox: {r['messages']:,} messages, {r['distinct']:,} distinct "
        f"(expected {r['expected_sms']:,}); received → filed p50 / p99: "
        f"{fmt(r['filed_p50_ms'], 1)} / {fmt(r['filed_p99_ms'], 1)} ms",
        f"- calls: {r['calls']:,} records, {r['ended']:,} ended (expected "
        f"{r['expected_calls']:,}); quarantined rows: {r['quarantined']}; "
        f"counts: **{'ok' if sound else 'MISMATCH'}**",
        f"- server CPU: {fmt(r['server_cpu_pct'])} % of one core over the run",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--sms-rate", type=float, default=20)
    parser.add_argument("--call-rate", type=float, default=5)
    args = parser.parse_args()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(
        f"Twilio under load: {args.sms_rate:g} SMS/s and {args.call_rate:g} calls/s "
        f"for {args.seconds:g} s",
        flush=True,
    )
    figures = measure(args.seconds, args.sms_rate, args.call_rate)
    text = table(figures)
    print(text)
    flags = "" if len(sys.argv) == 1 else " " + " ".join(sys.argv[1:])
    write_section(
        "## Twilio SMS and voice under load\n\n"
        f"- **Date:** {started}; **command:** `make bench` "
        f"(`.venv/bin/python bench/twilio_ingest.py{flags}`)\n"
        f"- **Machine:** {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; other processes used {fmt(figures['others_pct'])} % "
        "of the CPUs during the run\n"
        f"- One `bereikbaar serve` (SQLite, in-process worker). Open loop for "
        f"{args.seconds:g} s: {args.sms_rate:g} inbound SMS/s and {args.call_rate:g} new "
        'calls/s, each call "comes in" (TwiML: greeting + queue), asks the waitUrl 1 s later '
        "(TwiML with the live wait estimate) and ends 3 s later (status callback); 2 % of the "
        "SMS are replayed with the same MessageSid. Every request form-encoded and signed "
        "with the twilio library's RequestValidator. Target (reliability.md K2): TwiML p99 "
        "≤ 1 s.\n\n" + text + "\n"
    )
    print(json.dumps({"written": "bench/RESULTS.md"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
