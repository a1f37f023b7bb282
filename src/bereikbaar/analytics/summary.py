"""The weekly summary for team leads who opted in: the key charts and their numbers by email."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from bereikbaar.analytics import charts, figures
from bereikbaar.analytics.models import SummarySubscription

KEY_FIGURES = ["channel_mix", "response_times", "emotions", "csat_channel", "repeat"]
WEEK = timedelta(days=7)


def render_summary(subscription: SummarySubscription, now: datetime) -> tuple[str, str, str]:
    """(subject, text, html) for one subscriber: the last seven days they may see."""
    f = figures.Filters(start=now - WEEK, end=now, team=subscription.team_id)
    shown = figures.dashboard(subscription.user, f, KEY_FIGURES)
    team = subscription.team.name if subscription.team else _("alle teams")
    subject = _("bereikbaar: weekoverzicht %(team)s") % {"team": team}
    context = {
        "figures": [(fig, charts.render(fig)) for fig in shown],
        "team": team,
        "start": f.start,
        "end": f.end,
    }
    text = render_to_string("analytics/summary.txt", context)
    html = render_to_string("analytics/summary.html", context)
    return subject, text, html


def send_weekly_summaries(now: datetime | None = None) -> int:
    """Send every due summary (none in the last 6 days); returns how many were sent."""
    now = now or timezone.now()
    due = (
        SummarySubscription.objects.filter(enabled=True, user__is_active=True)
        .exclude(user__email="")
        .filter(Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=now - timedelta(days=6)))
        .select_related("user", "team")
    )
    sent = 0
    for subscription in due:
        subject, text, html = render_summary(subscription, now)
        message = EmailMultiAlternatives(subject, text, to=[subscription.user.email])
        message.attach_alternative(html, "text/html")
        message.send()
        subscription.last_sent_at = now
        subscription.save(update_fields=["last_sent_at"])
        sent += 1
    return sent
