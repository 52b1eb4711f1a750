"""Expected delivery per line and calendar month, kept in the database so authority figures can be summed there.

The rules (`rules.delivery.expected_delivery`) decide every figure; this module only lays them out by month and
stores them. Lines with the same terms at the same school share their months, so a whole authority is laid quickly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from django.db import transaction

from provision_ledger.kit.bulk import insert_rows
from provision_ledger.people.models import School
from provision_ledger.plans.models import ExpectedMonth, LineVersion, ProvisionLine
from provision_ledger.rules.calendar import SchoolCalendar
from provision_ledger.rules.delivery import LineTerms, ended_by, expected_delivery

_PLACES = Decimal("0.0001")


def months(start: date, end: date) -> list[tuple[date, date]]:
    """Each calendar month touching start..end, as (first day, last day) clipped to the span."""
    spans = []
    first = start.replace(day=1)
    while first <= end:
        following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        spans.append((max(first, start), min(following - timedelta(days=1), end)))
        first = following
    return spans


def _decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(_PLACES, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True)
class LineToLay:
    line_id: int
    local_authority_id: int
    school_id: int
    history: tuple[tuple[date, LineTerms], ...]


History = tuple[tuple[date, LineTerms], ...]


def lay_months(
    history: Sequence[tuple[date, LineTerms]], calendar: SchoolCalendar
) -> list[tuple[date, Decimal, Decimal]]:
    """(month, sessions, minutes) for every month in which the line expects anything, up to the calendar's end."""
    if not history or not calendar.terms:
        return []
    start = min(terms.start for _, terms in history)
    last_term_end = max(t.end for t in calendar.terms)
    ends = [terms.end for _, terms in history]
    end = last_term_end if any(e is None for e in ends) else min(max(e for e in ends if e), last_term_end)
    rows = []
    for first, last in months(start, end):
        expected = expected_delivery(history, calendar, first, last)
        if expected.sessions or expected.minutes:
            rows.append((first.replace(day=1), _decimal(expected.sessions), _decimal(expected.minutes)))
    return rows


def write_expected(
    lines: Iterable[LineToLay], calendars: dict[int, SchoolCalendar], *, replace: bool = True, batch_size: int = 5000
) -> int:
    """Store the months of these lines, replacing any already stored (`replace=False` for lines just created);
    returns the number of rows written."""
    # Schools with the same calendar (the same terms and closures) share the work as well as lines with the same terms.
    shared: dict[tuple[SchoolCalendar, History], list[tuple[date, Decimal, Decimal]]] = {}
    pending: list[tuple[int, int, date, Decimal, Decimal]] = []
    line_ids: list[int] = []
    written = 0
    for item in lines:
        calendar = calendars[item.school_id]
        key = (calendar, item.history)
        if key not in shared:
            shared[key] = lay_months(item.history, calendar)
        line_ids.append(item.line_id)
        pending += [
            (item.local_authority_id, item.line_id, month, sessions, minutes)
            for month, sessions, minutes in shared[key]
        ]
        if len(pending) >= batch_size:
            written += _flush(line_ids, pending, replace)
            line_ids, pending = [], []
    written += _flush(line_ids, pending, replace)
    return written


_MONTH_COLUMNS = ("local_authority_id", "line_id", "month", "sessions", "minutes")


def _flush(line_ids: list[int], rows: list[tuple[int, int, date, Decimal, Decimal]], replace: bool) -> int:
    with transaction.atomic():
        if replace:
            ExpectedMonth.objects.filter(line_id__in=line_ids).delete()  # derived figures, not part of the record
        return insert_rows(ExpectedMonth, _MONTH_COLUMNS, rows)


def refresh_expected(lines: Iterable[ProvisionLine]) -> int:
    """Lay these lines' months again from their versions and their schools' calendars."""
    lines = list(lines)
    versions: dict[int, list[LineVersion]] = {}
    for version in LineVersion.objects.filter(line__in=lines).order_by("effective_from", "id"):
        versions.setdefault(version.line_id, []).append(version)
    placed = ProvisionLine.objects.filter(pk__in=[line.pk for line in lines]).values_list(
        "pk", "plan__child__school_id", "plan__end_date"
    )
    school_of, plan_end = {}, {}
    for pk, school_id, end_date in placed:
        school_of[pk], plan_end[pk] = school_id, end_date
    calendars = {school.pk: school.calendar() for school in School.objects.filter(pk__in=set(school_of.values()))}
    return write_expected(
        (
            LineToLay(
                line_id=line.pk,
                local_authority_id=line.local_authority_id,
                school_id=school_of[line.pk],
                history=tuple(
                    ended_by([(v.effective_from, v.terms) for v in versions.get(line.pk, [])], plan_end[line.pk])
                ),
            )
            for line in lines
        ),
        calendars,
    )


def refresh_school(school: School) -> int:
    """After a school's terms or closures change: lay every line of its children again."""
    return refresh_expected(ProvisionLine.objects.filter(plan__child__school=school))
