"""Identity resolution and concurrent-contact detection per inbound message, at 1,000,000 contacts.

    .venv/bin/python bench/identity_bench.py [--contacts 1000000] [--samples 2000]
                                             [--postgres URL] [--no-write]

Fills a fresh database with `--contacts` contacts, each with an e-mail address and a mobile
number (so twice as many identities), a fifth of them with a resolved conversation from their
history, then times what intake does for every inbound message:

- *resolve, known*: `contacts.resolve()` for an existing customer writing from their number,
  typed the way people type it (06-12345678) — normalising plus the unique (kind, value) index;
- *resolve, new*: a first message from an unknown address (contact and identity created);
- *detect, none open*: `stories.caselink.candidates()` for a customer with no other open
  conversation (the common case);
- *detect, one open*: the same for a customer who WhatsApped four minutes earlier and now
  e-mails the same question (text similarity included).

SQLite runs in a fresh data dir; with `--postgres URL` the same runs against that database
(emptied first), each engine in its own process. Writes or replaces the section
"## Identity resolution and concurrent contacts" in bench/RESULTS.md.
"""

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from results import write_section

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## Identity resolution and concurrent contacts"
CHUNK = 20_000
QUESTION = "Mijn factuur van november is veel te hoog, kunt u het bedrag controleren?"
FOLLOW_UP = "Ik mail ook even: de factuur van november klopt niet, het bedrag is te hoog."


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def setup(postgres: str) -> None:
    os.environ["BEREIKBAAR_DATA_DIR"] = tempfile.mkdtemp(prefix="identity-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bereikbaar.settings"
    os.environ.pop("DATABASE_URL", None)
    if postgres:
        os.environ["DATABASE_URL"] = postgres
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)


def phone(i: int) -> str:
    return f"+316{i:08d}"


def email(i: int) -> str:
    return f"klant{i}@voorbeeld.nl"


def fill(n: int) -> None:
    """Contacts and identities by raw executemany (the ORM would take minutes), then a fifth of
    the contacts get a resolved conversation with one message through bulk_create."""
    from django.db import connection, transaction

    from bereikbaar.contacts.models import Contact, Identity
    from bereikbaar.conversations.models import Conversation, Message

    now = datetime.now(UTC)
    contacts, identities = Contact._meta.db_table, Identity._meta.db_table
    started = time.perf_counter()
    for start in range(0, n, CHUNK):
        ids = range(start + 1, min(n, start + CHUNK) + 1)
        with transaction.atomic(), connection.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {contacts} (id, name, language, created_at) VALUES (%s, %s, %s, %s)",
                [(i, f"Klant {i}", "nl", now) for i in ids],
            )
            cur.executemany(
                f"INSERT INTO {identities} (contact_id, kind, value, verified, created_at) "
                "VALUES (%s, %s, %s, %s, %s)",
                [
                    (i, k, v, True, now)
                    for i in ids
                    for k, v in (("email", email(i)), ("phone", phone(i)))
                ],
            )
        log(f"  contacts {ids[-1]:>9,} / {n:,}  ({time.perf_counter() - started:.0f} s)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{contacts}', 'id'), {n})")
    history = range(1, n + 1, 5)
    for start in range(0, len(history), CHUNK):
        part = history[start : start + CHUNK]
        with transaction.atomic():
            convs = Conversation.objects.bulk_create(
                [
                    Conversation(
                        contact_id=i,
                        status=Conversation.Status.RESOLVED,
                        last_message_at=now - timedelta(days=30),
                        resolved_at=now - timedelta(days=29),
                    )
                    for i in part
                ],
                batch_size=5_000,
            )
            Message.objects.bulk_create(
                [
                    Message(conversation=c, direction="inbound", channel="email", text=QUESTION)
                    for c in convs
                ],
                batch_size=5_000,
            )
        log(f"  history conversations {start + len(part):>9,} / {len(history):,}")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50": statistics.median(ordered) * 1000,
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
    }


def measure(n: int, samples: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bereikbaar.contacts.resolve import resolve
    from bereikbaar.conversations.models import Conversation, Message
    from bereikbaar.stories.caselink import candidates

    rng = random.Random(7)
    picked = rng.sample(range(1, n + 1), samples)
    timings: dict[str, list[float]] = {k: [] for k in ("known", "new", "none", "open")}
    queries: dict[str, int] = {}

    def timed(kind: str, call, *args, **kwargs):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            result = call(*args, **kwargs)
            timings[kind].append(time.perf_counter() - t0)
        queries[kind] = max(queries.get(kind, 0), len(ctx.captured_queries))
        return result

    for done, i in enumerate(picked, 1):
        typed = "06-" + phone(i)[4:]  # 06-12345678, as people type it
        contact = timed("known", resolve, [("phone", typed)], name=f"Klant {i}")
        assert contact.pk == i, (contact.pk, i)
        timed("new", resolve, [("email", f"nieuw{i}@elders.nl")], name="Nieuw")
        now = timezone.now()
        if done % 2:
            earlier = Conversation.objects.create(contact=contact, last_message_at=now)
            Message.objects.create(
                conversation=earlier, direction="inbound", channel="whatsapp", text=QUESTION
            )
            Message.objects.filter(conversation=earlier).update(
                created_at=now - timedelta(minutes=4)
            )
        conv = Conversation.objects.create(contact=contact, last_message_at=now)
        Message.objects.create(
            conversation=conv, direction="inbound", channel="email", text=FOLLOW_UP
        )
        found = timed("open" if done % 2 else "none", candidates, conv)
        assert len(found) == done % 2, (i, found)
        if done % 200 == 0:
            log(f"  measured {done:,} / {samples:,} inbound messages")
    return {
        "vendor": connection.vendor,
        "version": _version(connection),
        "timings": {k: percentiles(v) for k, v in timings.items()},
        "queries": queries,
    }


def _version(connection) -> str:
    if connection.vendor == "postgresql":
        major, minor = divmod(connection.pg_version, 10_000)
        return f"{major}.{minor}"
    import sqlite3

    return sqlite3.sqlite_version


def child(args) -> None:
    setup(args.postgres)
    from django.db import connection

    log(f"{connection.vendor}: filling {args.contacts:,} contacts …")
    t0 = time.perf_counter()
    fill(args.contacts)
    fill_s = time.perf_counter() - t0
    log(f"{connection.vendor}: timing {args.samples:,} inbound messages …")
    result = measure(args.contacts, args.samples)
    result["fill_s"] = fill_s
    print(json.dumps(result))


ROWS = [
    ("known", "resolve, known customer (phone typed 06-…)"),
    ("new", "resolve, first message from a new address"),
    ("none", "detect concurrent, no other open conversation"),
    ("open", "detect concurrent, WhatsApp 4 min earlier, same question by e-mail"),
]


def report(args, results: list[dict]) -> str:
    lines = [
        SECTION,
        "",
        f"- **Date:** {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; **command:** "
        f"`.venv/bin/python bench/identity_bench.py --contacts {args.contacts} "
        f"--samples {args.samples}" + (" --postgres URL`" if args.postgres else "`"),
        f"- **Machine:** {os.cpu_count()} CPUs; Python {platform.python_version()}; "
        "one process, no HTTP; the machine is shared with other work.",
        f"- **Data:** {args.contacts:,} contacts with an e-mail address and a mobile number each "
        f"({2 * args.contacts:,} identities), {args.contacts // 5:,} resolved conversations of "
        "history; each timed message is one customer, half of them with an open WhatsApp "
        "conversation from four minutes earlier.",
        "- **What is timed:** `contacts.resolve()` and `stories.caselink.candidates()`, as intake "
        "calls them for every inbound message (queries: the most any one call ran).",
        "",
        "| engine | step | messages | p50 ms | p99 ms | queries |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        engine = f"{'SQLite' if r['vendor'] == 'sqlite' else 'PostgreSQL'} {r['version']}"
        for key, label in ROWS:
            t = r["timings"][key]
            lines.append(
                f"| {engine} | {label} | {t['n']:,} | {t['p50']:.2f} | {t['p99']:.2f} "
                f"| {r['queries'][key]} |"
            )
    fills = ", ".join(f"{r['vendor']} {r['fill_s']:.0f} s" for r in results)
    lines += ["", f"Filling the database took {fills}.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=2_000)
    parser.add_argument("--postgres", default="", help="postgres://… (emptied first!)")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    results = []
    for postgres in ["", args.postgres] if args.postgres else [""]:
        cmd = [sys.executable, __file__, "--child", "--contacts", str(args.contacts)]
        cmd += ["--samples", str(args.samples), "--postgres", postgres]
        out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    text = report(args, results)
    print(text)
    if not args.no_write:
        write_section(text)


if __name__ == "__main__":
    main()
