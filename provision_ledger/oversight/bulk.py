"""Sessions written in bulk, as the synthetic authority lays them, with their monthly sums."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from provision_ledger.core.bulk import insert_rows
from provision_ledger.delivery.models import Session
from provision_ledger.delivery.totals import MonthSums

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


def insert_sessions(rows: Iterable[Sequence[Any]]) -> int:
    """Rows in the order of SESSION_COLUMNS, none of them void; their months' sums are added as they are written."""
    sums = MonthSums()

    def counted() -> Iterator[Sequence[Any]]:
        for row in rows:
            la_id, child_id, line_id, day, _status, planned, delivered, reason = row[:8]
            sums.add(la_id, child_id, line_id, day, planned, delivered, reason, 1)
            yield row

    written = insert_rows(Session, SESSION_COLUMNS, counted())
    sums.write()
    return written
