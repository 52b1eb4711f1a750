"""The school calendar: which days a school teaches, so provision can be laid on real school days.

A school day is a Monday to Friday inside one of the school's terms that is not in that term's
half-term break, not an INSET (staff training) day, not another whole-school closure and not a
bank holiday in England and Wales.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import holidays

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Term:
    """A school term, e.g. "Autumn 2026", with an optional half-term break (inclusive, no teaching)."""

    name: str
    start: date
    end: date
    half_term_start: date | None = None
    half_term_end: date | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"{self.name}: the term ends ({self.end}) before it starts ({self.start}).")
        if (self.half_term_start is None) != (self.half_term_end is None):
            raise ValueError(f"{self.name}: give both the first and the last day of the half-term break, or neither.")
        if self.half_term_start is not None and self.half_term_end is not None:
            if self.half_term_end < self.half_term_start:
                raise ValueError(f"{self.name}: the half-term break ends before it starts.")
            # Strictly inside, so each half of the term has at least one day.
            if not (self.start < self.half_term_start and self.half_term_end < self.end):
                raise ValueError(f"{self.name}: the half-term break must fall inside the term.")

    def halves(self) -> tuple[tuple[date, date], ...]:
        """The two half-terms either side of the break, or the whole term when it has no break."""
        if self.half_term_start is None or self.half_term_end is None:
            return ((self.start, self.end),)
        return (
            (self.start, self.half_term_start - _ONE_DAY),
            (self.half_term_end + _ONE_DAY, self.end),
        )

    def contains(self, d: date) -> bool:
        """Whether d falls between the first and last day of the term, half-term break included."""
        return self.start <= d <= self.end

    def in_break(self, d: date) -> bool:
        if self.half_term_start is None or self.half_term_end is None:
            return False
        return self.half_term_start <= d <= self.half_term_end


@functools.lru_cache(maxsize=64)
def _bank_holidays_in(year: int) -> frozenset[date]:
    # Computed offline by the `holidays` library, so no network call and no yearly data to load.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def bank_holidays(years: Iterable[int]) -> frozenset[date]:
    """Bank holidays of England and Wales in the given years (substitute days included)."""
    result: frozenset[date] = frozenset()
    for year in set(years):
        result |= _bank_holidays_in(year)
    return result


def academic_year_bounds(d: date) -> tuple[date, date]:
    """1 September to 31 August of the academic year containing d.

    The school year is taken as 1 September to 31 August by convention.
    """
    first_year = d.year if d.month >= 9 else d.year - 1
    return date(first_year, 9, 1), date(first_year + 1, 8, 31)


@dataclass(frozen=True)
class SchoolCalendar:
    """A school's terms and non-teaching days. Frozen, so hashable and safe to cache by value."""

    terms: tuple[Term, ...]
    inset_days: frozenset[date] = frozenset()
    closures: frozenset[date] = frozenset()

    @functools.cached_property
    def _days(self) -> _CalendarIndex:
        # Looked up once per calendar object: hashing a frozen calendar (every term) costs more than the lookup, and
        # an import asks about each of its rows' days.
        return _index(self)

    def is_school_day(self, d: date) -> bool:
        return d in self._days.day_set

    def school_days(self, start: date, end: date) -> list[date]:
        """The school days from start to end inclusive, in order."""
        days = self._days.days
        return list(days[bisect.bisect_left(days, start) : bisect.bisect_right(days, end)])

    def count_school_days(self, start: date, end: date) -> int:
        if start > end:
            return 0
        days = self._days.days
        return bisect.bisect_right(days, end) - bisect.bisect_left(days, start)

    def term_containing(self, d: date) -> Term | None:
        """The term whose first-to-last-day span contains d, half-term break included."""
        return next((t for t in self.terms if t.contains(d)), None)

    def half_term_containing(self, d: date) -> tuple[date, date] | None:
        """The half-term containing d; None in a holiday, including the half-term break itself."""
        term = self.term_containing(d)
        if term is None:
            return None
        return next(((a, b) for a, b in term.halves() if a <= d <= b), None)

    def academic_year_bounds(self, d: date) -> tuple[date, date]:
        return academic_year_bounds(d)


@dataclass(frozen=True)
class Stint:
    """The days a child was at one school (`first` None: from the start of the record; `last` None: still there)."""

    calendar: SchoolCalendar
    first: date | None
    last: date | None

    def clip(self, start: date, end: date) -> tuple[date, date] | None:
        lo = start if self.first is None else max(start, self.first)
        hi = end if self.last is None else min(end, self.last)
        return (lo, hi) if lo <= hi else None


@dataclass(frozen=True)
class ChildCalendar:
    """The school days of a child who moved school: each day on the calendar of the school they were at.

    A day's weight under a termly or yearly line is that school's own (its term's school days), so a child's figures
    over any window are the sum of what each school's calendar gives for its days, exactly as each school's
    authority lays its months.
    """

    stints: tuple[Stint, ...]  # in date order, not overlapping

    def _at(self, d: date) -> SchoolCalendar | None:
        return next((s.calendar for s in self.stints if s.clip(d, d)), None)

    @property
    def terms(self) -> tuple[Term, ...]:
        """The terms the child was at school in, each named by the school they were at in it; a term the child
        moved during is the new school's."""
        found: list[Term] = []
        for stint in self.stints:
            for term in stint.calendar.terms:
                if stint.clip(term.start, term.end) is None:
                    continue
                found = [t for t in found if t.end < term.start]
                found.append(term)
        return tuple(found)

    def is_school_day(self, d: date) -> bool:
        calendar = self._at(d)
        return calendar is not None and calendar.is_school_day(d)

    def school_days(self, start: date, end: date) -> list[date]:
        days: list[date] = []
        for stint in self.stints:
            span = stint.clip(start, end)
            if span is not None:
                days.extend(stint.calendar.school_days(*span))
        return days

    def count_school_days(self, start: date, end: date) -> int:
        return sum(s.calendar.count_school_days(*span) for s in self.stints if (span := s.clip(start, end)))

    def term_containing(self, d: date) -> Term | None:
        calendar = self._at(d)
        return calendar.term_containing(d) if calendar is not None else None

    def half_term_containing(self, d: date) -> tuple[date, date] | None:
        calendar = self._at(d)
        return calendar.half_term_containing(d) if calendar is not None else None

    def academic_year_bounds(self, d: date) -> tuple[date, date]:
        return academic_year_bounds(d)


# A school's calendar, or a moved child's calendars one after another.
Calendar = SchoolCalendar | ChildCalendar


@dataclass(frozen=True)
class _CalendarIndex:
    days: tuple[date, ...]  # sorted, for counting a range by bisection
    day_set: frozenset[date]  # for membership


@functools.lru_cache(maxsize=256)
def _index(calendar: SchoolCalendar) -> _CalendarIndex:
    # Computed once per distinct calendar (the calendar is frozen, so it is its own cache key):
    # reports ask about thousands of days and must not rebuild the year for each one.
    closed = calendar.inset_days | calendar.closures
    years = {y for t in calendar.terms for y in range(t.start.year, t.end.year + 1)}
    closed |= bank_holidays(years)
    found: set[date] = set()
    for term in calendar.terms:
        d = term.start
        while d <= term.end:
            if d.weekday() < 5 and not term.in_break(d) and d not in closed:
                found.add(d)
            d += _ONE_DAY
    return _CalendarIndex(days=tuple(sorted(found)), day_set=frozenset(found))
