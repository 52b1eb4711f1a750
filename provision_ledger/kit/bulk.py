"""Writing many rows fast: COPY on PostgreSQL, executemany on SQLite, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from django.db import connection
from django.db.models import Model

SQLITE_CHUNK = 5000


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)  # Django keeps UTC, naive, in SQLite
        return value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _memoised(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Dates repeat across many rows (a school year has under 200 school days), so each is converted once."""
    seen: dict[Any, Any] = {}

    def cached(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            if len(seen) >= 10_000:  # a column of many distinct instants gains nothing: keep memory flat
                seen.clear()
            seen[value] = converted = convert(value)
            return converted

    return cached


def insert_rows(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert plain tuples into a model's table without building model instances; returns the count.

    The caller holds the transaction. Columns not named take their database default (NULL for the optional ones).
    """
    table = model._meta.db_table
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(connection.ops.quote_name(c) for c in columns)
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
        raw = connection.connection
        chunk: list[Sequence[Any]] = []
        converters: list[tuple[int, Callable[[Any], Any]]] | None = None
        for row in rows:
            if converters is None:  # the columns holding dates and times, found from the first row
                converters = [(i, _memoised(_sqlite_value)) for i, v in enumerate(row) if isinstance(v, date)]
            if converters:
                row = list(row)
                for i, convert in converters:
                    row[i] = convert(row[i])
            chunk.append(row)
            if len(chunk) >= SQLITE_CHUNK:
                raw.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            raw.executemany(sql, chunk)
            count += len(chunk)
    return count


def next_ids(model: type[Model], count: int) -> list[int]:
    """Ids for rows written with COPY or executemany, so that their audit events can name them."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: a bulk write holds the database's write lock, so nobody else takes ids meanwhile.
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        first = cursor.fetchone()[0] + 1
        return list(range(first, first + count))
