"""SQL building blocks that SQLite and PostgreSQL both answer: seconds between two timestamps
and a percentile aggregate (PostgreSQL's percentile_cont; on SQLite a registered aggregate
with the same interpolation), so medians and p90s are computed in the database."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection
from django.db.models import Aggregate, FloatField, Func, TextField


@contextmanager
def without_jit() -> Iterator[None]:
    """PostgreSQL compiles a query to machine code (JIT) when its estimated cost is high. The
    repeat lookup's estimate makes the dashboard's grouped scans look expensive, and compiling
    took 0.43 s of a 0.76 s query over 200,000 messages (EXPLAIN ANALYZE); the scans
    themselves are short. Off for the block, on this connection only, then back as it was."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        before = cursor.fetchone()[0]
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('jit', %s, false)", [before])
        except DatabaseError:
            pass  # an aborted transaction: rolling it back undoes the SET as well


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


class Percentiles(Aggregate):
    """SQLite only: several percentiles of several expressions in one pass, as
    ``{(expression index, fraction): value}``. Equal to one :class:`Percentile` each, but the
    Python aggregate is stepped once per row instead of once per row and percentile (six
    times for the response times)."""

    function = "bk_percentiles"
    name = "Percentiles"
    output_field = TextField()
    template = "%(function)s('%(fractions)s', %(expressions)s)"

    def __init__(self, *expressions, fractions: tuple[float, ...], **extra) -> None:
        if not all(0 <= p <= 1 for p in fractions):
            raise ValueError("fractions must be within 0..1")
        self.fractions = tuple(float(p) for p in fractions)
        super().__init__(*expressions, fractions=json.dumps(self.fractions), **extra)

    def as_sql(self, compiler, connection, **extra):
        if connection.vendor != "sqlite":
            raise NotImplementedError("Percentiles is SQLite's; use Percentile elsewhere")
        return super().as_sql(compiler, connection, **extra)

    def get_db_converters(self, connection):
        return [*super().get_db_converters(connection), self._decode]

    def _decode(self, value, expression, connection):
        values = json.loads(value) if value is not None else []
        return {
            (i, p): (values[i][j] if i < len(values) else None)
            for i in range(len(self.source_expressions))
            for j, p in enumerate(self.fractions)
        }


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


class _SqlitePercentiles:
    def __init__(self) -> None:
        self.values: list[list[float]] = []
        self.fractions: list[float] = []

    def step(self, fractions, *values) -> None:
        if not self.values:
            self.fractions = json.loads(fractions)
            self.values = [[] for _ in values]
        for column, value in zip(self.values, values, strict=True):
            if value is not None:
                column.append(float(value))

    def finalize(self) -> str:
        result = []
        for column in self.values:
            column.sort()
            result.append([percentile(column, p) for p in self.fractions])
        return json.dumps(result)


def install_sqlite_functions(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("bk_percentile", 2, _SqlitePercentile)
        connection.connection.create_aggregate("bk_percentiles", -1, _SqlitePercentiles)
