"""The one bulk writer of every import: validated rows in; the records, their "created" history
rows and their events out, inside the caller's transaction.

``bulk_insert(model, rows, actor=, reason=, event=, derive=, large=)`` takes rows that are
already valid (dicts keyed by attname; every row with the same keys; keys that are no column,
such as an enterprise's tags, are ignored) and writes them by one of two paths that give the
same rows:

- the ORM: ``bulk_create`` in batches (Django adapts every value and stamps the auto_now
  columns), then simple-history's ``bulk_history_create`` for the "+" history rows (history user
  = the actor, change reason = ``reason``), then the events by ``bulk_create``;
- past the ORM, for the large tables where it is worth it (the caller passes ``large=True``:
  enterprises, accidents): every value adapted once as Django adapts it for an INSERT, then
  streamed by COPY (psycopg's ``cursor.copy``) on PostgreSQL, the ids taken from the table's
  sequence first, or by ``executemany`` of one INSERT on SQLite, the ids those rows got under
  the transaction's write lock. Django's compiler costs some 0.5 ms of Python per row and history
  row, and PostgreSQL runs an executemany one statement at a time: 20,000 enterprises took
  34 s to write by ``bulk_create`` on SQLite and 24 s on PostgreSQL, 7 s and 5 s past the ORM
  (bench/README.md).

The one difference: past the ORM the auto_now(_add) columns of the whole batch get one time
(the history rows' date); ``bulk_create`` stamps each row as it builds it. A model's own
``save()`` is not called and no signal is sent, so the rows carry what ``save()`` would compute
(e.g. ``region_path``).

Events: one per record (``ImportEvent(action, data=…)``, as the accident import writes) or one
for the whole batch on a parent record (``ImportEvent(action, data=…, on=record)``, as the
enterprise import writes on the importing user); ``write_import_event`` is the same mechanism
for an import that writes its records otherwise (the region tree).
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, NotSupportedError, connections, models, router
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from .models import Event
from .services import record_event

BATCH_SIZE = 1000
EXECUTEMANY_BATCH = 10_000
# The path past the ORM of ``large=True`` writes (COPY, executemany); off only to compare the two
# paths (the tests and the bench's ``--import-experiment inserts``).
PAST_THE_ORM = True

Row = dict[str, Any]


@dataclass(frozen=True)
class ImportEvent:
    """The event(s) a batch of new records gets: with ``on`` None, one event per record (``data``
    a dict, or a function of the record's row); with ``on`` a record, one event on it for the
    whole batch (``data`` a dict, to which ``created``, ``first_id`` and ``last_id`` are added)."""

    action: str
    data: dict[str, Any] | Callable[[Row], dict[str, Any]] | None = None
    on: models.Model | None = None


def bulk_insert(model: type[models.Model], rows: Sequence[Row], *, actor, reason: str = "",
                event: ImportEvent | None = None, derive: Callable[[Row], Row] | None = None,
                large: bool = False, batch_size: int = BATCH_SIZE) -> list[int]:
    """Insert ``rows`` into ``model``'s table with their history rows and events; return the new
    ids in row order (each row also gets its id under the primary key's attname).

    ``derive(row)`` gives the values of columns made from the new id (e.g. a record number): the
    rows are written with the values they carry (valid placeholders) and those columns updated
    once the ids are known (COPY knows the ids first). ``large`` writes past the ORM on
    PostgreSQL and SQLite. Must run inside the caller's transaction, so that either everything is
    written or nothing."""
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    if not connection.in_atomic_block:
        raise TransactionManagementError("bulk_insert writes inside the caller's transaction.")
    if large and PAST_THE_ORM and connection.vendor in ("postgresql", "sqlite"):
        now = timezone.now()
        ids = _insert_past_the_orm(connection, model, rows, actor=actor, reason=reason, now=now, derive=derive)
    else:
        # Django stamps each row as it builds it; the history rows and events come after them.
        now = None
        ids = _orm_insert(connection, model, rows, actor=actor, reason=reason, derive=derive, batch_size=batch_size)
    if event is not None:
        write_import_event(event, model, rows, ids, actor=actor, large=large, now=now)
    return ids


def write_import_event(event: ImportEvent, model: type[models.Model], rows: Sequence[Row], ids: Sequence[int], *,
                       actor, large: bool = False, now: datetime.datetime | None = None) -> None:
    """Write ``event`` for records just written (``rows`` with their ``ids``): one on
    ``event.on``, or one per record (in bulk; past the ORM when ``large``)."""
    if event.on is not None:
        data = {**(event.data or {}), "created": len(ids), "first_id": min(ids, default=None),
                "last_id": max(ids, default=None)}
        record_event(event.on, event.action, actor=actor, data=data)
        return
    if not ids:
        return
    content_type_id = ContentType.objects.get_for_model(model, for_concrete_model=True).pk
    actor_id = getattr(actor, "pk", None)
    at = now or timezone.now()
    data = event.data if callable(event.data) else (lambda _row, same=event.data or {}: same)
    bulk_insert(Event, [{"content_type_id": content_type_id, "object_id": str(pk), "action": event.action,
                         "actor_id": actor_id, "at": at, "data": data(row)} for row, pk in zip(rows, ids, strict=True)],
                actor=actor, large=large)


def history_model(model: type[models.Model]) -> type[models.Model] | None:
    """The simple-history model of ``model`` (None when it keeps no history, or history is off)."""
    manager = getattr(model._meta, "simple_history_manager_attribute", None)
    if manager is None or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return None
    return getattr(model, manager).model


# --- the ORM path --------------------------------------------------------------------------------

def _orm_insert(connection, model, rows, *, actor, reason, derive, batch_size) -> list[int]:
    columns = {f.attname for f in model._meta.concrete_fields}
    keys = [k for k in rows[0] if k in columns]
    objs = [model(**{k: row[k] for k in keys}) for row in rows]
    manager = model._base_manager.db_manager(connection.alias)
    manager.bulk_create(objs, batch_size=batch_size)
    pk = model._meta.pk.attname
    if objs[0].pk is None:
        raise NotSupportedError("bulk_insert needs a database that returns the keys of new rows.")
    for row, obj in zip(rows, objs, strict=True):
        row[pk] = obj.pk
    if derive is not None:
        changed: set[str] = set()
        for row, obj in zip(rows, objs, strict=True):
            values = derive(row)
            row.update(values)
            for name, value in values.items():
                setattr(obj, name, value)
            changed.update(values)
        if changed:
            manager.bulk_update(objs, sorted(changed), batch_size=batch_size)
    if history_model(model) is not None:
        history = getattr(model, model._meta.simple_history_manager_attribute)
        history.bulk_history_create(objs, batch_size=batch_size, default_change_reason=reason or None,
                                    default_user=actor if getattr(actor, "pk", None) else None)
    return [obj.pk for obj in objs]


# --- past the ORM: COPY (PostgreSQL), executemany (SQLite) -----------------------------------------

def _insert_past_the_orm(connection, model, rows, *, actor, reason, now, derive) -> list[int]:
    pk = model._meta.pk.attname
    constants = _constant_columns(model, set(rows[0]) | {pk}, now, {})
    if connection.vendor == "postgresql":
        ids = _reserve_ids(connection, model, len(rows))
        for row, new_id in zip(rows, ids, strict=True):
            row[pk] = new_id
        if derive is not None:
            for row in rows:
                row.update(derive(row))
        _write(connection, model, rows, constants)
    else:
        _write(connection, model, rows, constants)
        ids = _inserted_ids(connection, model, len(rows))
        for row, new_id in zip(rows, ids, strict=True):
            row[pk] = new_id
        if derive is not None:
            changed: set[str] = set()
            for row in rows:
                values = derive(row)
                row.update(values)
                changed.update(values)
            _update(connection, model, rows, sorted(changed))
    history = history_model(model)
    if history is not None:
        # The history row is the record's row (its tracked columns) plus who, when and why.
        tracked = {f.attname for f in history._meta.concrete_fields}
        extra = {k: v for k, v in constants.items() if k in tracked}
        extra.update({"history_date": now, "history_change_reason": reason or None, "history_type": "+",
                      "history_user_id": getattr(actor, "pk", None)})
        _write(connection, history, rows, _constant_columns(history, set(rows[0]), now, extra))
    return ids


def _reserve_ids(connection, model, n: int) -> list[int]:
    """PostgreSQL: ``n`` new keys from the table's own sequence, ascending (as INSERTs would get them)."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [connection.ops.quote_name(table), column, n])
        return sorted(value for (value,) in cursor.fetchall())


def _inserted_ids(connection, model, n: int) -> list[int]:
    """SQLite: the keys of the ``n`` rows just inserted. Each new row gets the key after the
    largest one, and the transaction's write lock (taken by the first INSERT) keeps every other
    writer out, so they are the ``n`` keys up to the last one inserted; checked all the same."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_insert_rowid()")
        last = cursor.fetchone()[0]
        first = last - n + 1
        table, key = qn(model._meta.db_table), qn(model._meta.pk.column)
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {key} BETWEEN %s AND %s", [first, last])  # noqa: S608
        if cursor.fetchone()[0] != n:
            raise DatabaseError("The keys of the rows just inserted are not consecutive.")
    return list(range(first, last + 1))


def _update(connection, model, rows: Sequence[Row], names: list[str]) -> None:
    """Set the columns ``names`` of the rows just inserted (by primary key), one executemany."""
    if not names:
        return
    qn = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in names]
    pk = model._meta.pk
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 (names from _meta, values bound)
        qn(model._meta.db_table), ", ".join(f"{qn(f.column)} = %s" for f in fields), qn(pk.column))
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*(row[f.attname] for f in fields), row[pk.attname]) for row in rows])


def _adapter(field, connection) -> Callable[[Any], Any] | None:
    """A function turning a validated Python value of ``field`` into its database value, or
    None when the value goes to the driver as it is (str, int, bool, None)."""
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "DecimalField":
        return lambda v: ops.adapt_decimalfield_value(v, field.max_digits, field.decimal_places)
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "TimeField":
        return ops.adapt_timefield_value
    if kind in ("JSONField", "UUIDField", "DurationField", "BinaryField"):
        return lambda v: field.get_db_prep_save(v, connection)
    return None


def _constant_columns(model, per_row: set[str], now: datetime.datetime, extra: dict[str, Any]) -> dict[str, Any]:
    """attname → the value every inserted row gets, for the columns the rows do not carry
    (``extra`` first, then auto_now(_add) = now, then the field default; auto keys are skipped)."""
    out = {}
    for f in model._meta.concrete_fields:
        if f.attname in per_row:
            continue
        if f.attname in extra:
            out[f.attname] = extra[f.attname]
        elif f.primary_key:
            continue
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            out[f.attname] = now
        else:
            out[f.attname] = f.get_default()
    return out


def _write(connection, model, rows: Sequence[Row], constants: dict[str, Any]) -> None:
    """Insert ``rows`` into ``model``'s table: the columns the rows carry, then ``constants``;
    by COPY on PostgreSQL, else by executemany of one INSERT. Inside the caller's transaction:
    a failure (e.g. a unique value written by someone else meanwhile) raises Django's
    IntegrityError and nothing is written."""
    fields = model._meta.concrete_fields
    per_row = [f for f in fields if f.attname in rows[0] and f.attname not in constants]
    fixed_fields = [f for f in fields if f.attname in constants]
    fixed = []
    for f in fixed_fields:
        adapt, value = _adapter(f, connection), constants[f.attname]
        fixed.append(adapt(value) if adapt and value is not None else value)
    qn = connection.ops.quote_name
    columns = [qn(f.column) for f in [*per_row, *fixed_fields]]
    values = _values(connection, rows, per_row, tuple(fixed))
    if connection.vendor == "postgresql":
        _copy(connection, qn(model._meta.db_table), columns, values)
        return
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from _meta, values bound)
        qn(model._meta.db_table), ", ".join(columns), ", ".join(["%s"] * len(columns)))
    with connection.cursor() as cursor:
        # SQLite's default 2 MB page cache thrashes on a large table's indexes at this volume.
        cursor.execute("PRAGMA cache_size")
        cache_size = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA cache_size = -131072")
        try:
            batch = []
            for value in values:
                batch.append(value)
                if len(batch) == EXECUTEMANY_BATCH:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
        finally:
            cursor.execute(f"PRAGMA cache_size = {cache_size:d}")


def _values(connection, rows: Sequence[Row], per_row: list, fixed: tuple) -> Iterator[tuple]:
    """Each row's values (``per_row`` fields, adapted as Django adapts them), then ``fixed``."""
    get = operator.itemgetter(*[f.attname for f in per_row])
    single = len(per_row) == 1  # itemgetter of one key gives the value, not a tuple
    adapted = [(i, a) for i, f in enumerate(per_row) if (a := _adapter(f, connection)) is not None]
    for row in rows:
        values = [get(row)] if single else list(get(row))
        for i, adapt in adapted:
            if values[i] is not None:
                values[i] = adapt(values[i])
        yield (*values, *fixed)


def _copy(connection, table: str, columns: list[str], values: Iterator[tuple]) -> None:
    """COPY ``values`` into ``table`` (quoted) ``columns`` (PostgreSQL, psycopg 3)."""
    sql = "COPY {} ({}) FROM STDIN".format(table, ", ".join(columns))
    # psycopg's own cursor: Django's wrapper has no copy(); wrap_database_errors turns the
    # driver's errors into Django's, as for INSERTs.
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
        for value in values:
            copy.write_row(value)
