"""Counts per combination of facts, shared by several figures.

Channel mix (week, first channel), multichannel (first channel, multi, concurrent), emotions
(first channel, start, end) and repeat contacts (first channel, repeat) each counted the
conversations in scope with their own scan of conversations, contacts and facts. The
combinations are few (weeks × channels × flags × emotions: thousands at most, whatever the
number of conversations), so inside :func:`shared` (the dashboard) the first figure asks for
all of them in one grouped query and each figure sums its own dimensions from that in Python:
exactly the counts of its own query. Outside it a figure groups by its dimensions only.
The three CSAT figures share their answers per (channel, team, agent) the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import Count, QuerySet

from bereikbaar.analytics import scope
from bereikbaar.analytics.base import Filters

ALL = ("week", "first_channel", "multi", "concurrent", "start", "end", "repeat")
_CACHE: ContextVar[dict | None] = ContextVar("analytics_cube", default=None)


@contextmanager
def shared() -> Iterator[None]:
    """Let the figures computed inside share one grouped query per user and filters."""
    token = _CACHE.set({})
    try:
        yield
    finally:
        _CACHE.reset(token)


def _annotated(qs: QuerySet, dims: tuple[str, ...]) -> QuerySet:
    qs = scope.with_first_channel(qs)
    if "week" in dims:
        qs = scope.with_week(qs)
    if "multi" in dims or "concurrent" in dims:
        qs = scope.with_multichannel(qs)
    if "start" in dims or "end" in dims:
        qs = scope.with_emotions(qs)
    if "repeat" in dims:
        qs = scope.with_repeat(qs)
    return qs


def _query(user, f: Filters, dims: tuple[str, ...]) -> list[dict]:
    qs = _annotated(scope.conversations(user, f), dims)
    return list(qs.values(*dims).annotate(n=Count("id")).order_by())


def counts(user, f: Filters, *dims: str) -> list[dict]:
    """Rows of ``dims`` and ``n`` (conversations), one per combination that occurs."""
    rows = shared_rows("conversations", user, f, lambda: _query(user, f, ALL))
    if rows is None:
        return _query(user, f, dims)
    return summed(rows, dims, ("n",))


def shared_rows(name: str, user, f: Filters, compute: Callable[[], list[dict]]) -> list | None:
    """``compute()``, once per name, user and filters inside :func:`shared`; None outside."""
    cache = _CACHE.get()
    if cache is None:
        return None
    key = (name, user.pk, f, scope.scratch())
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def summed(rows: list[dict], dims: tuple[str, ...], totals: tuple[str, ...]) -> list[dict]:
    """``rows`` summed per combination of ``dims`` (the other dimensions summed away)."""
    groups: dict[tuple, list] = {}
    for row in rows:
        acc = groups.setdefault(tuple(row[d] for d in dims), [0] * len(totals))
        for i, t in enumerate(totals):
            acc[i] += row[t] or 0
    return [
        {**dict(zip(dims, group, strict=True)), **dict(zip(totals, acc, strict=True))}
        for group, acc in groups.items()
    ]
