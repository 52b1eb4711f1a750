"""What a session entry means: the minutes planned and delivered that a status, and the line's terms that day, imply.

Every way of recording a session (a screen, the register, the API, a CSV file, the demo and the synthetic authority)
asks this one function, with the terms of the line version in force on the session's date, so the same entry records
the same row whichever way it arrives.

- Planned minutes default to the line's minutes per session on that day; for in-class support given as minutes a
  week, a fifth of the week's minutes (one school day's share).
- Delivered: all the planned minutes unless fewer are given; a delivered session longer than planned raises the
  planned minutes to match (the session that took place is the record). It has no reason for a miss.
- Part delivered: between 1 minute and one less than planned, with the reason it was cut short.
- Not delivered: no minutes, with the reason it did not happen.
- No session is longer than the school day.
"""

from __future__ import annotations

from dataclasses import dataclass

from provision_ledger.rules.compliance import SessionStatus
from provision_ledger.rules.delivery import LineTerms


class EntryRefused(ValueError):
    """The entry contradicts its line or itself. `errors` maps each field to what is wrong with it, in form order."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class EntryFigures:
    planned_minutes: int
    delivered_minutes: int


def default_planned_minutes(terms: LineTerms) -> int:
    """The minutes one session of these terms is planned to last."""
    return terms.weekly_minutes // 5 if terms.weekly_minutes else terms.minutes_per_session


def entry_figures(
    terms: LineTerms,
    status: SessionStatus,
    *,
    school_day_minutes: int,
    planned: int | None = None,
    delivered: int | None = None,
    reason: str = "",
) -> EntryFigures:
    """The planned and delivered minutes an entry records, or EntryRefused naming each field that is wrong."""
    errors: dict[str, str] = {}
    planned = default_planned_minutes(terms) if planned is None else planned
    if delivered is None:
        delivered = planned if status is SessionStatus.DELIVERED else 0
    if delivered < 0:
        errors["delivered_minutes"] = "Minutes cannot be negative."
    elif delivered > school_day_minutes:
        errors["delivered_minutes"] = f"That is longer than the school day ({school_day_minutes} minutes)."
    if planned < 1:
        errors["planned_minutes"] = "A planned session lasts at least one minute."
    elif planned > school_day_minutes:
        errors["planned_minutes"] = f"That is longer than the school day ({school_day_minutes} minutes)."
    if status is SessionStatus.DELIVERED:
        if reason:
            errors["reason"] = "A delivered session has no reason for a miss."
        planned = max(planned, delivered)
    elif status is SessionStatus.PART_DELIVERED:
        if "delivered_minutes" not in errors and not 0 < delivered < planned:
            errors["delivered_minutes"] = f"Part delivered means between 1 and {planned - 1} minutes."
        if not reason:
            errors["reason"] = "Say why the session was cut short."
    else:
        if delivered:
            errors["delivered_minutes"] = "A session not delivered has no minutes delivered."
        if not reason:
            errors["reason"] = "Say why the session did not happen."
    if errors:
        raise EntryRefused(errors)
    return EntryFigures(planned, delivered)
