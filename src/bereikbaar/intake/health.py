"""Is the intake keeping up? Figures for a load balancer, a monitor and an admin (catalogue M1).

"Nothing lost" must also be visible: a row waiting long means the worker is down or behind, a
quarantined row waits for a person. The quick check reads only the unfinished and quarantined
rows (both found through the (status, id) index), so a monitor may ask every few seconds;
the per-channel report reads the whole queue and is for people.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from django.db import DatabaseError
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from bereikbaar.intake.models import Inbound

# A row accepted longer ago than this and still not filed: the worker is down or far behind.
BEHIND_AFTER = timedelta(seconds=60)
UNFINISHED = (Inbound.Status.ACCEPTED, Inbound.Status.PROCESSING)


@dataclass
class Health:
    status: str  # ok | degraded (accepting, but something waits) | down (nothing is stored)
    waiting: int = 0  # accepted or being filed
    oldest_waiting_seconds: float | None = None
    quarantined: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def check(now: datetime | None = None) -> Health:
    now = now or timezone.now()
    try:
        waiting = Inbound.objects.filter(status__in=UNFINISHED).aggregate(
            n=Count("id"), oldest=Min("received_at")
        )
        quarantined = Inbound.objects.filter(status=Inbound.Status.QUARANTINED).count()
    except DatabaseError as exc:
        return Health("down", problems=[f"database: {type(exc).__name__}"])
    health = Health("ok", waiting=waiting["n"], quarantined=quarantined)
    if waiting["oldest"] is not None:
        age = (now - waiting["oldest"]).total_seconds()
        health.oldest_waiting_seconds = round(age, 1)
        if age > BEHIND_AFTER.total_seconds():
            health.problems.append(
                f"{waiting['n']} waiting, the oldest for {age:.0f} s: is a worker running?"
            )
    if quarantined:
        health.problems.append(f"{quarantined} in quarantine: see the admin, Intake")
    if health.problems:
        health.status = "degraded"
    return health


@dataclass
class ChannelFigures:
    channel: str
    last_received: datetime | None
    last_processed: datetime | None
    waiting: int
    quarantined: int
    received_last_hour: int


def by_channel(now: datetime | None = None) -> list[ChannelFigures]:
    """Per channel: when it last brought something, what waits, what is quarantined."""
    now = now or timezone.now()
    rows = (
        Inbound.objects.values("channel")
        .annotate(
            last_received=Max("received_at"),
            last_processed=Max("processed_at"),
            waiting=Count("id", filter=Q(status__in=UNFINISHED)),
            quarantined=Count("id", filter=Q(status=Inbound.Status.QUARANTINED)),
            last_hour=Count("id", filter=Q(received_at__gte=now - timedelta(hours=1))),
        )
        .order_by("channel")
    )
    return [
        ChannelFigures(
            r["channel"],
            r["last_received"],
            r["last_processed"],
            r["waiting"],
            r["quarantined"],
            r["last_hour"],
        )
        for r in rows
    ]
