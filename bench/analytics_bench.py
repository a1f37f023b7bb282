"""Time to compute the full analytics dashboard over a generated history (default ~1,000,000
messages), on SQLite and, with DATABASE_URL set, on PostgreSQL. Writes the "## Analytics"
section of bench/RESULTS.md (replacing an earlier one).

    .venv/bin/python bench/analytics_bench.py [--messages 1000000] [--no-write]
    DATABASE_URL=postgres://… .venv/bin/python bench/analytics_bench.py

A fresh SQLite file in a temporary data dir, or a fresh database on the PostgreSQL server
(dropped afterwards). The history comes from bereikbaar.analytics.history (≈2.9 messages per
conversation). "cold" includes filling the emotion cache (text.signals on every first and last
customer message); "warm" is the dashboard as a team lead reloads it.
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


def run(messages: int) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from bereikbaar.analytics import figures, history
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
    figures.dashboard(admin, f)
    timings["cold"] = time.perf_counter() - started
    started = time.perf_counter()
    figures.dashboard(admin, f)
    timings["warm"] = time.perf_counter() - started
    per_figure = {}
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
        "| full dashboard (13 figures, all teams, 57 days) | seconds |",
        "|---|---|",
        f"| cold (fills the emotion cache first) | {t['cold']:.2f} |",
        f"| warm (a reload) | {t['warm']:.2f} |",
        f"| an agent's view (one team of three) | {t['one team']:.2f} |",
        f"| last 7 days | {t['last 7 days']:.2f} |",
        "",
        "| figure (warm) | seconds |",
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
        + "computed with aggregate queries (percentiles in the database: percentile_cont on "
        + "PostgreSQL, a registered aggregate on SQLite); chart rendering not included.\n\n"
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


def child(messages: int) -> None:
    import json

    print("RESULT " + json.dumps(run(messages)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--only", choices=["sqlite", "postgres"], help="run one database")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.messages)
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
                    [sys.executable, __file__, "--child", "--messages", str(args.messages)],
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
