"""Time to compute the full analytics dashboard over a generated history (default ~1,000,000
messages), on SQLite and, with DATABASE_URL set, on PostgreSQL. Writes the "## Analytics"
section of bench/RESULTS.md (replacing an earlier one).

    .venv/bin/python bench/analytics_bench.py [--messages 1000000] [--no-write]
    DATABASE_URL=postgres://… .venv/bin/python bench/analytics_bench.py

A fresh SQLite file in a temporary data dir, or a fresh database on the PostgreSQL server
(dropped afterwards). The history comes from bereikbaar.analytics.history (≈2.9 messages per
conversation); it is bulk-loaded, bypassing the signals that keep the analytics facts, so the
run first times the backfill (`analytics_rebuild`: text.signals on every first and last
customer message, and the facts of every conversation). "warm" is the dashboard as a team lead
reloads it; "after new messages" adds customer messages and replies through the ORM (the
signals mark their conversations dirty) and times the next load; "from scratch" is the old
computation (correlated subqueries over the messages, scope.from_scratch) for before/after.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import secrets
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
MESSAGES_PER_CONVERSATION = 2.88
NEW = 500  # conversations that get a new customer message and a reply before a reload


def fresh_postgres(url: str) -> tuple[str, str]:
    import psycopg

    name = f"bk_analytics_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}")), name


def drop_postgres(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(messages: int, scratch: bool = True) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from bereikbaar.analytics import facts, figures, history, scope
    from bereikbaar.analytics.stats import without_jit
    from bereikbaar.conversations.models import Conversation, Message
    from bereikbaar.routing.models import AgentProfile, Team

    call_command("migrate", interactive=False, verbosity=0)
    users = get_user_model()
    teams = [
        Team.objects.create(name=n, slug=n.lower()) for n in ("Service", "Billing", "Techniek")
    ]
    agents = []
    for i in range(12):
        user = users.objects.create_user(f"agent{i}", password="x")
        AgentProfile.objects.create(user=user).teams.add(teams[i % 3])
        agents.append(user)
    admin = users.objects.create_superuser("beheer", "b@example.nl", "x")
    n = int(messages / MESSAGES_PER_CONVERSATION)
    params = history.Params(conversations=n, searches=n // 4)
    started = time.perf_counter()
    counts = history.generate(params, teams, agents, seed=3)
    generate_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    f = figures.Filters.last_days(params.days + 1)
    timings = {}
    started = time.perf_counter()
    facts.rebuild()
    timings["backfill"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    started = time.perf_counter()
    figures.dashboard(admin, f)
    timings["cold"] = time.perf_counter() - started
    started = time.perf_counter()
    figures.dashboard(admin, f)
    timings["warm"] = time.perf_counter() - started
    per_figure = {}
    # As in dashboard(): the facts are checked once, before; PostgreSQL's JIT off.
    with without_jit(), scope.prepared(admin, f):
        for key, compute in figures.FIGURES.items():
            started = time.perf_counter()
            compute(admin, f)
            per_figure[key] = time.perf_counter() - started
    lead = agents[0]
    started = time.perf_counter()
    figures.dashboard(lead, f)
    timings["one team"] = time.perf_counter() - started
    week = figures.Filters.last_days(7)
    started = time.perf_counter()
    figures.dashboard(admin, week)
    timings["last 7 days"] = time.perf_counter() - started
    recent = list(Conversation.objects.order_by("-pk").values_list("pk", flat=True)[:NEW])
    for pk in recent:
        Message.objects.create(conversation_id=pk, direction="inbound", channel="sms", text="En?")
        Message.objects.create(conversation_id=pk, direction="outbound", channel="sms", text="Ja")
    started = time.perf_counter()
    in_period = Conversation.objects.filter(created_at__gte=f.start, created_at__lt=f.end)
    timings["refreshed"] = facts.ensure(in_period)
    timings["refresh"] = time.perf_counter() - started
    started = time.perf_counter()
    figures.dashboard(admin, f)
    timings["after new messages"] = time.perf_counter() - started
    if scratch:
        with figures.from_scratch():
            figures.dashboard(admin, f)  # fills the emotion cache of every customer message
            started = time.perf_counter()
            figures.dashboard(admin, f)
            timings["from scratch"] = time.perf_counter() - started
    if connection.vendor == "postgresql":
        version = connection.cursor().connection.info.server_version
        db = f"PostgreSQL {version // 10000}.{version % 10000}"
    else:
        import sqlite3

        db = f"SQLite {sqlite3.sqlite_version}"
    return {
        "db": db,
        "counts": counts,
        "generate_s": generate_s,
        "timings": timings,
        "per_figure": per_figure,
    }


def section(result: dict, command: str) -> str:
    c = result["counts"]
    t = result["timings"]
    lines = [
        f"### {result['db']}",
        "",
        f"- **Data:** {c['messages']:,} messages in {c['conversations']:,} conversations of "
        f"{c['contacts']:,} contacts, {c['csat']:,} CSAT answers, {c['searches']:,} help "
        f"searches, over 56 days (generated in {result['generate_s']:.0f} s)",
        f"- **Command:** `{command}`",
        "",
        f"| full dashboard ({len(result['per_figure'])} figures, all teams, 57 days) | seconds |",
        "|---|---|",
        f"| backfill: `analytics_rebuild` after the bulk load (once) | {t['backfill']:.2f} |",
        f"| first load after the backfill | {t['cold']:.2f} |",
        f"| warm (a reload) | {t['warm']:.2f} |",
        f"| an agent's view (one team of three) | {t['one team']:.2f} |",
        f"| last 7 days | {t['last 7 days']:.2f} |",
        f"| after {NEW} conversations got a new message and reply: bringing their facts up "
        f"to date ({t['refreshed']} rows) | {t['refresh']:.2f} |",
        f"| … then the reload | {t['after new messages']:.2f} |",
        *(
            [f"| before: from scratch, the old computation (warm) | {t['from scratch']:.2f} |"]
            if "from scratch" in t
            else []
        ),
        "",
        "| figure alone (warm, after the dashboard's one check of the facts; in the dashboard "
        "channel_mix, multichannel, emotions and repeat share one grouped query, the three "
        "csat figures another, response_times and sla a third) | seconds |",
        "|---|---|",
        *(f"| {k} | {v:.2f} |" for k, v in result["per_figure"].items()),
        "",
    ]
    return "\n".join(lines)


def write(results: list[str]) -> None:
    text = RESULTS.read_text() if RESULTS.exists() else ""
    header = "## Analytics\n"
    cpu = os.cpu_count()
    body = (
        header
        + "\n"
        + f"- **Date:** {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        + f"{cpu} CPUs, {platform.platform()}, Python {platform.python_version()}. "
        + "Shared machine: other sessions may have been running tests. Single run.\n"
        + "- **What:** `bereikbaar.analytics.figures.dashboard()` — every figure of /analytics/, "
        + "computed with aggregate queries over the conversations joined to their kept facts "
        + "(analytics.ConversationFact; percentiles in the database: percentile_cont on "
        + "PostgreSQL, one registered aggregate for all six on SQLite; figures that count the "
        + "same rows share one grouped query, analytics.cube; PostgreSQL's JIT off for the "
        + "dashboard); chart rendering not included.\n\n"
        + "\n".join(results)
    )
    match = re.search(r"^## Analytics\n.*?(?=^## |\Z)", text, flags=re.S | re.M)
    if match:
        text = (
            text[: match.start()]
            + body
            + ("\n" if text[match.end() :] else "")
            + text[match.end() :]
        )
    else:
        text = text.rstrip("\n") + "\n\n" + body
    RESULTS.write_text(text)


def child(messages: int, scratch: bool) -> None:
    import json

    print("RESULT " + json.dumps(run(messages, scratch)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--only", choices=["sqlite", "postgres"], help="run one database")
    parser.add_argument(
        "--no-scratch", action="store_true", help="skip timing the old from-scratch computation"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.messages, not args.no_scratch)
        return
    import json
    import subprocess

    command = " ".join(["bench/analytics_bench.py", *sys.argv[1:]])
    targets = [("", "sqlite")]
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        targets.append((os.environ["DATABASE_URL"], "postgres"))
    targets = [t for t in targets if args.only in (None, t[1])]
    sections = []
    for url, label in targets:
        with tempfile.TemporaryDirectory(prefix="bk-analytics-bench-") as data_dir:
            env = {
                **os.environ,
                "BEREIKBAAR_DATA_DIR": data_dir,
                "DJANGO_SETTINGS_MODULE": "bereikbaar.settings",
            }
            env.pop("DATABASE_URL", None)
            name = ""
            if url:
                env["DATABASE_URL"], name = fresh_postgres(url)
            try:
                done = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--child",
                        "--messages",
                        str(args.messages),
                        *(["--no-scratch"] if args.no_scratch else []),
                    ],
                    env=env,
                    capture_output=True,
                    text=True,
                )
            finally:
                if name:
                    drop_postgres(url, name)
        if done.returncode != 0:
            sys.exit(f"{label} run failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
        result = json.loads(line[len("RESULT ") :])
        print(section(result, command))
        sections.append(section(result, command))
    if not args.no_write:
        write(sections)


if __name__ == "__main__":
    main()
