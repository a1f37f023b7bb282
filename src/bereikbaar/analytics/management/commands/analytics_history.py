"""Fill the database with a generated history of known parameters (for trying the dashboard,
browser tests and the benchmark): `django-admin analytics_history --conversations 2000`."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from bereikbaar.analytics import history
from bereikbaar.routing.models import Team


class Command(BaseCommand):
    help = "Generate conversations, messages, CSAT answers and searches with known parameters."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--conversations", type=int, default=600)
        parser.add_argument("--searches", type=int, default=300)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options) -> None:
        teams = list(Team.objects.order_by("pk"))
        agents = list(get_user_model().objects.filter(agent__isnull=False).order_by("pk"))
        if not teams or not agents:
            raise CommandError("needs at least one team and one agent")
        params = history.Params(
            conversations=options["conversations"], searches=options["searches"]
        )
        counts = history.generate(params, teams, agents, seed=options["seed"])
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
