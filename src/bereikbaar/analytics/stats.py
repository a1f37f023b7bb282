"""SQL building blocks that SQLite and PostgreSQL both answer: seconds between two timestamps
and a percentile aggregate (PostgreSQL's percentile_cont; on SQLite a registered aggregate
with the same interpolation), so medians and p90s are computed in the database."""

from __future__ import annotations

import math

from django.db.models import Aggregate, FloatField, Func


class Seconds(Func):
    """end - start in seconds (NULL when either is NULL)."""

    output_field = FloatField()
    arity = 2

    def __init__(self, end, start, **extra) -> None:
        super().__init__(end, start, **extra)

    def as_sql(self, compiler, connection, **extra):
        end, start = (compiler.compile(e) for e in self.get_source_expressions())
        sql = f"(EXTRACT(EPOCH FROM ({end[0]} - {start[0]})))::double precision"
        return sql, (*end[1], *start[1])

    def as_sqlite(self, compiler, connection, **extra):
        end, start = (compiler.compile(e) for e in self.get_source_expressions())
        sql = f"((julianday({end[0]}) - julianday({start[0]})) * 86400.0)"
        return sql, (*end[1], *start[1])


class Percentile(Aggregate):
    """The continuous percentile (0..1) of an expression; NULLs are ignored."""

    function = "percentile_cont"
    name = "Percentile"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be within 0..1")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="bk_percentile(%(expressions)s, %(fraction)s)",
            **extra,
        )


def percentile(values: list[float], fraction: float) -> float | None:
    """percentile_cont on sorted values: linear interpolation between closest ranks."""
    if not values:
        return None
    position = fraction * (len(values) - 1)
    low = math.floor(position)
    high = math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)


class _SqlitePercentile:
    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value, fraction) -> None:
        if value is not None:
            self.values.append(float(value))
        self.fraction = float(fraction)

    def finalize(self) -> float | None:
        self.values.sort()
        return percentile(self.values, self.fraction)


def install_sqlite_functions(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("bk_percentile", 2, _SqlitePercentile)
