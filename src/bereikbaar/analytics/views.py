"""/analytics/: the dashboard with filters, a CSV per figure, the weekly-summary opt-in, the
low-score follow-ups, and the public CSAT page the survey link opens."""

from __future__ import annotations

import csv
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_POST

from bereikbaar.analytics import charts, csat, figures
from bereikbaar.analytics.models import CsatResponse, CsatSurvey, SummarySubscription
from bereikbaar.routing.access import team_ids, visible_conversations
from bereikbaar.routing.models import Team

PERIODS = [7, 28, 56, 90, 365]
DEFAULT_DAYS = 56


def _day(value: str | None, fallback: datetime) -> datetime:
    day = parse_date(value or "") if value else None
    if day is None:
        return fallback
    return timezone.make_aware(datetime.combine(day, time.min))


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() else None


def parse_filters(params) -> figures.Filters:
    """Filters from a query string: days=N or from/to (dates), team, channel, agent."""
    now = timezone.now()
    days = _int(params.get("days")) or DEFAULT_DAYS
    days = min(days, 3660)
    start = _day(params.get("from"), now - timedelta(days=days))
    end = _day(params.get("to"), now)
    if params.get("to"):
        end += timedelta(days=1)  # "to" is inclusive
    channel = params.get("channel", "")
    return figures.Filters(
        start=start,
        end=end,
        team=_int(params.get("team")),
        channel=channel if channel in figures.CHANNEL_KEYS else "",
        agent=_int(params.get("agent")),
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    f = parse_filters(request.GET)
    shown = figures.dashboard(request.user, f)
    teams = Team.objects.filter(pk__in=team_ids(request.user))
    agents = (
        get_user_model()
        .objects.filter(agent__teams__in=teams, is_active=True)
        .distinct()
        .order_by("username")
    )
    subscription = SummarySubscription.objects.filter(user=request.user, enabled=True).first()
    context = {
        "figures": [(fig, charts.render(fig)) for fig in shown],
        "filters": f,
        "days": _int(request.GET.get("days")) or DEFAULT_DAYS,
        "periods": PERIODS,
        "teams": teams,
        "agents": agents,
        "channels": figures.CHANNELS,
        "query": request.GET.urlencode(),
        "follow_ups": csat.open_follow_ups(visible_conversations(request.user))[:50],
        "subscription": subscription,
    }
    return render(request, "analytics/dashboard.html", context)


@login_required
def figure_csv(request: HttpRequest, key: str) -> HttpResponse:
    if key not in figures.FIGURES:
        raise Http404("no such figure")
    fig = figures.FIGURES[key](request.user, parse_filters(request.GET))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bereikbaar-{key}.csv"'
    writer = csv.writer(response)
    if not fig.measured:
        writer.writerow([fig.note])
        return response
    writer.writerow([_cell(v) for v in fig.columns])
    writer.writerows([_cell(v) for v in row] for row in fig.rows)
    return response


# A spreadsheet runs a cell that starts like a formula (=HYPERLINK(…), +, -, @, or after a
# tab or carriage return): a team, tag or agent name typed that way would run on the
# supervisor's machine. Such text gets a leading apostrophe (OWASP, "CSV injection");
# numbers stay numbers.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


@login_required
@require_POST
def summary_optin(request: HttpRequest) -> HttpResponse:
    enabled = request.POST.get("enabled") == "1"
    team = _int(request.POST.get("team"))
    if team not in team_ids(request.user):
        team = None
    SummarySubscription.objects.update_or_create(
        user=request.user, defaults={"enabled": enabled, "team_id": team}
    )
    return redirect("analytics:dashboard")


@login_required
@require_POST
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    response = get_object_or_404(
        CsatResponse,
        pk=pk,
        conversation__in=visible_conversations(request.user).values("pk"),
    )
    response.follow_up_done_at = timezone.now()
    response.save(update_fields=["follow_up_done_at"])
    return redirect("analytics:dashboard")


def csat_survey(request: HttpRequest, token: str) -> HttpResponse:
    """The public survey page: the random token in the link is the only key."""
    survey = get_object_or_404(CsatSurvey.objects.select_related("conversation"), token=token)
    answered = hasattr(survey, "response")
    error = ""
    if request.method == "POST" and not answered:
        score = _int(request.POST.get("score"))
        if score is None or not 1 <= score <= 5:
            error = "score"
        else:
            csat.record_response(survey, score, request.POST.get("comment", ""))
            return redirect("analytics:csat", token=token)
    return render(
        request,
        "analytics/csat.html",
        {"survey": survey, "answered": answered, "error": error, "scores": range(1, 6)},
        status=400 if error else 200,
    )
