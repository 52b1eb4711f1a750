"""Expected delivery per line, calendar month and line version, kept in the database so authority figures can be
summed there.

The rules (`rules.delivery.expected_delivery`) decide every figure; this module only lays them out by month and
stores them. A month in which a line is amended holds each version's days apart, so the month can be costed at the
terms in force on each day, as the provision map costs it. Lines with the same terms at the same school share their
months, so a whole authority is laid quickly.
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
from provision_ledger.rules.delivery import ZERO, LineTerms, ended_by, expected_delivery

_PLACES = Decimal("0.0001")
_ONE_DAY = timedelta(days=1)


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
    versions: tuple[int, ...]  # the LineVersion of each entry of `history`, in the same order
    within: tuple[date | None, date | None] = (None, None)

    def __post_init__(self) -> None:
        if len(self.versions) != len(self.history):
            given, needed = len(self.versions), len(self.history)
            raise ValueError(f"Line {self.line_id}: each of its {needed} terms needs its version; {given} given.")


History = tuple[tuple[date, LineTerms], ...]
Within = tuple[date | None, date | None]


def _spans(history: Sequence[tuple[date, LineTerms]]) -> list[tuple[int, date, date | None]]:
    """(index in `history`, first day, last day or None) of each version's days, as the rules read a history: from
    its effective date to the day before the next one's (of two on the same day, the later in the history wins)."""
    order = sorted(range(len(history)), key=lambda i: history[i][0])  # stable, as `rules.delivery` sorts
    return [
        (i, history[i][0], history[order[k + 1]][0] - _ONE_DAY if k + 1 < len(order) else None)
        for k, i in enumerate(order)
    ]


def lay_months(
    history: Sequence[tuple[date, LineTerms]],
    calendar: SchoolCalendar,
    within: tuple[date | None, date | None] = (None, None),
) -> list[tuple[date, int, Decimal, Decimal]]:
    """(month, version, sessions, minutes) for every month in which the line expects anything, up to the calendar's
    end, counting only the days `within` (first, last; either open).

    `version` is the index in `history` of the version in force on those days: a month with an amendment in it has
    a row for each version's days. Each is the rules' expected delivery over those days, and the rules add up
    across any cut, so a month's rows add up to the month laid whole; they are rounded as running totals, so their
    stored sum is the whole month's figure rounded once."""
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
    spans = _spans(history)
    rows = []
    for first, last in months(start, end):
        so_far, laid_sessions, laid_minutes = ZERO, Decimal(0), Decimal(0)
        for index, since, until in spans:
            days = (max(first, since), last if until is None else min(last, until))
            if days[0] > days[1]:
                continue
            expected = expected_delivery(history, calendar, *days)
            if not (expected.sessions or expected.minutes):
                continue
            so_far += expected
            sessions, minutes = _decimal(so_far.sessions) - laid_sessions, _decimal(so_far.minutes) - laid_minutes
            laid_sessions, laid_minutes = laid_sessions + sessions, laid_minutes + minutes
            rows.append((first.replace(day=1), index, sessions, minutes))
    return rows


def write_expected(
    lines: Iterable[LineToLay], calendars: dict[int, SchoolCalendar], *, replace: bool = True, batch_size: int = 5000
) -> int:
    """Store the months of these lines, replacing any already stored (`replace=False` for lines just created);
    returns the number of rows written."""
    # Schools with the same calendar (the same terms and closures) share the work as well as lines with the same terms.
    shared: dict[tuple[SchoolCalendar, History, Within], list[tuple[date, int, Decimal, Decimal]]] = {}
    pending: list[tuple[int, int, int, date, Decimal, Decimal]] = []
    line_ids: list[int] = []
    written = 0
    # The months of one line, by (authority, month, version): a line laid at two schools of one authority adds up.
    laid: dict[tuple[int, date, int], list[Decimal]] = {}
    line_id: int | None = None

    def close_line() -> None:
        if line_id is not None:
            line_ids.append(line_id)
            pending.extend((la, line_id, v, month, s, m) for (la, month, v), (s, m) in sorted(laid.items()))
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
        for month, index, sessions, minutes in shared[key]:
            sums = laid.setdefault((item.local_authority_id, month, item.versions[index]), [Decimal(0), Decimal(0)])
            sums[0] += sessions
            sums[1] += minutes
    close_line()
    written += _flush(line_ids, pending, replace)
    return written


_MONTH_COLUMNS = ("local_authority_id", "line_id", "version_id", "month", "sessions", "minutes")


def _flush(line_ids: list[int], rows: list[tuple[int, int, int, date, Decimal, Decimal]], replace: bool) -> int:
    with transaction.atomic():
        if replace:
            ExpectedMonth.objects.filter(line_id__in=line_ids).delete()  # derived figures, not part of the record
        return insert_rows(ExpectedMonth, _MONTH_COLUMNS, rows)


def _laid_history(versions: Sequence[LineVersion], plan_end: date | None) -> tuple[History, tuple[int, ...]]:
    """A line's terms as they are laid (none past the end of its plan), with the version of each."""
    # `ended_by` caps each version on its own and drops one that would start after the plan's end, so capping them
    # one at a time keeps each kept version beside its own terms.
    kept = [(v.pk, capped) for v in versions for capped in ended_by([(v.effective_from, v.terms)], plan_end)]
    return tuple(terms for _, terms in kept), tuple(pk for pk, _ in kept)


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
    histories = {line.pk: _laid_history(versions.get(line.pk, []), plan_end[line.pk]) for line in lines}
    return write_expected(
        (
            LineToLay(
                line_id=line.pk,
                local_authority_id=stay.local_authority_id,
                school_id=stay.school_id,
                history=histories[line.pk][0],
                versions=histories[line.pk][1],
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
