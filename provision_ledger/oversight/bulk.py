"""Sessions written in bulk, as the synthetic authority lays them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from provision_ledger.core.bulk import insert_rows
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


def insert_sessions(rows: Iterable[Sequence[Any]]) -> int:
    """Rows in the order of SESSION_COLUMNS."""
    return insert_rows(Session, SESSION_COLUMNS, rows)
