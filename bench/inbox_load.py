"""The agent inbox under many agents (the catalogue's K5): list, live refresh, detail and search
at the rate 300 agents make, on one `bereikbaar serve`, into bench/RESULTS.md under
"## Agent inbox under N agents".

    .venv/bin/python bench/inbox_load.py [--conversations 10000] [--agents 300] [--seconds 30]

A fresh data dir (SQLite) with the demo organisation grown to --conversations cases (the demo's
own 8 weeks of history, 3 teams, 8 agents). Each simulated agent, logged in as one of the demo
agents, goes back to the list every 60 s (half of them with a filter), has it re-fetched live
every 10 s (events in their team; the browser fetches it at most every 0.75 s however many
come), opens a conversation every 30 s and searches every 120 s (a name, an address, a phone
number, a case number or a word): 0.17 requests/s per agent. An open loop sends every
request at its moment whatever the answers; per kind: HTTP p50 / p95 / p99 and errors.
Target (reliability.md K5): list p95 ≤ 300 ms, search p95 ≤ 1 s.
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
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from load import percentile
from ours import _cli, fresh_env, read_sqlite, serve_metered
from results import write_section

HERE = Path(__file__).resolve().parent
AGENTS = ["sanne", "daan", "fatima", "lotte", "jeroen", "emma", "mohammed", "bas"]
PER_AGENT_EVERY = {"list": 60.0, "refresh": 10.0, "detail": 30.0, "search": 120.0}  # seconds
SENDERS = 32

SESSIONS = r"""
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from bereikbaar.routing.access import visible_conversations
out = {}
for user in get_user_model().objects.filter(username__in=%r):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    ids = list(visible_conversations(user).order_by("?").values_list("pk", flat=True)[:200])
    out[user.username] = {"session": session.session_key, "conversations": ids}
print(json.dumps(out))
"""


def search_terms(db_path: Path) -> list[str]:
    """What agents search for, taken from the data: names, addresses, numbers, words."""
    db = read_sqlite(db_path)
    try:
        names = [r[0] for r in db.execute("SELECT name FROM contacts_contact LIMIT 200")]
        emails = [
            r[0]
            for r in db.execute("SELECT value FROM contacts_identity WHERE kind='email' LIMIT 100")
        ]
        phones = [
            r[0]
            for r in db.execute("SELECT value FROM contacts_identity WHERE kind='phone' LIMIT 100")
        ]
        cases = [f"#{r[0]}" for r in db.execute("SELECT id FROM conversations_conversation")]
    finally:
        db.close()
    rng = random.Random(9)
    words = ["factuur", "pakket", "storing", "terugbellen", "adres", "levering", "abonnement"]
    terms = []
    for _ in range(400):
        kind = rng.choice(["name", "email", "phone", "case", "word"])
        if kind == "name" and names:
            terms.append(rng.choice(names).split()[-1])
        elif kind == "email" and emails:
            terms.append(rng.choice(emails))
        elif kind == "phone" and phones:
            value = rng.choice(phones)
            terms.append("0" + value[3:] if value.startswith("+31") else value)  # 06… spelling
        elif kind == "case" and cases:
            terms.append(rng.choice(cases))
        else:
            terms.append(rng.choice(words))
    return terms


def schedule(agents: int, seconds: float, sessions: dict, terms: list[str]) -> list[tuple]:
    """(moment, kind, path, session) for every request, in time order."""
    rng = random.Random(4)
    filters = [
        {},
        {"view": "mine"},
        {"view": "unassigned"},
        {"status": "any"},
        {"channel": "phone"},
    ]
    events = []
    users = list(sessions)
    for a in range(agents):
        user = users[a % len(users)]
        me = sessions[user]
        for kind, every in PER_AGENT_EVERY.items():
            at = rng.uniform(0, every)
            while at < seconds:
                if kind == "list":
                    query = rng.choice(filters)
                    path = "/" + (f"?{urlencode(query)}" if query else "")
                elif kind == "refresh":
                    path = "/fragments/list/"
                elif kind == "detail" and me["conversations"]:
                    path = f"/conversations/{rng.choice(me['conversations'])}/"
                elif kind == "search":
                    path = "/?" + urlencode({"q": rng.choice(terms)})
                else:
                    path = "/"
                headers = {"Cookie": f"sessionid={me['session']}"}
                if kind == "refresh":
                    headers["HX-Request"] = "true"
                events.append((at, kind, path, headers))
                at += every
    events.sort(key=lambda e: e[0])
    return events


def send_all(port: int, events: list[tuple]) -> dict[str, list]:
    answers: dict[str, list] = {}
    lock = threading.Lock()
    cursor = iter(range(len(events)))
    begun = time.perf_counter() + 0.2

    def sender() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                i = next(cursor, None)
            if i is None:
                break
            at, kind, path, headers = events[i]
            time.sleep(max(0.0, begun + at - time.perf_counter()))
            t0 = time.perf_counter()
            status = 0
            for _try in range(2):  # a keep-alive connection the server closed while idle
                try:  # (uvicorn: after 5 s) is opened again, as a browser does
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                    break
                except (OSError, http.client.HTTPException):
                    conn.close()
            with lock:
                answers.setdefault(kind, []).append((status, time.perf_counter() - t0))
                done = sum(map(len, answers.values()))
            if done % 500 == 0:
                print(f"    {done}/{len(events)} requests answered", flush=True)
        conn.close()

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def measure(conversations: int, agents: int, seconds: float) -> dict:
    data_dir, env = fresh_env("inbox-")
    print(f"  demo data with {conversations:,} conversations …", flush=True)
    _cli(env, "manage", "migrate", "--verbosity", "0")
    load = (
        "from bereikbaar.demo.load import load_demo; "
        f"load_demo(conversations={conversations}, contacts={max(300, conversations // 3)})"
    )
    _cli(env, "manage", "shell", "-c", load)
    sessions = json.loads(_cli(env, "manage", "shell", "-c", SESSIONS % AGENTS).splitlines()[-1])
    db_path = data_dir / "bereikbaar.sqlite3"
    events = schedule(agents, seconds, sessions, search_terms(db_path))
    with serve_metered(env, data_dir) as (port, meter):
        print(f"  {agents} agents: {len(events)} requests over {seconds:.0f} s …", flush=True)
        answers = send_all(port, events)
        share = meter.stop()
    return {
        "answers": answers,
        "requests": len(events),
        "server_cpu_pct": share.server / seconds * 100,
        "others_pct": share.others_pct,
        "db_mb": db_path.stat().st_size / 1e6,
    }


def fmt(value: float, digits: int = 0) -> str:
    return "—" if value != value else f"{value:,.{digits}f}"


def table(r: dict) -> str:
    lines = [
        "| request | sent | answered 200 | other answers | HTTP p50 / p95 / p99 ms |",
        "| --- | ---: | ---: | --- | ---: |",
    ]
    labels = {
        "list": "list page (`/`, half with a filter)",
        "refresh": "live list refresh (`/fragments/list/`)",
        "detail": "a conversation (`/conversations/N/`)",
        "search": "search (`/?q=…`)",
    }
    for kind, label in labels.items():
        got = r["answers"].get(kind, [])
        times = [s * 1000 for status, s in got if status == 200]
        others = Counter(status for status, _s in got if status != 200)
        other = ", ".join(f"{n}× {status or 'no answer'}" for status, n in sorted(others.items()))
        lines.append(
            f"| {label} | {len(got):,} | {len(times):,} | {other or '—'} "
            f"| {fmt(percentile(times, 50), 1)} / "
            f"{fmt(percentile(times, 95), 1)} / {fmt(percentile(times, 99), 1)} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--agents", type=int, nargs="+", default=[50, 100, 300])
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    flags = "" if len(sys.argv) == 1 else " " + " ".join(sys.argv[1:])
    for agents in args.agents:
        report(args.conversations, agents, args.seconds, flags)
    return 0


def report(conversations: int, agents: int, seconds: float, flags: str) -> None:
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"Agent inbox: {agents} agents on {conversations:,} conversations for {seconds:g} s")
    figures = measure(conversations, agents, seconds)
    text = table(figures)
    print(text)
    rate = figures["requests"] / seconds
    write_section(
        f"## Agent inbox under {agents} agents\n\n"
        f"- **Date:** {started}; **command:** `make bench` "
        f"(`.venv/bin/python bench/inbox_load.py{flags}`)\n"
        f"- **Machine:** {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; other processes used {fmt(figures['others_pct'])} % "
        "of the CPUs during the run\n"
        f"- One `bereikbaar serve` (SQLite, {figures['db_mb']:.0f} MB: the demo organisation "
        f"grown to {conversations:,} conversations). {agents} agents, each logged in "
        "as one of the 8 demo agents (so they see their teams' cases), go back to the list "
        "every 60 s (half with a filter), have it re-fetched live every 10 s, open a "
        "conversation every 30 s and search every 120 s (a surname, an address, a phone "
        f"number as 06…, a case number or a word): {rate:.0f} requests/s in an open loop for "
        f"{seconds:g} s. Server CPU {fmt(figures['server_cpu_pct'])} % of one core. "
        "Target (reliability.md K5): list p95 ≤ 300 ms, search p95 ≤ 1 s.\n\n" + text + "\n"
    )


if __name__ == "__main__":
    sys.exit(main())
