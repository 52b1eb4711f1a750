"""Writing many rows fast: COPY on PostgreSQL, executemany on SQLite, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from django.db import connection
from django.db.models import Model

from provision_ledger.delivery.models import Session

SESSION_COLUMNS = (
    "local_authority_id",
    "child_id",
    "line_id",
    "date",
    "status",
    "planned_minutes",
    "delivered_minutes",
    "reason",
    "note",
    "recorded_by_id",
    "recorded_at",
    "void_reason",
)


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)  # Django keeps UTC, naive, in SQLite
        return value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


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
        else:
            names = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" for _ in columns)
            raw = connection.connection
            chunk: list[Sequence[Any]] = []
            sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
            dated: list[int] | None = None
            for row in rows:
                if dated is None:  # the columns holding dates, found from the first row
                    dated = [i for i, v in enumerate(row) if isinstance(v, date)]
                if dated:
                    row = list(row)
                    for i in dated:
                        row[i] = _sqlite_value(row[i])
                chunk.append(row)
                if len(chunk) >= 5000:
                    raw.executemany(sql, chunk)
                    count += len(chunk)
                    chunk = []
            if chunk:
                raw.executemany(sql, chunk)
                count += len(chunk)
    return count


def insert_sessions(rows: Iterable[Sequence[Any]]) -> int:
    """Rows in the order of SESSION_COLUMNS."""
    return insert_rows(Session, SESSION_COLUMNS, rows)
