"""The intake worker alone, in this process: CPU ms and SQL statements per filed message.

    .venv/bin/python bench/intake_profile.py [--n 2000] [--batch 100] [--profile] [--sql]

Accepts `--n` API-channel messages of the `make bench` workload (bench/dutch.py, 500
customers) into a fresh SQLite data dir without HTTP, then times `intake.worker.drain()` filing
them (one team, one online agent, a serving loop bound so the realtime push is the real one).
Counts every statement sent to the database (BEGIN, COMMIT and SAVEPOINTs included). With
`--profile`, prints cProfile's 40 costliest functions of bereikbaar by cumulative time (the
profiler roughly doubles the times). Writes nothing.
"""

import argparse
import asyncio
import cProfile
import os
import pstats
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))


def setup() -> None:
    os.environ["BEREIKBAAR_DATA_DIR"] = tempfile.mkdtemp(prefix="intake-profile-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bereikbaar.settings")
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def cast() -> None:
    from django.contrib.auth import get_user_model

    from bereikbaar.realtime.publish import bind_server_loop
    from bereikbaar.routing.models import AgentProfile, Team

    team = Team.objects.create(slug="klantenservice", name="Klantenservice", is_default=True)
    agent = get_user_model().objects.create_user("agent")
    profile = AgentProfile.objects.create(
        user=agent, presence="online", max_concurrent=1000, languages=["nl"]
    )
    profile.teams.add(team)
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    bind_server_loop(loop)


class Statements:
    """A database execute wrapper that counts what is sent."""

    def __init__(self) -> None:
        self.sql: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.sql.append(sql)
        return execute(sql, params, many, context)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100, help="rows per claim")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sql", action="store_true", help="list the statements by count")
    args = parser.parse_args()
    setup()
    cast()
    import dutch
    import ours
    from django.db import connection

    from bereikbaar.channels.api.inbound import accept_api_message
    from bereikbaar.intake.models import Inbound
    from bereikbaar.intake.worker import drain

    for body in ours.bodies_for(dutch.workload(args.n), "profile"):
        accept_api_message(body)
    statements = Statements()
    profiler = cProfile.Profile()
    with connection.execute_wrapper(statements):
        cpu, wall = time.process_time(), time.perf_counter()
        if args.profile:
            profiler.enable()
        handled = drain("profile", args.batch)
        if args.profile:
            profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    statuses = Counter(Inbound.objects.values_list("status", flat=True))
    print(f"{handled} rows handled: {dict(statuses)}")
    print(
        f"CPU {cpu * 1000 / handled:.2f} ms per message, wall {wall * 1000 / handled:.2f} ms, "
        f"{handled / wall:.0f} messages/s, {len(statements.sql) / handled:.2f} SQL statements "
        f"per message"
    )
    if args.sql:
        for sql, count in Counter(s[:120] for s in statements.sql).most_common(40):
            print(f"{count:7d}  {sql}")
    if args.profile:
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        print(f"Python calls per message: {stats.total_calls / handled:,.0f}")
        stats.print_stats("bereikbaar", 40)
        if dump := os.environ.get("INTAKE_PROFILE_DUMP"):
            stats.dump_stats(dump)


if __name__ == "__main__":
    main()
