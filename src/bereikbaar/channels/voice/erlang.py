"""Honest expected wait on the phone: the Erlang C model contact centres plan with, fed by
live figures (agents online for the phone, calls waiting, recent handling time)."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from bereikbaar.channels.voice.models import Call, Line
from bereikbaar.routing.models import AgentProfile

DEFAULT_HANDLE_SECONDS = 240.0
RECENT = timedelta(hours=1)


def erlang_c(agents: int, traffic: float) -> float:
    """The probability that a caller must wait, for `agents` servers and `traffic` Erlangs
    (arrival rate × mean handling time). 1.0 when the traffic is at or over capacity."""
    if agents <= 0 or traffic >= agents:
        return 1.0
    if traffic <= 0:
        return 0.0
    blocking = 1.0  # Erlang B by its stable recursion, then C from B
    for k in range(1, agents + 1):
        blocking = traffic * blocking / (k + traffic * blocking)
    return agents * blocking / (agents - traffic * (1 - blocking))


def average_wait(agents: int, calls_per_hour: float, handle_seconds: float) -> float | None:
    """Mean seconds to answer (ASA) under Erlang C; None when the queue grows without end."""
    traffic = calls_per_hour * handle_seconds / 3600
    if agents <= 0 or traffic >= agents:
        return None
    return erlang_c(agents, traffic) * handle_seconds / (agents - traffic)


def service_level(agents: int, calls_per_hour: float, handle_seconds: float, target: float):
    """Share of callers answered within `target` seconds."""
    traffic = calls_per_hour * handle_seconds / 3600
    if agents <= 0 or traffic >= agents:
        return 0.0
    from math import exp

    waiting = erlang_c(agents, traffic)
    return 1 - waiting * exp(-(agents - traffic) * target / handle_seconds)


@dataclass(frozen=True)
class Estimate:
    seconds: float | None  # None: nobody to take the call now
    agents: int
    busy: int
    waiting: int
    calls_per_hour: float
    handle_seconds: float
    probability_wait: float


def expected_wait(
    agents: int, busy: int, waiting: int, calls_per_hour: float, handle_seconds: float
) -> Estimate:
    """What a caller who joins now can expect: at least the calls ahead of them shared over
    the agents, and never less than the steady-state Erlang C wait."""
    handle = handle_seconds or DEFAULT_HANDLE_SECONDS
    if agents <= 0:
        return Estimate(None, 0, busy, waiting, calls_per_hour, handle, 1.0)
    free = max(0, agents - busy)
    ahead = max(0, waiting + 1 - free)
    queue_wait = ahead * handle / agents
    steady = average_wait(agents, calls_per_hour, handle)
    traffic = calls_per_hour * handle / 3600
    seconds = max(queue_wait, steady if steady is not None else queue_wait)
    return Estimate(
        seconds, agents, busy, waiting, calls_per_hour, handle, erlang_c(agents, traffic)
    )


def live_estimate(line: Line | None = None) -> Estimate:
    """From the database now: phone agents online, calls on hold, the last hour's traffic."""
    now = timezone.now()
    calls = Call.objects.filter(direction="in")
    profiles = AgentProfile.objects.filter(
        presence=AgentProfile.Presence.ONLINE, user__is_active=True
    )
    if line is not None:
        calls = calls.filter(line=line)
        if line.team_id:
            profiles = profiles.filter(teams=line.team_id)
    agents = profiles.count()
    busy = (
        Call.objects.filter(state=Call.State.ANSWERED, answered_by__agent__in=profiles)
        .values("answered_by")
        .distinct()
        .count()
    )
    waiting = calls.filter(state=Call.State.RINGING, created_at__gte=now - RECENT).count()
    recent = calls.filter(Q(created_at__gte=now - RECENT))
    handled = [
        (c.ended_at - c.answered_at).total_seconds()
        for c in calls.filter(outcome=Call.Outcome.ANSWERED, ended_at__gte=now - 4 * RECENT)
        .exclude(answered_at=None)
        .only("answered_at", "ended_at")[:200]
    ]
    handle = sum(handled) / len(handled) if handled else DEFAULT_HANDLE_SECONDS
    return expected_wait(agents, busy, waiting, float(recent.count()), handle)


def spoken_minutes(estimate: Estimate) -> str:
    """Dutch words for the voice line: honest, rounded up to whole minutes."""
    if estimate.seconds is None:
        return "Er is op dit moment helaas niemand beschikbaar om op te nemen."
    minutes = int(-(-estimate.seconds // 60))
    if minutes <= 1:
        return "De verwachte wachttijd is minder dan een minuut."
    return f"De verwachte wachttijd is ongeveer {minutes} minuten."
