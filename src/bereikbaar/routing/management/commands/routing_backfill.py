"""`bereikbaar manage routing_backfill`: signals for inbound messages filed without them."""

from django.core.management.base import BaseCommand
from django.db import transaction

from bereikbaar.routing.triage import backfill


class Command(BaseCommand):
    help = "Compute and store emotion/urgency signals for inbound messages that lack them."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            done = backfill()
        self.stdout.write(f"messages analysed: {done}")
