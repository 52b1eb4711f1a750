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
from django.db.models import Q

from provision_ledger.kit.bulk import insert_rows
from provision_ledger.people.models import Child, School
from provision_ledger.people.queries import stays_of
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
    """A line to lay on a school's calendar, its months keyed to an authority.

    A child who moved school has one of these for each school their line ran at (`within`: the days there, either
    end open), each laid on that school's calendar and keyed to that school's authority. A month the move splits
    holds each school's school days under its own authority: two rows when the authorities differ, their sum when
    the schools share one.
    """

    line_id: int
    local_authority_id: int
    school_id: int
    history: tuple[tuple[date, LineTerms], ...]
    within: tuple[date | None, date | None] = (None, None)


History = tuple[tuple[date, LineTerms], ...]
Within = tuple[date | None, date | None]


def lay_months(
    history: Sequence[tuple[date, LineTerms]],
    calendar: SchoolCalendar,
    within: tuple[date | None, date | None] = (None, None),
) -> list[tuple[date, Decimal, Decimal]]:
    """(month, sessions, minutes) for every month in which the line expects anything, up to the calendar's end,
    counting only the days `within` (first, last; either open)."""
    if not history or not calendar.terms:
        return []
    start = min(terms.start for _, terms in history)
    last_term_end = max(t.end for t in calendar.terms)
    ends = [terms.end for _, terms in history]
    end = last_term_end if any(e is None for e in ends) else min(max(e for e in ends if e), last_term_end)
    if within[0] is not None:
        start = max(start, within[0])
    if within[1] is not None:
        end = min(end, within[1])
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
    shared: dict[tuple[SchoolCalendar, History, Within], list[tuple[date, Decimal, Decimal]]] = {}
    pending: list[tuple[int, int, date, Decimal, Decimal]] = []
    line_ids: list[int] = []
    written = 0
    # The months of one line, by (authority, month): a line laid at two schools of one authority adds up.
    laid: dict[tuple[int, date], list[Decimal]] = {}
    line_id: int | None = None

    def close_line() -> None:
        if line_id is not None:
            line_ids.append(line_id)
            pending.extend((la, line_id, month, s, m) for (la, month), (s, m) in sorted(laid.items()))
        laid.clear()

    for item in lines:
        if item.line_id != line_id:
            close_line()
            line_id = item.line_id
            if len(pending) >= batch_size:
                written += _flush(line_ids, pending, replace)
                line_ids, pending = [], []
        calendar = calendars[item.school_id]
        key = (calendar, item.history, item.within)
        if key not in shared:
            shared[key] = lay_months(item.history, calendar, item.within)
        for month, sessions, minutes in shared[key]:
            sums = laid.setdefault((item.local_authority_id, month), [Decimal(0), Decimal(0)])
            sums[0] += sessions
            sums[1] += minutes
    close_line()
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
        "pk", "plan__child_id", "plan__end_date"
    )
    child_of, plan_end = {}, {}
    for pk, child_id, end_date in placed:
        child_of[pk], plan_end[pk] = child_id, end_date
    stays = stays_of(Child.objects.filter(pk__in=set(child_of.values())))
    school_ids = {stay.school_id for child_stays in stays.values() for stay in child_stays}
    calendars = {school.pk: school.calendar() for school in School.objects.filter(pk__in=school_ids)}
    return write_expected(
        (
            LineToLay(
                line_id=line.pk,
                local_authority_id=stay.local_authority_id,
                school_id=stay.school_id,
                history=tuple(
                    ended_by([(v.effective_from, v.terms) for v in versions.get(line.pk, [])], plan_end[line.pk])
                ),
                within=(stay.start, stay.end),
            )
            for line in lines
            for stay in stays[child_of[line.pk]]
        ),
        calendars,
    )


def refresh_school(school: School) -> int:
    """After a school's terms or closures change: lay every line of its children again."""
    at_school = Q(plan__child__school=school) | Q(plan__child__enrolments__school=school)
    return refresh_expected(ProvisionLine.objects.filter(at_school).distinct())
