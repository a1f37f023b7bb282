"""The dashboard's figures as JSON: GET /api/v1/analytics and /api/v1/analytics/{key}.

Mounted by the API package with ``api.add_router("/analytics", analytics_router)``. Same
filters and the same visibility as /analytics/ (an agent sees only their teams' figures).
"""

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from bereikbaar.analytics import figures
from bereikbaar.analytics.views import parse_filters

analytics_router = Router(tags=["analytics"])


class FilterQuery(Schema):
    days: int | None = Field(None, ge=1, le=3660, description="the last N days (default 56)")
    from_: date | None = Field(None, alias="from", description="first day (instead of days)")
    to: date | None = Field(None, description="last day, inclusive")
    team: int | None = None
    channel: str = Field("", description="phone, email, whatsapp, sms, webchat or api")
    agent: int | None = None


class FigureOut(Schema):
    key: str
    title: str
    measured: bool = Field(description='false: "nog niet gemeten", the note says why')
    note: str
    unit: str
    columns: list[str]
    rows: list[list[Any]]
    summary: dict[str, Any]


class DashboardOut(Schema):
    start: str
    end: str
    figures: list[FigureOut]


@analytics_router.get("", response=DashboardOut, summary="Every dashboard figure")
def all_figures(request: HttpRequest, filters: Query[FilterQuery]):
    """Channel mix, multichannel share, preferences, emotions, response times, SLA, phone,
    help centre, CSAT, repeat contacts and agent load for the period and filters."""
    f = parse_filters(request.GET)
    return {
        "start": f.start.isoformat(),
        "end": f.end.isoformat(),
        "figures": [fig.as_dict() for fig in figures.dashboard(request.user, f)],
    }


@analytics_router.get("/{key}", response=FigureOut, summary="One dashboard figure")
def one_figure(request: HttpRequest, key: str, filters: Query[FilterQuery]):
    if key not in figures.FIGURES:
        raise Http404(f"no figure {key!r}; known: {', '.join(figures.FIGURES)}")
    return figures.FIGURES[key](request.user, parse_filters(request.GET)).as_dict()
