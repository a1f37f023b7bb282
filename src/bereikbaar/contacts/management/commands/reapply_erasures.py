"""`bereikbaar manage reapply_erasures [--log PATH] [--dry-run]`: run after restoring a backup."""

from pathlib import Path

from django.core.management.base import BaseCommand

from bereikbaar.contacts import erasure_log
from bereikbaar.contacts.privacy import reapply_erasures


class Command(BaseCommand):
    help = "Erase again every contact the erasure journal names (after restoring a backup)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--log", type=Path, help="the journal (default: BEREIKBAAR_ERASURE_LOG)"
        )
        parser.add_argument("--dry-run", action="store_true", help="only say who would be erased")

    def handle(self, *args, log=None, dry_run=False, **options):
        source = log or erasure_log.path()
        if not source.exists():
            self.stderr.write(f"no erasure journal at {source}: nothing to re-apply")
            return
        ids = reapply_erasures(source, dry_run=dry_run)
        verb = "would be erased" if dry_run else "erased again"
        self.stdout.write(f"{len(ids)} contact(s) {verb}: {', '.join(map(str, ids)) or '—'}")
