"""Send the due weekly summaries and offer the due CSAT surveys (run it from cron or a
scheduler, e.g. hourly): `django-admin analytics_weekly`."""

from django.core.management.base import BaseCommand

from bereikbaar.analytics import csat, summary


class Command(BaseCommand):
    help = "Send due weekly summaries and offer CSAT surveys for recently resolved cases."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-surveys", action="store_true")

    def handle(self, *args, **options) -> None:
        surveys = 0 if options["no_surveys"] else csat.offer_due_surveys()
        sent = summary.send_weekly_summaries()
        self.stdout.write(f"summaries={sent} surveys={surveys}")
