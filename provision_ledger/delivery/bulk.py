"""The one writer of sessions in bulk: the CSV import, the demo and the synthetic authority.

A page, the register and the API record a few sessions at a time through `delivery.actions`; these three write
thousands. Every row reaching `SessionWriter` has been interpreted by `rules.sessions.entry_figures` against the line
version in force on its date, as an entry on a page is. The writer gives the rows their ids, inserts them, adds them
to their months' sums and appends audit events sealing every row to its authority's chain, in the caller's
transaction: one event per session for the demo, and for a file one event per child in each batch, carrying the seal
of every session it wrote. `verify` holds each row to its own seal either way, so it still names one altered row;
the child's history says how many sessions the file recorded and over which dates.

The synthetic authority is the benchmark's data, not anybody's record, so it asks for no events: millions of them
would cost the benchmark minutes and prove nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from provision_ledger.audit.chain import CreatedEvent, append_created, json_string, seals_json
from provision_ledger.audit.sealing import instant, keyed_hasher
from provision_ledger.delivery.models import STATUS_CHOICES, Session
from provision_ledger.delivery.totals import MonthSums
from provision_ledger.kit.bulk import insert_rows, next_ids

# A row, in this order; `void_reason` is written empty (a bulk write never voids).
COLUMNS = (
    "local_authority_id",
    "child_id",
    "line_id",
    "date",
    "status",
    "planned_minutes",
    "delivered_minutes",
    "reason",
    "note",
    "delivered_by_id",
    "recorded_by_id",
    "recorded_at",
)
SessionRow = tuple[int, int, int, date, str, int, int, str, str, "int | None", int, datetime]

MONTH_SUMS_HELD = 50_000  # line-months held in memory before they are added to the stored sums
_STATUS_LABELS = dict(STATUS_CHOICES)


class SessionWriter:
    """Writes batches of checked session rows; call `finish` once every batch is written."""

    def __init__(self, *, verb: str = "Session recorded", line_names: dict[int, str] | None = None,
                 events: bool = True, per_child: bool = False) -> None:  # fmt: skip
        self.verb, self.line_names, self.events, self.per_child = verb, line_names or {}, events, per_child
        self.month_sums = MonthSums()
        self.written = 0
        self._iso: dict[date, str] = {}
        self._shown: dict[date, str] = {}  # each day as an event's summary shows it

    def write(self, rows: Sequence[SessionRow]) -> list[int]:
        """Insert the rows and their events; returns their ids in order."""
        if not rows:
            return []
        ids = next_ids(Session, len(rows))
        insert_rows(
            Session, ("id", *COLUMNS, "void_reason"), ((pk, *row, "") for pk, row in zip(ids, rows, strict=True))
        )
        add = self.month_sums.add
        by_authority: dict[int, list[CreatedEvent]] = {}
        # For a file: (authority, child) → the child's sessions in this batch, as (id, day, row seal).
        by_child: dict[tuple[int, int], list[tuple[int, date, str]]] = {}
        seal = keyed_hasher() if self.events else None
        last_at, recorded_at = None, ""
        for pk, (la, child, line, day, status, planned, delivered, reason, note, delivered_by, by, at) in zip(
            ids, rows, strict=True
        ):
            add(la, child, line, day, planned, delivered, reason, 1)
            if seal is None:
                continue
            iso = self._iso.get(day) or self._iso.setdefault(day, day.isoformat())
            if at is not last_at:  # a file's rows share one moment
                last_at, recorded_at = at, instant(at)
            # The row's seal, as `audit.sealing.row_hash` would make it from the saved row.
            row_hash = seal(session_sealed_text(pk, la, child, line, iso, status, planned, delivered, reason, note, by,
                                                recorded_at, delivered_by))  # fmt: skip
            if self.per_child:
                by_child.setdefault((la, child), []).append((pk, day, row_hash))
                continue
            after = session_after_json(pk, la, child, line, iso, status, planned, delivered, reason, note, by,
                                       delivered_by)  # fmt: skip
            summary = (
                f"{self.verb}: {self.line_names.get(line, 'provision line')} on {day:%d %b %Y}: "
                + (_STATUS_LABELS[status])
            )
            by_authority.setdefault(la, []).append(
                (child, by, at, "session", pk, summary[:300], after, f'{{"session:{pk}":"{row_hash}"}}')
            )
        if by_child:
            by, at = rows[0][10], rows[0][11]
            for (la, child), sealed_rows in by_child.items():
                by_authority.setdefault(la, []).append(self._child_event(child, by, at, sealed_rows))
        for la, events in by_authority.items():
            append_created(la, events)
        self.written += len(rows)
        if len(self.month_sums.sums) >= MONTH_SUMS_HELD:
            self.month_sums.write()
        return ids

    def _child_event(self, child: int, by: int, at: datetime, rows: list[tuple[int, date, str]]) -> CreatedEvent:
        """One event for a child's sessions in a batch of a file: their ids in `after`, each row's seal in `seals`."""
        ids = [pk for pk, _, _ in rows]
        days = [day for _, day, _ in rows]
        first, last = self._shown_day(min(days)), self._shown_day(max(days))
        count = f"{len(rows)} session{'s' if len(rows) != 1 else ''}"
        dates = first if first == last else f"{first} to {last}"
        after = f'{{"sessions":[{",".join(map(str, ids))}]}}'
        seals = seals_json({f"session:{pk}": row_hash for pk, _, row_hash in rows})
        return (child, by, at, "session", ids[0], f"{self.verb}: {count}, {dates}"[:300], after, seals)

    def _shown_day(self, day: date) -> str:
        shown = self._shown.get(day)
        if shown is None:
            shown = self._shown[day] = f"{day:%d %b %Y}"
        return shown

    def finish(self) -> int:
        """Add the months' sums still held; returns the sessions written."""
        self.month_sums.write()
        return self.written


def _session_json(
    pk: int,
    la_id: int,
    child_id: int,
    line_id: int,
    day: str,
    status: str,
    planned: int,
    delivered: int,
    reason: str,
    note: str,
    recorded_by: int,
    delivered_by: int | None,
    recorded_at: str | None,
) -> str:
    """A new session's columns as sorted-key JSON with no spaces; `recorded_at` only when given (a snapshot leaves
    it out, a seal holds it). Written out directly, since a dict and its encoding cost more than the rest of the
    row's checks; property tests hold it to `snapshot` and to `audit.sealing.row_hash`."""
    at = f'"recorded_at":{json_string(recorded_at)},' if recorded_at is not None else ""
    return (
        f'{{"child":{child_id},"corrects":null,"date":"{day}",'
        f'"delivered_by":{"null" if delivered_by is None else delivered_by},"delivered_minutes":{delivered},'
        f'"group_ref":null,"id":{pk},"line":{line_id},"local_authority":{la_id},"note":{json_string(note)},'
        f'"planned_minutes":{planned},"reason":{json_string(reason)},{at}"recorded_by":{recorded_by},'
        f'"status":{json_string(status)},"void_reason":"","voided_at":null,"voided_by":null}}'
    )


def session_after_json(
    pk: int,
    la_id: int,
    child_id: int,
    line_id: int,
    day: str,
    status: str,
    planned: int,
    delivered: int,
    reason: str,
    note: str,
    recorded_by: int,
    delivered_by: int | None = None,
) -> str:
    """A session's `after`, as `json.dumps(snapshot, sort_keys=True, separators=(",", ":"))` writes it."""
    return _session_json(
        pk, la_id, child_id, line_id, day, status, planned, delivered, reason, note, recorded_by, delivered_by, None
    )


def session_sealed_text(
    pk: int,
    la_id: int,
    child_id: int,
    line_id: int,
    day: str,
    status: str,
    planned: int,
    delivered: int,
    reason: str,
    note: str,
    recorded_by: int,
    recorded_at: str,
    delivered_by: int | None = None,
) -> str:
    """The text a new session's seal hashes, as `audit.sealing.row_hash` writes it from the saved row: its key, then
    `content_text` of every column (`recorded_at` already an `instant`)."""
    body = _session_json(
        pk, la_id, child_id, line_id, day, status, planned, delivered, reason, note, recorded_by, delivered_by,
        recorded_at,
    )  # fmt: skip
    return f"session:{pk}\n{body}"
