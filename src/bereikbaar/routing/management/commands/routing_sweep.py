"""`bereikbaar manage routing_sweep [--every SECONDS]`: record SLA breaches and offer every
team queue to agents with room (a safety net beside the event-driven offers)."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from bereikbaar.routing import sla
from bereikbaar.routing.assign import drain
from bereikbaar.routing.models import Team


def sweep_once() -> tuple[int, int]:
    """(new breaches, cases handed out)."""
    breaches = sla.sweep()
    given = 0
    for team in Team.objects.all():
        with transaction.atomic():
            given += len(drain(team))
    return breaches, given


class Command(BaseCommand):
    help = "Record SLA breaches and offer waiting cases to agents with room."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--every", type=float, default=0, help="repeat every N seconds")

    def handle(self, *args, every: float = 0, **options) -> None:
        while True:
            breaches, given = sweep_once()
            self.stdout.write(f"breaches recorded: {breaches}, cases offered: {given}")
            if not every:
                return
            time.sleep(every)
