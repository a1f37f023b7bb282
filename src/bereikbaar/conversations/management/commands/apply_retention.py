"""`bereikbaar manage apply_retention [--dry-run]`: delete resolved conversations whose inbox's
retention period is over (the server also does this every hour)."""

from django.core.management.base import BaseCommand

from bereikbaar.conversations import retention
from bereikbaar.conversations.models import RetentionPolicy


class Command(BaseCommand):
    help = "Delete resolved conversations past their inbox's retention period."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be deleted, delete nothing"
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        policies = list(RetentionPolicy.objects.filter(enabled=True).select_related("team"))
        if not policies:
            self.stdout.write(
                "No retention policies: nothing is deleted. Add one in the admin "
                "(Gesprekken › Bewaartermijnen)."
            )
            return
        for policy in policies:
            self.stdout.write(f"policy: {policy}")

        def progress(n: int) -> None:
            verb = "would delete" if dry_run else "deleted"
            self.stderr.write(f"\r{verb} {n} conversations …", ending="")

        run = retention.apply(dry_run=dry_run, progress=progress)
        self.stderr.write("")
        counts = run.counts
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {counts['conversations']} conversations, {counts['messages']} messages, "
            f"{counts['attachments']} attachments (run #{run.pk})."
        )
        for label, n in sorted(counts["per_policy"].items()):
            self.stdout.write(f"  {label}: {n}")
        if counts.get("held"):
            self.stdout.write(f"Kept {counts['held']} conversations under a legal hold.")
