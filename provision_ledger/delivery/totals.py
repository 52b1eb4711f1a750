"""Each line's live sessions summed by calendar month (`LineMonth`), kept as sessions are recorded and voided.

The authority's figures (the dashboard, a school's children, month by month, open statistics) all cover whole
calendar months, so they read these sums: for a large authority's year about 400,000 rows instead of five million
sessions. Every path that writes sessions changes the sums in the same transaction: recording (one or many), voiding
and correcting, the CSV import, the demo and the synthetic authority. `problems` compares them with the sessions
(`provision-ledger verify` reports any difference) and `rebuild` lays an authority's sums again from its sessions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from django.db import connection

from provision_ledger.delivery.models import LineMonth, Session
from provision_ledger.rules.compliance import MissReason

REASONS = [reason.value for reason in MissReason]
SUMMED = ["delivered_minutes", *(f"missed_{reason}" for reason in REASONS)]
_KEYS = ["local_authority_id", "child_id", "line_id", "month"]
_CHUNK = 1000  # rows per upsert: 11 values each, well inside SQLite's limit on bound values


def missed_column(reason: str) -> str:
    return f"missed_{MissReason(reason).value}"


def _table() -> str:
    return connection.ops.quote_name(LineMonth._meta.db_table)


class MonthSums:
    """Sessions summed in memory by line and month, then added to the stored sums in one upsert per line-month.

    Memory grows with the lines and months touched, never with the number of sessions.
    """

    def __init__(self) -> None:
        self.sums: dict[tuple[int, int, int, date], list[int]] = {}

    def add(
        self, la_id: int, child_id: int, line_id: int, day: date, planned: int, delivered: int, reason: str, sign: int
    ) -> None:
        key = (la_id, child_id, line_id, day.replace(day=1))
        sums = self.sums.get(key)
        if sums is None:
            sums = self.sums[key] = [0] * len(SUMMED)
        sums[0] += sign * delivered
        if reason:
            sums[1 + REASONS.index(reason)] += sign * (planned - delivered)

    def write(self) -> int:
        """Add the sums to the stored ones (inside the caller's transaction); returns the line-months touched."""
        # Sorted, so two transactions changing the same line-months take their row locks in the same order.
        ordered = sorted(self.sums.items(), key=lambda item: (item[0][2], item[0][3]))
        additions: list[tuple[int | date, ...]] = [(*key, *sums) for key, sums in ordered if min(sums) >= 0]
        # A void takes away from a month already summed. An upsert cannot: the row it would insert fails the
        # columns' check that no sum is negative, before the conflict is found.
        subtractions = [(key, sums) for key, sums in ordered if min(sums) < 0]
        self._upsert(additions)
        self._subtract(subtractions)
        self.sums.clear()
        return len(ordered)

    @staticmethod
    def _upsert(rows: list[tuple[int | date, ...]]) -> None:
        columns = [*_KEYS, *SUMMED]
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        table = _table()
        added = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in map(connection.ops.quote_name, SUMMED))
        marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
        with connection.cursor() as cursor:
            for start in range(0, len(rows), _CHUNK):
                chunk = rows[start : start + _CHUNK]
                cursor.execute(
                    f"INSERT INTO {table} ({names}) VALUES {', '.join([marks] * len(chunk))} "
                    f"ON CONFLICT (local_authority_id, line_id, month) DO UPDATE SET {added}",
                    [value for row in chunk for value in row],
                )

    @staticmethod
    def _subtract(rows: list[tuple[tuple[int, int, int, date], list[int]]]) -> None:
        changed = ", ".join(f"{c} = {c} + %s" for c in map(connection.ops.quote_name, SUMMED))
        sql = f"UPDATE {_table()} SET {changed} WHERE line_id = %s AND month = %s"
        with connection.cursor() as cursor:
            for (_, _, line_id, month), sums in rows:
                cursor.execute(sql, [*sums, line_id, month])
                if cursor.rowcount != 1:
                    raise LookupError(
                        f"Line {line_id} has no sums for {month:%B %Y} to take a voided session from: "
                        "run provision-ledger refresh-totals."
                    )


def count(sessions: Iterable[Session], sign: int = 1) -> None:
    """Add sessions just recorded (sign 1) to their months, or take sessions just voided (sign -1) away."""
    sums = MonthSums()
    for s in sessions:
        sums.add(s.local_authority_id, s.child_id, s.line_id, s.date, s.planned_minutes, s.delivered_minutes,
                 s.reason, sign)  # fmt: skip
    sums.write()


def _month_of_date() -> str:
    if connection.vendor == "postgresql":
        return "CAST(date_trunc('month', date) AS date)"
    return "substr(date, 1, 7) || '-01'"  # SQLite keeps a date as YYYY-MM-DD text


def _summed_from_sessions() -> str:
    missed = ", ".join(
        f"SUM(CASE WHEN reason = '{reason}' THEN planned_minutes - delivered_minutes ELSE 0 END)" for reason in REASONS
    )
    return f"SUM(delivered_minutes), {missed}"


def sums_by_day(line_ids: Iterable[int], first: date, last: date) -> Iterator[tuple[int, date, list[int]]]:
    """(line, day, sums in the order of SUMMED) for these lines' live sessions from first to last, summed as their
    months are: for figures over part of a month."""
    line_ids = sorted(set(line_ids))
    if not line_ids:
        return
    session = connection.ops.quote_name(Session._meta.db_table)
    marks = ", ".join(["%s"] * len(line_ids))
    sql = (
        f"SELECT line_id, date, {_summed_from_sessions()} FROM {session} WHERE line_id IN ({marks}) "
        "AND date >= %s AND date <= %s AND voided_at IS NULL GROUP BY line_id, date"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*line_ids, first, last])
        for line_id, day, *sums in cursor.fetchall():
            # SQLite keeps a date as YYYY-MM-DD text
            yield line_id, day if isinstance(day, date) else date.fromisoformat(day), [int(m or 0) for m in sums]


def _from_sessions(local_authority_id: int) -> tuple[str, list[int]]:
    """The sums as they should stand, straight from the authority's live sessions."""
    session = connection.ops.quote_name(Session._meta.db_table)
    month = _month_of_date()
    sql = (
        f"SELECT local_authority_id, child_id, line_id, {month}, {_summed_from_sessions()} FROM {session} "
        f"WHERE local_authority_id = %s AND voided_at IS NULL GROUP BY local_authority_id, child_id, line_id, {month}"
    )
    return sql, [local_authority_id]


def rebuild(local_authority_id: int) -> int:
    """Lay the authority's sums again from its sessions (inside the caller's transaction); returns the rows."""
    LineMonth.objects.filter(local_authority_id=local_authority_id).delete()
    names = ", ".join(connection.ops.quote_name(c) for c in [*_KEYS, *SUMMED])
    select, params = _from_sessions(local_authority_id)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {_table()} ({names}) {select}", params)
    return LineMonth.objects.filter(local_authority_id=local_authority_id).count()


def problems(local_authority_id: int) -> Iterator[str]:
    """Each line-month whose stored sums differ from its sessions, said plainly."""
    select, params = _from_sessions(local_authority_id)
    with connection.cursor() as cursor:
        cursor.execute(select, params)
        expected = {(row[2], _as_date(row[3])): [int(v) for v in row[4:]] for row in cursor.fetchall()}
    stored = LineMonth.objects.filter(local_authority_id=local_authority_id).values_list("line_id", "month", *SUMMED)
    for line_id, month, *sums in stored.iterator(chunk_size=5000):
        should = expected.pop((line_id, month), [0] * len(SUMMED))
        if sums != should:
            yield _difference(line_id, month, sums, should)
    for (line_id, month), should in sorted(expected.items()):
        yield _difference(line_id, month, [0] * len(SUMMED), should)


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


_LABELS = ["minutes delivered", *(f"minutes missed ({reason.label.lower()})" for reason in MissReason)]


def _difference(line_id: int, month: date, stored: list[int], should: list[int]) -> str:
    changed = ", ".join(
        f"{label} {had} where its sessions sum to {want}"
        for label, had, want in zip(_LABELS, stored, should, strict=True)
        if had != want
    )
    return (
        f"The monthly sums of line {line_id} for {month:%B %Y} differ from its sessions: {changed}. "
        "Run provision-ledger refresh-totals."
    )
