"""The periods a statement reports on: this half-term, this term, this school year, each up to today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from provision_ledger.rules.calendar import Calendar


@dataclass(frozen=True)
class Window:
    key: str
    label: str
    start: date
    end: date


def reporting_windows(calendar: Calendar, today: date, since: date | None = None) -> list[Window]:
    """Half-term, term and school year to date, and since `since` (a plan's start) when given.

    In a holiday, the half-term and term are the ones just ended.
    """
    year_start, _ = calendar.academic_year_bounds(today)
    started = [t for t in calendar.terms if t.start <= today]
    windows = []
    if started:
        term = max(started, key=lambda t: t.start)
        halves = [h for h in term.halves() if h[0] <= today]
        half_start, half_end = halves[-1]
        # A half-term "starts" on its first school day, not the Saturday after the break.
        first_days = calendar.school_days(half_start, min(half_end, today))
        half_start = first_days[0] if first_days else half_start
        windows.append(Window("half_term", "This half-term", half_start, min(half_end, today)))
        windows.append(Window("term", f"{term.name} term", term.start, min(term.end, today)))
    windows.append(Window("year", "This school year", year_start, today))
    if since is not None and since <= today:
        windows.append(Window("plan", "Since the plan started", since, today))
    return windows


def whole(value: Fraction | int | float) -> int:
    """Round half up to a whole number, as people expect: 29.5 expected sessions read as 30."""
    exact = Fraction(value)
    return int(exact + Fraction(1, 2)) if exact >= 0 else -int(-exact + Fraction(1, 2))


def duration(minutes: Fraction | int | None) -> str:
    """150 → "2 hours 30 minutes"; 45 → "45 minutes"; 0 → "none"; an authority's year, "3,871,609 hours"."""
    total = whole(minutes or 0)
    if total == 0:
        return "none"
    hours, mins = divmod(total, 60)
    parts = []
    if hours:
        parts.append(f"{hours:,} hour{'s' if hours != 1 else ''}")
    if mins:
        parts.append(f"{mins} minute{'s' if mins != 1 else ''}")
    return " ".join(parts)
