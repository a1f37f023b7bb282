"""Routing's settings, cached per process: teams, the active routing rules and SLA policies.

They change a few times a year but were read for every inbound message (a fifth of the intake's
time). `current()` returns them from memory after one indexed look at routing_configversion,
whose token every save or delete of a team, rule or policy replaces in the same transaction
(signals, connected in apps.py). So a change made in the admin of any process takes effect on
the next message every worker files, and a change rolled back never does. Changes through
QuerySet.update() or bulk_create() send no signals: call `changed()` after them.

The cached instances are shared between threads: read them, never modify them.
"""

import contextlib
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection

from bereikbaar.routing.models import ConfigVersion, RoutingRule, SlaPolicy, Team

_TABLE = ConfigVersion._meta.db_table


@dataclass(frozen=True)
class Config:
    token: str | None
    teams: dict[int, Team] = field(default_factory=dict)
    rules: tuple[RoutingRule, ...] = ()  # active, in order, each with its team
    policies: tuple[SlaPolicy, ...] = ()
    default_team: Team | None = None


_cached: Config | None = None
_lock = threading.Lock()
_local = threading.local()


def current() -> Config:
    """The settings as committed (or as changed in the caller's own transaction)."""
    global _cached
    pin = getattr(_local, "pin", None)
    if pin is not None and pin[0] is not None and pin[0] is _cached:
        return pin[0]
    token = _token()
    cached = _cached
    if cached is None or cached.token != token:
        with _lock:
            cached = _load(token)
            _cached = cached
    if pin is not None:
        _local.pin = [cached]
    return cached


@contextlib.contextmanager
def pinned() -> Iterator[None]:
    """Inside, current() checks the version once (the intake worker's filing transaction: on
    SQLite nobody else can commit meanwhile; elsewhere a change counts from the next one). A
    change saved in this process still counts at once."""
    _local.pin = [None]
    try:
        yield
    finally:
        _local.pin = None


def changed(**_signal_kwargs) -> None:
    """Something cached changed: forget it here and tell the other processes (in the caller's
    transaction, so they see it once it commits)."""
    global _cached
    _cached = None
    token = uuid.uuid4().hex
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_TABLE} SET token = %s WHERE id = 1", [token])  # noqa: S608
        if cursor.rowcount == 0:  # the row went with a flush (tests): put it back
            ConfigVersion.objects.create(pk=1, token=token)


def _token() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {_TABLE} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


def _load(token: str | None) -> Config:
    teams = {team.pk: team for team in Team.objects.all()}
    rules = tuple(RoutingRule.objects.filter(active=True, team_id__in=list(teams)))
    for rule in rules:
        rule.team = teams[rule.team_id]
    default = next((t for t in teams.values() if t.is_default), None)
    if default is None and teams:
        default = teams[min(teams)]
    return Config(
        token=token,
        teams=teams,
        rules=rules,
        policies=tuple(SlaPolicy.objects.order_by("pk")),
        default_team=default,
    )


def team(team_id: int | None) -> Team | None:
    return current().teams.get(team_id) if team_id is not None else None
