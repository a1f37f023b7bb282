"""Recompute the analytics facts of every conversation (the backfill after an upgrade or a
bulk load that bypassed Django's signals, and the way back should they ever be doubted):
`bereikbaar manage analytics_rebuild [--stale] [--batch N]`. Prints progress as it goes; it
can be stopped and run again, and the dashboard keeps working meanwhile."""

import time

from django.core.management.base import BaseCommand

from bereikbaar.analytics import facts
from bereikbaar.conversations.models import Conversation


class Command(BaseCommand):
    help = "Recompute the per-conversation analytics facts (all, or only missing and dirty)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--stale", action="store_true", help="only the missing and dirty ones (quick)"
        )
        parser.add_argument("--batch", type=int, default=5000, help="conversations per step")

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        if options["stale"]:
            done = facts.ensure(Conversation.objects.all())
        else:

            def progress(done: int, total: int) -> None:
                if options["verbosity"] >= 1:
                    pct = 100 * done / total if total else 100
                    self.stdout.write(f"{done:,}/{total:,} conversations ({pct:.0f}%)")
                    self.stdout.flush()

            done = facts.rebuild(progress=progress, batch=max(1, options["batch"]))
        seconds = time.perf_counter() - started
        self.stdout.write(f"facts={done} seconds={seconds:.1f}")
