"""Rows read and written by plain SQL on the intake's hot path, at a fraction of the ORM's cost.

The intake worker reads a contact, its open case, the case's routing row and so on for every
message, in hand-written SQL (the ORM took longer to build those queries than the database to
answer them). RawQuerySet then worked out, for every query, which column is which field and
which converters apply: a fifth of the worker's time in the ingest bench (py-spy). Here that
plan is made once per model and column list, and rows become instances through
Model.from_db, as the ORM itself does. Columns that are not fields become attributes.
"""

from functools import lru_cache
from typing import TypeVar

from django.db import connection, models
from django.db.models import Model, signals

M = TypeVar("M", bound=Model)


def instances(model: type[M], sql: str, params: list) -> list[M]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = tuple(column[0] for column in cursor.description)
        rows = cursor.fetchall()
    build = _plan(model, names, connection.alias)
    return [build(row, connection) for row in rows]


def first(model: type[M], sql: str, params: list) -> M | None:
    found = instances(model, sql, params)
    return found[0] if found else None


def values(model: type[Model], sql: str, params: list) -> list[tuple]:
    """The rows as tuples, each column that names a field of `model` converted as the ORM
    would (aware datetimes, parsed JSON); for reads that need a few columns, not instances."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = tuple(column[0] for column in cursor.description)
        rows = cursor.fetchall()
    converters = _converters(model, names, connection.alias)
    if not converters:
        return rows
    return [tuple(_convert(row, converters, connection)) for row in rows]


def _convert(row: tuple, converters: list, db) -> list:
    row = list(row)
    for position, col, funcs in converters:
        value = row[position]
        for func in funcs:
            value = func(value, col, db)
        row[position] = value
    return row


@lru_cache(maxsize=256)
def _converters(model: type[Model], names: tuple[str, ...], alias: str) -> list:
    from django.db import connections

    db = connections[alias]
    by_name = {}
    for field in model._meta.concrete_fields:
        by_name[field.attname] = by_name[field.column] = field
    out = []
    for position, name in enumerate(names):
        if (field := by_name.get(name)) is not None:
            col = field.get_col(model._meta.db_table)
            if found := db.ops.get_db_converters(col) + col.get_db_converters(db):
                out.append((position, col, found))
    return out


@lru_cache(maxsize=256)
def _plan(model: type[Model], names: tuple[str, ...], alias: str):
    """How one row of these columns becomes an instance of `model`."""
    fields = model._meta.concrete_fields
    at = {name: i for i, name in enumerate(names)}
    missing = [f.attname for f in fields if f.attname not in at and f.column not in at]
    if missing:
        raise ValueError(f"{model.__name__} query lacks the columns {missing}")
    order = [at.get(f.attname, at.get(f.column)) for f in fields]
    converters = _converters(model, names, alias)
    used = set(order)
    extras = [(i, name) for i, name in enumerate(names) if i not in used]
    attnames = [f.attname for f in fields]

    def build(row: tuple, db) -> Model:
        row = _convert(row, converters, db)
        instance = model.from_db(alias, attnames, [row[i] for i in order])
        for i, name in extras:
            setattr(instance, name, row[i])
        return instance

    return build


# --- writes ----------------------------------------------------------------------------------
# Model.save() for the handful of rows written per inbound message (the message, its signals,
# the case's routing row, the case) cost as much as the rest of filing: the ORM compiles each
# INSERT and UPDATE anew. These send the same statements from a plan made once per model and
# field list, and send pre_save/post_save as save() does, so receivers (analytics, routing,
# email receipts) see no difference. Models that override save() are refused: their own logic
# would be skipped.


def insert(instance: Model) -> Model:
    """INSERT the instance as save() would for a new row (auto_now_add and defaults applied)."""
    model = type(instance)
    db, alias = connection, connection.alias
    sql, fields, pk_is_auto = _insert_plan(model, db.vendor)
    signals.pre_save.send(sender=model, instance=instance, raw=False, using=alias)
    params = [_prepared(f, plain, instance, True, db) for f, plain in fields]
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        if pk_is_auto:
            instance.pk = cursor.fetchone()[0]
    instance._state.adding = False
    instance._state.db = alias
    signals.post_save.send(sender=model, instance=instance, created=True, raw=False, using=alias)
    return instance


# Fields whose value goes to the database as it is when it is already a plain Python value;
# exact classes only (a subclass may prepare its values differently).
_PLAIN_FIELDS = (
    models.AutoField,
    models.BigAutoField,
    models.BigIntegerField,
    models.BooleanField,
    models.CharField,
    models.FloatField,
    models.ForeignKey,
    models.IntegerField,
    models.OneToOneField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.TextField,
)
_PLAIN_VALUES = (str, int, float, bool, type(None))


def _is_plain(field) -> bool:
    return type(field) in _PLAIN_FIELDS


def _prepared(field, plain: bool, instance: Model, add: bool, db):
    """What save() would send for this field: get_db_prep_save(pre_save()), skipped for a
    plain value of a plain field, where both return the value itself (a third of the cost)."""
    if plain:
        value = getattr(instance, field.attname)
        if type(value) in _PLAIN_VALUES:
            return value
    return field.get_db_prep_save(field.pre_save(instance, add), db)


def update(instance: Model, fields: list[str]) -> None:
    """UPDATE these fields of a loaded instance, as save(update_fields=...) would."""
    if not fields:
        return
    model = type(instance)
    names = frozenset(fields)
    db, alias = connection, connection.alias
    sql, plan = _update_plan(model, names, db.vendor)
    signals.pre_save.send(
        sender=model, instance=instance, raw=False, using=alias, update_fields=names
    )
    params = [_prepared(f, plain, instance, False, db) for f, plain in plan]
    with db.cursor() as cursor:
        cursor.execute(sql, [*params, instance.pk])
    signals.post_save.send(
        sender=model,
        instance=instance,
        created=False,
        raw=False,
        using=alias,
        update_fields=names,
    )


def _own_save(model: type[Model]) -> None:
    if model.save is not Model.save:
        raise TypeError(f"{model.__name__} has its own save(); write it with the ORM")


@lru_cache(maxsize=64)
def _insert_plan(model: type[Model], vendor: str):
    _own_save(model)
    pk = model._meta.pk
    auto = pk.db_returning  # an AutoField: the database gives the id
    fields = [f for f in model._meta.concrete_fields if not (auto and f is pk)]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    fields = [(f, _is_plain(f)) for f in fields]
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - model metadata
    if auto:
        sql += f" RETURNING {connection.ops.quote_name(pk.column)}"
    return sql, fields, auto


@lru_cache(maxsize=256)
def _update_plan(model: type[Model], names: frozenset[str], vendor: str):
    _own_save(model)
    meta = model._meta
    fields = [f for f in meta.concrete_fields if f.name in names or f.attname in names]
    if len(fields) != len(names):
        raise ValueError(f"{model.__name__} has no fields {sorted(names)}")
    table = connection.ops.quote_name(meta.db_table)
    sets = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    where = connection.ops.quote_name(meta.pk.column)
    fields = [(f, _is_plain(f)) for f in fields]
    sql = f"UPDATE {table} SET {sets} WHERE {where} = %s"  # noqa: S608 - model metadata
    return sql, fields
