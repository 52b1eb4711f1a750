"""Expected delivery: what a provision line promises over any window, laid on the school calendar.

The rule. Expected delivery over a window is the sum, over each school day in the window on which
the line is in force, of that day's weight:

- Timetabled line (weekdays given): 1 session on each school day that falls on a timetabled
  weekday, none on other days. The period and the count of sessions are not used: the timetable
  already says when the sessions fall.
- Per day: `sessions` on each school day.
- Per week: one fifth of `sessions` on each school day. A full five-day week carries exactly
  `sessions`; a week shortened by a bank holiday, an INSET day, a closure, the start or end of
  term, or the edge of the window carries its share (a four-day week carries four fifths).
- Per term: `sessions` divided by the number of school days in the term containing the day, so a
  whole term carries exactly `sessions`.
- Per year: `sessions` divided by the number of school days in the academic year (1 September to
  31 August) containing the day, so a whole school year carries exactly `sessions`.
- In-class support given as minutes a week (`weekly_minutes`): 1 session on each school day,
  weighing a fifth of `weekly_minutes`, so a full week carries exactly `weekly_minutes` minutes in
  5 sessions. This takes precedence over the timetable and the period.

Expected minutes are the day's sessions times `minutes_per_session` (except in-class support,
above). Every weight is an exact Fraction, so expected delivery over two adjacent windows adds up
to exactly the expected delivery over their union.

A line's history is a list of versions (effective_from, terms). Each version applies from its
effective_from to the day before the next one's, and only within its own start..end. An amendment
therefore never rewrites what was expected before it took effect.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction
from itertools import groupby

from provision_ledger.rules.calendar import Calendar, ChildCalendar, SchoolCalendar, academic_year_bounds

_ONE_DAY = timedelta(days=1)


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"
    TERM = "term"
    YEAR = "year"


@dataclass(frozen=True)
class LineTerms:
    """The quantified promise of one version of a provision line."""

    sessions: int  # sessions per period
    period: Period
    minutes_per_session: int
    start: date
    end: date | None  # inclusive; None means open-ended
    weekdays: frozenset[int] = frozenset()  # 0 = Monday .. 4 = Friday; empty = no fixed timetable
    weekly_minutes: int | None = None  # in-class support as minutes a week

    def __post_init__(self) -> None:
        if self.sessions < 1:
            raise ValueError("A provision line must promise at least one session per period.")
        if self.minutes_per_session < 1:
            raise ValueError("A session must last at least one minute.")
        if self.end is not None and self.end < self.start:
            raise ValueError(f"The line ends ({self.end}) before it starts ({self.start}).")
        if not self.weekdays <= frozenset(range(5)):
            raise ValueError("Timetabled weekdays must be Monday (0) to Friday (4).")
        if self.weekly_minutes is not None and self.weekly_minutes < 1:
            raise ValueError("Weekly minutes of in-class support must be at least one minute.")

    def covers(self, d: date) -> bool:
        return self.start <= d and (self.end is None or d <= self.end)


@dataclass(frozen=True)
class Expected:
    """Expected sessions and minutes, exact."""

    sessions: Fraction
    minutes: Fraction

    def __add__(self, other: Expected) -> Expected:
        return Expected(self.sessions + other.sessions, self.minutes + other.minutes)


ZERO = Expected(Fraction(0), Fraction(0))


def _day_weight(terms: LineTerms, calendar: SchoolCalendar, d: date) -> Expected:
    """The weight of one school day d for these terms (see the module docstring)."""
    if terms.weekly_minutes is not None:
        return Expected(Fraction(1), Fraction(terms.weekly_minutes, 5))
    if terms.weekdays:
        sessions = Fraction(1 if d.weekday() in terms.weekdays else 0)
    elif terms.period is Period.DAY:
        sessions = Fraction(terms.sessions)
    elif terms.period is Period.WEEK:
        sessions = Fraction(terms.sessions, 5)
    elif terms.period is Period.TERM:
        term = calendar.term_containing(d)
        # d is a school day, so it lies in a term with at least one school day: never zero.
        assert term is not None
        sessions = Fraction(terms.sessions, calendar.count_school_days(term.start, term.end))
    else:
        year_start, year_end = academic_year_bounds(d)
        sessions = Fraction(terms.sessions, calendar.count_school_days(year_start, year_end))
    return Expected(sessions, sessions * terms.minutes_per_session)


def _in_order(versions: Sequence[tuple[date, LineTerms]]) -> list[tuple[date, LineTerms]]:
    # Stable, so of two versions sharing a date the later one in the history wins (a same-day correction).
    return sorted(versions, key=lambda v: v[0])


def _sharing_key(terms: LineTerms, calendar: SchoolCalendar, d: date) -> Hashable:
    """Days with the same key carry the same weight under these terms (so each weight is worked out once)."""
    if terms.weekly_minutes is not None:
        return None
    if terms.weekdays:
        return d.weekday() in terms.weekdays
    if terms.period is Period.TERM:
        return calendar.term_containing(d)
    if terms.period is Period.YEAR:
        return academic_year_bounds(d)
    return None


def _daily_weights(
    versions: Sequence[tuple[date, LineTerms]], calendar: Calendar, start: date, end: date
) -> Iterator[tuple[date, Expected]]:
    """Each school day in start..end with a non-zero weight, under the version in force that day.

    Days sharing a weight get the very same Expected object, which lets a caller sum runs cheaply.
    """
    if isinstance(calendar, ChildCalendar):
        # Each school's days weigh what that school's calendar gives them.
        for stint in calendar.stints:
            span = stint.clip(start, end)
            if span is not None:
                yield from _daily_weights(versions, stint.calendar, *span)
        return
    ordered = _in_order(versions)
    for i, (effective_from, terms) in enumerate(ordered):
        first = max(effective_from, terms.start, start)
        last = end if terms.end is None else min(end, terms.end)
        if i + 1 < len(ordered):
            last = min(last, ordered[i + 1][0] - _ONE_DAY)
        if first > last:
            continue
        # Fraction arithmetic is slow; a report lays thousands of days, most of them alike.
        weights: dict[Hashable, Expected] = {}
        for d in calendar.school_days(first, last):
            key = _sharing_key(terms, calendar, d)
            if key not in weights:
                weights[key] = _day_weight(terms, calendar, d)
            weight = weights[key]
            if weight.sessions or weight.minutes:
                yield d, weight


def expected_by_day(
    versions: Sequence[tuple[date, LineTerms]], calendar: Calendar, start: date, end: date
) -> dict[date, Expected]:
    """The expected delivery of each day in start..end that carries any (for a staff register)."""
    return dict(_daily_weights(versions, calendar, start, end))


def expected_delivery(
    versions: Sequence[tuple[date, LineTerms]], calendar: Calendar, start: date, end: date
) -> Expected:
    """The expected delivery over start..end inclusive; zero for an empty window."""
    total = ZERO
    # Alike days share one weight object: sum each run of it by one exact multiplication,
    # far quicker than adding Fractions day by day.
    for _, run in groupby((weight for _, weight in _daily_weights(versions, calendar, start, end)), key=id):
        days = list(run)
        total += Expected(days[0].sessions * len(days), days[0].minutes * len(days))
    return total


def ended_by(versions: Sequence[tuple[date, LineTerms]], end: date | None) -> list[tuple[date, LineTerms]]:
    """A line's versions when its plan ends on `end` (None: the plan has not ended): nothing is promised after it."""
    if end is None:
        return list(versions)
    capped = []
    for effective_from, terms in versions:
        last = end if terms.end is None else min(terms.end, end)
        if last >= terms.start:
            capped.append((effective_from, replace(terms, end=last)))
    return capped


def terms_in_force(versions: Sequence[tuple[date, LineTerms]], d: date) -> LineTerms | None:
    """The version that applies on day d, or None before the first version or outside its start..end."""
    current: LineTerms | None = None
    for effective_from, terms in _in_order(versions):
        if effective_from > d:
            break
        current = terms
    if current is None or not current.covers(d):
        return None
    return current
