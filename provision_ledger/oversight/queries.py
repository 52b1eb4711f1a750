"""The authority's figures across its schools, summed in the database.

One statement returns every live line with its school, child and current category, the sums of its live sessions
over the window and its expected minutes. Every window here is whole calendar months, so both come from sums stored
by month: the sessions' as they are recorded and voided (`delivery.LineMonth`, kept by `delivery.totals`), the
expected minutes as the rules lay each line on its school's calendar (`plans.ExpectedMonth`). Python then applies
the school's make-up policy and thresholds to each line's sums (never to sessions), exactly as `rules.compliance`
does for one child's statement, and adds the lines up by school and category.

A child who moved between schools of the dashboard's authorities in the window is the exception: their lines count
at each school for the child's own days there (`line_sums_at`, the way the services' figures split them), so the
school left keeps its delivery and the school joined answers for nothing from before the child came.
"""

from __future__ import annotations

import math
from calendar import monthrange
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Count, Model, Q, Sum

from provision_ledger.delivery import totals
from provision_ledger.delivery.models import LineMonth, Session
from provision_ledger.nextsteps.advice import overdue_reviews_by_school
from provision_ledger.parents.models import Concern
from provision_ledger.people.models import Child, Enrolment, School, calendars_of
from provision_ledger.people.queries import moved_children, stays_of
from provision_ledger.plans.expected import lay_months, months
from provision_ledger.plans.models import Category, ExpectedMonth, LineVersion, Plan, ProvisionLine
from provision_ledger.plans.queries import with_delivery
from provision_ledger.rules.compliance import (
    DEFAULT_MAKE_UP_POLICY,
    MakeUpPolicy,
    MissReason,
    Status,
    Thresholds,
    due_from_sums,
    owed_from_sums,
    status_from_sums,
)
from provision_ledger.rules.legal_force import PlanKind
from provision_ledger.rules.units import hours

REASONS = [reason.value for reason in MissReason]
_SCALE = 10_000  # expected minutes are stored to 1/10,000 of a minute
CATEGORIES = [(c.value, c.label) for c in Category]


@dataclass(frozen=True)
class Window:
    """A school year from 1 September to the end of the last whole month before today (or 31 August)."""

    year: int
    start: date
    end: date

    @property
    def label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    @property
    def is_empty(self) -> bool:
        return self.end < self.start

    @property
    def is_provisional(self) -> bool:
        """The school year has not finished: its figures will change."""
        return self.end < date(self.year + 1, 8, 31)


def authority_window(today: date, year: int | None = None) -> Window:
    last_whole_month_end = today.replace(day=1) - timedelta(days=1)
    if year is None:
        year = last_whole_month_end.year if last_whole_month_end.month >= 9 else last_whole_month_end.year - 1
    return Window(year, date(year, 9, 1), min(date(year + 1, 8, 31), last_whole_month_end))


@dataclass
class Figures:
    """Sums over some lines: expected minutes exact to 1/10,000 of a minute, the rest whole minutes."""

    expected: Decimal = Decimal(0)
    delivered: int = 0
    owed: int = 0
    lines: int = 0
    breaches: int = 0

    @property
    def percent(self) -> int | None:
        """Delivered over expected, as a whole percentage rounded half up; None when nothing was due."""
        if not self.expected:
            return None
        return math.floor(Fraction(self.delivered) / Fraction(self.expected) * 100 + Fraction(1, 2))

    @property
    def owed_hours(self) -> Decimal:
        return hours(self.owed)

    @property
    def expected_minutes(self) -> int:
        return round(self.expected)

    def add(self, other: Figures) -> None:
        self.expected += other.expected
        self.delivered += other.delivered
        self.owed += other.owed
        self.lines += other.lines
        self.breaches += other.breaches


@dataclass
class SchoolFigures:
    school: School
    ehc_children: int = 0
    support_children: int = 0
    overall: Figures = field(default_factory=Figures)
    by_category: dict[str, Figures] = field(default_factory=lambda: {key: Figures() for key, _ in CATEGORIES})
    open_concerns: int = 0
    overdue_reviews: int = 0


@dataclass(frozen=True)
class MonthFigures:
    month: date
    expected: Decimal
    delivered: int

    @property
    def percent(self) -> int | None:
        return Figures(expected=self.expected, delivered=self.delivered).percent


@dataclass
class Dashboard:
    window: Window
    schools: list[SchoolFigures]
    total: Figures
    by_category: dict[str, Figures]


@dataclass(slots=True)
class LineSums:
    school_id: int
    child_id: int
    category: str
    need: str = ""
    delivered: int = 0
    # Minutes missed for the reasons the default policy excuses; or, for a school with its own policy, by reason.
    excused_by_default: int = 0
    missed: dict[str, int] | None = None
    # Expected minutes and sessions in whole ten-thousandths (the stored precision), summed exactly in the database.
    expected_units: int = 0
    expected_session_units: int = 0

    @property
    def expected(self) -> Decimal:
        return Decimal(self.expected_units) / _SCALE

    def add(self, other: LineSums) -> None:
        """Add another period's sums of the same line at the same school (so under the same policy)."""
        self.delivered += other.delivered
        self.excused_by_default += other.excused_by_default
        if self.missed is not None and other.missed:
            for reason, minutes in other.missed.items():
                self.missed[reason] = self.missed.get(reason, 0) + minutes
        self.expected_units += other.expected_units
        self.expected_session_units += other.expected_session_units


# The reasons a miss is excused under the default make-up policy (the child's absence or refusal).
EXCUSED_BY_DEFAULT = sorted(r.value for r in MissReason if r not in DEFAULT_MAKE_UP_POLICY.owed_reasons)


def _missed_by_reason(la_ids: Iterable[int], window: Window, school_ids: list[int]) -> dict[int, dict[str, int]]:
    """For the lines of schools with a make-up policy of their own: minutes missed, by reason (a second, small pass)."""
    columns = {reason: totals.missed_column(reason) for reason in REASONS}
    rows = (
        LineMonth.objects.filter(
            local_authority_id__in=la_ids,
            month__gte=window.start,
            month__lte=window.end,
            child_id__in=_children_of(school_ids),
        )
        .order_by()
        .values_list("line_id")
        .annotate(**{f"m_{r}": Sum(column) for r, column in columns.items()})
    )
    return {line_id: {r: int(m) for r, m in zip(REASONS, misses, strict=True) if m} for line_id, *misses in rows}


def _children_of(school_ids: Iterable[int]) -> Any:
    """The children at these schools now, or earlier (people.Enrolment), as a subquery."""
    school_ids = list(school_ids)
    earlier = Q(enrolments__school_id__in=school_ids, enrolments__voided_at__isnull=True)
    return Child.objects.filter(Q(school_id__in=school_ids) | earlier).values("pk")


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _whole_months(window: Window) -> None:
    if not window.is_empty and (window.start.day != 1 or (window.end + timedelta(days=1)).day != 1):
        raise ValueError(f"{window.start} to {window.end} is not whole months: sessions are summed by month here.")


def _lines_with_sums(
    la_ids: list[int], window: Window, school_id: int | None = None, with_need: bool = False
) -> dict[int, LineSums]:
    """Every live line (of an active plan) with its school, child, current category and its sums over the window.

    A line has one version per effective date (a unique constraint), so its latest is found by the date alone,
    straight from that constraint's index (on PostgreSQL 54 ms for 35,505 lines, against 66 ms with a tie-break).

    The authority's lines are those keyed to it, and those of children now in it that another authority keyed (an
    EHC plan that moved with the child): each month counts under the authority its sums are keyed to, the one
    responsible for the child then.

    One statement: the stored monthly sums of the lines' sessions and of their expected minutes, each grouped by
    line, joined to the lines. The sessions themselves are not read: their months' sums hold delivered minutes and
    missed minutes by reason, which is all the make-up policies and thresholds need.
    """
    _whole_months(window)
    # One authority, the usual case, is written as an equality, as the bare aggregate writes it.
    of_authority = "= %s" if len(la_ids) == 1 else f"IN ({', '.join(['%s'] * len(la_ids))})"
    excused = " + ".join(totals.missed_column(reason) for reason in EXCUSED_BY_DEFAULT)
    # A child who moved school: their months are each under the authority responsible then (the sums' own key), and
    # their lines are listed under their school if they are still in the authority, else under the last school of
    # the authority they attended (people.Enrolment).
    school = f"""CASE WHEN c.local_authority_id {of_authority} THEN c.school_id ELSE COALESCE(
        (SELECT en.school_id FROM {_table(Enrolment)} en WHERE en.child_id = c.id AND en.local_authority_id
         {of_authority} ORDER BY en.started_on DESC LIMIT 1), c.school_id) END"""
    of_school = (
        f"AND child_id IN (SELECT id FROM {_table(Child)} WHERE school_id = %s "
        f"UNION SELECT child_id FROM {_table(Enrolment)} WHERE school_id = %s)"
        if school_id
        else ""
    )
    # With one school, the lines of children who were there earlier too: a moved child counts there for their days.
    of_enrolled = f"SELECT en.child_id FROM {_table(Enrolment)} en WHERE en.school_id = %s AND en.voided_at IS NULL"
    sql = f"""
        SELECT l.id, {school}, p.child_id, {"c.primary_need" if with_need else "''"},
            (SELECT v.category FROM {_table(LineVersion)} v WHERE v.line_id = l.id
             ORDER BY v.effective_from DESC LIMIT 1),
            s.delivered, s.excused, e.units, e.session_units
        FROM {_table(ProvisionLine)} l
        JOIN {_table(Plan)} p ON p.id = l.plan_id
        JOIN {_table(Child)} c ON c.id = p.child_id
        LEFT JOIN (
            SELECT line_id, SUM(delivered_minutes) AS delivered, SUM({excused}) AS excused
            FROM {_table(LineMonth)}
            WHERE local_authority_id {of_authority} AND month >= %s AND month <= %s {of_school}
            GROUP BY line_id
        ) s ON s.line_id = l.id
        LEFT JOIN (
            SELECT line_id, ROUND(SUM(minutes) * {_SCALE}) AS units, ROUND(SUM(sessions) * {_SCALE}) AS session_units
            FROM {_table(ExpectedMonth)}
            WHERE local_authority_id {of_authority} AND month >= %s AND month <= %s
            GROUP BY line_id
        ) e ON e.line_id = l.id
        WHERE (l.local_authority_id {of_authority} OR c.local_authority_id {of_authority}) AND l.voided_at IS NULL
            AND (p.status = %s OR (p.status = %s AND p.end_date IS NOT NULL))
            {f"AND ({school} = %s OR c.id IN ({of_enrolled}))" if school_id else ""}
    """
    params: list[Any] = [*la_ids, *la_ids, *la_ids, window.start, window.end]
    params += [school_id, school_id] if school_id else []
    params += [*la_ids, window.start, window.end, *la_ids, *la_ids]
    # Plans in force, and plans a later one replaced (their lines promise nothing after their end date).
    params += [Plan.Status.ACTIVE.value, Plan.Status.ENDED.value]
    params += [*la_ids, *la_ids, school_id, school_id] if school_id else []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        pk: LineSums(
            school_id=school,
            child_id=child,
            category=category,
            need=need,
            delivered=int(delivered or 0),
            excused_by_default=int(excused or 0),
            expected_units=int(units or 0),
            expected_session_units=int(session_units or 0),
        )
        for pk, school, child, need, category, delivered, excused, units, session_units in rows
    }


def assess_line(sums: LineSums, policy: MakeUpPolicy, thresholds: Thresholds) -> Figures:
    """One line's figures under its school's policy, as `rules.compliance.owed_minutes` and `status` give them."""
    _, delivered, owed, breach = assess_line_sums(sums, policy, thresholds)
    return Figures(expected=sums.expected, delivered=delivered, owed=owed, lines=1, breaches=breach)


def assess_line_sums(sums: LineSums, policy: MakeUpPolicy, thresholds: Thresholds) -> tuple[int, int, int, int]:
    """(expected in ten-thousandths of a minute, delivered, owed, 1 if in breach else 0) for one line.

    In whole ten-thousandths of a minute (the stored precision), so tens of thousands of lines take milliseconds.
    """
    if sums.missed is None:
        assert policy == DEFAULT_MAKE_UP_POLICY
        excused, recorded = sums.excused_by_default, None
    else:
        excused = sum(m for r, m in sums.missed.items() if MissReason(r) not in policy.owed_reasons)
        recorded = sum(m for r, m in sums.missed.items() if MissReason(r) in policy.owed_reasons)
    expected = sums.expected_units
    if not due_from_sums(sums.expected_session_units, _SCALE):
        return expected, sums.delivered, 0, 0
    owed = owed_from_sums(expected, _SCALE, sums.delivered, excused, None if policy.unrecorded_owed else recorded)
    breach = status_from_sums(expected, sums.delivered, _SCALE, thresholds) is Status.BREACH
    return expected, sums.delivered, owed, int(breach)


def line_figures(
    la_ids: Iterable[int],
    window: Window,
    school_id: int | None = None,
    with_need: bool = False,
    own_policy_school_ids: Iterable[int] = (),
) -> dict[int, LineSums]:
    """Every live line of the authority (or one school) with its sums over the window, each under one school.

    A line is listed under the child's school, or the last one they attended in the authority; with `school_id`,
    the lines of children who were at that school earlier are listed too (under their school now), so that
    `split_moved` can give the school its part of them. Lines of the schools in `own_policy_school_ids` (a make-up
    policy of their own) get their misses by reason.
    """
    la_ids = list(la_ids)
    lines = _lines_with_sums(la_ids, window, school_id, with_need)
    own = sorted(set(own_policy_school_ids))
    by_reason = _missed_by_reason(la_ids, window, own) if own and not window.is_empty else {}
    for pk, sums in lines.items():
        if sums.school_id in own:
            sums.missed = by_reason.get(pk, {})
    return lines


@dataclass(frozen=True)
class Span:
    """The days of a line to sum: those from `first` to `last` on which its child was at `school`."""

    line_id: int
    child_id: int
    school: School
    first: date
    last: date


K = TypeVar("K", bound=Hashable)


def line_sums_at(spans: Mapping[K, Span]) -> dict[K, LineSums]:
    """Each span's sums, by its key: its line's over the days from first to last on which the child was at the
    school (none for a span without such a day), under the school's policy. In at most nine statements, whatever the
    number of spans.

    A whole month the child spent at the school, as far as its authority goes, is read from the stored sums as on
    the dashboard (a move between authorities keys each side's days to its own). A part of a month, cut off by a
    span's end or by a move between two schools of one authority (that month's sums hold both schools' days), is
    summed from its sessions as months are summed, and its expected delivery laid by the rules on the school's
    calendar for those days alone, as the stored months are laid for each school a child was at.
    """
    spans = dict(spans)
    if not spans:
        return {}
    children = Child.objects.filter(pk__in={span.child_id for span in spans.values()})
    stays = stays_of(children.only("pk", "school_id", "local_authority_id"))
    found: dict[K, LineSums] = {}
    whole: dict[tuple[int, int, date], list[K]] = defaultdict(list)  # (line, authority, month): the spans reading it
    partial: list[tuple[K, date, date]] = []
    for key, span in spans.items():
        authority = span.school.local_authority_id
        own_policy = span.school.make_up_policy != DEFAULT_MAKE_UP_POLICY
        for first, last in months(span.first, span.last):
            month = first.replace(day=1)
            month_end = month.replace(day=monthrange(month.year, month.month)[1])
            # The child's days under the school's authority in the month: what its stored sums hold.
            held = [days for stay in stays[span.child_id] if stay.local_authority_id == authority
                    and (days := stay.clip(month, month_end))]  # fmt: skip
            for stay in stays[span.child_id]:
                if stay.school_id != span.school.pk or (days := stay.clip(first, last)) is None:
                    continue
                if key not in found:
                    found[key] = LineSums(span.school.pk, span.child_id, "", missed={} if own_policy else None)
                if held == [days]:
                    whole[(span.line_id, authority, month)].append(key)
                else:
                    partial.append((key, *days))
    _add_stored(whole, spans, found)
    _add_laid(partial, spans, found)
    return found


def _part(span: Span, summed: Iterable[Any]) -> LineSums:
    """A line's sums of delivered minutes and of minutes missed by reason (in the order of `totals.SUMMED`)."""
    delivered, *misses = summed
    missed = {reason: int(m) for reason, m in zip(REASONS, misses, strict=True) if m}
    excused = sum(missed.get(reason, 0) for reason in EXCUSED_BY_DEFAULT)
    return LineSums(span.school.pk, span.child_id, "", delivered=int(delivered or 0), excused_by_default=excused,
                    missed=missed)  # fmt: skip


def _add_stored(whole: dict[tuple[int, int, date], list[K]], spans: dict[K, Span], found: dict[K, LineSums]) -> None:
    """Add the stored sums of whole months to the spans reading them (two statements)."""
    if not whole:
        return
    stored = Q(
        line_id__in=sorted({line_id for line_id, _, _ in whole}),
        local_authority_id__in=sorted({authority for _, authority, _ in whole}),
        month__gte=min(month for _, _, month in whole),
        month__lte=max(month for _, _, month in whole),
    )
    keys = ("line_id", "local_authority_id", "month")
    for line_id, authority, month, *summed in LineMonth.objects.filter(stored).values_list(*keys, *totals.SUMMED):
        for key in whole.get((line_id, authority, month), ()):
            found[key].add(_part(spans[key], summed))
    for line_id, authority, month, sessions, minutes in ExpectedMonth.objects.filter(stored).values_list(
        *keys, "sessions", "minutes"
    ):
        for key in whole.get((line_id, authority, month), ()):
            # Stored to 1/10,000 of a minute, so these are whole units, as the dashboard's statement reads them.
            found[key].expected_units += round(Decimal(minutes) * _SCALE)
            found[key].expected_session_units += round(Decimal(sessions) * _SCALE)


def _add_laid(partial: list[tuple[K, date, date]], spans: dict[K, Span], found: dict[K, LineSums]) -> None:
    """Add the sums of parts of months (first to last) to their spans: sessions summed by day, expected delivery laid
    on the school's calendar (five statements)."""
    if not partial:
        return
    by_line: dict[int, list[tuple[K, date, date]]] = defaultdict(list)
    for key, first, last in partial:
        by_line[spans[key].line_id].append((key, first, last))
    earliest, latest = min(first for _, first, _ in partial), max(last for _, _, last in partial)
    for line_id, day, summed in totals.sums_by_day(by_line, earliest, latest):
        for key, first, last in by_line[line_id]:
            if first <= day <= last:
                found[key].add(_part(spans[key], summed))
    calendars = calendars_of(sorted({spans[key].school.pk for key, _, _ in partial}))
    lines = ProvisionLine.objects.filter(pk__in=list(by_line)).select_related("plan").prefetch_related("versions")
    for line in lines:
        history = line.terms_history()
        for key, first, last in by_line[line.pk]:
            for _, _, sessions, minutes in lay_months(history, calendars[spans[key].school.pk], (first, last)):
                found[key].expected_units += round(minutes * _SCALE)
                found[key].expected_session_units += round(sessions * _SCALE)


@dataclass
class Split:
    """The lines of children who moved school in the window, each counted at each school for the child's days there."""

    lines: set[int] = field(default_factory=set)  # the lines not to count whole under one school
    parts: dict[tuple[int, int], LineSums] = field(default_factory=dict)  # (line, school): its sums there
    # Split lines all of whose days in the window were at the schools asked about, one of them the school the line
    # is listed under: the authority's total counts these whole, once, as it always has.
    whole_here: set[int] = field(default_factory=set)


def split_moved(lines: Mapping[int, LineSums], la_ids: Iterable[int], window: Window,
                schools: Mapping[int, School]) -> Split:  # fmt: skip
    """The lines (of `line_figures`) whose child was at more than one school of these authorities in the window, or
    at one other than the school the line is listed under, with their sums at each of `schools` over the child's
    days there (`line_sums_at`). Every other line, the great majority, is right whole under its school. At most
    eleven statements, however many children moved."""
    la_ids = set(la_ids)
    split = Split()
    if window.is_empty or not lines:
        return split
    ever_here = Enrolment.objects.filter(local_authority_id__in=la_ids).values("child_id")
    moved = Child.objects.filter(pk__in=moved_children()).filter(pk__in=ever_here)
    stays = stays_of(moved.only("pk", "school_id", "local_authority_id"))
    spans: dict[tuple[int, int], Span] = {}
    for pk, sums in lines.items():
        if sums.child_id not in stays:
            continue
        at = {stay.school_id for stay in stays[sums.child_id]
              if stay.local_authority_id in la_ids and stay.clip(window.start, window.end)}  # fmt: skip
        if at <= {sums.school_id}:
            continue
        split.lines.add(pk)
        if at <= schools.keys() and sums.school_id in schools:
            split.whole_here.add(pk)
        for school_id in sorted(at & schools.keys()):
            spans[(pk, school_id)] = Span(pk, sums.child_id, schools[school_id], window.start, window.end)
    for key, part in line_sums_at(spans).items():
        part.category, part.need = lines[key[0]].category, lines[key[0]].need
        split.parts[key] = part
    return split


def dashboard(schools: list[School], la_ids: Iterable[int], today: date, year: int | None = None) -> Dashboard:
    """Each school's delivery, overall and by category, with breaches, owed time, concerns and overdue reviews.

    A moved child's line counts at each school for the child's days there, under that school's policy and
    thresholds (`split_moved`). The total counts it whole, once, as before, when all its days in the window were
    at these schools (always so for an authority's own schools): the schools' expected and delivered minutes then
    add up to the total exactly, their owed time too unless one school's part was delivered beyond what it
    promised; its lines count once at each school. Otherwise (a trust's school the child joined from, or left for,
    a school outside the trust) the total counts its parts at these schools.
    """
    la_ids = sorted(set(la_ids))
    window = authority_window(today, year)
    figures = {school.pk: SchoolFigures(school=school) for school in schools}
    policies = {school.pk: (school.make_up_policy, school.thresholds) for school in schools}
    own = [pk for pk, (policy, _) in policies.items() if policy != DEFAULT_MAKE_UP_POLICY]
    lines = line_figures(la_ids, window, own_policy_school_ids=own) if la_ids else {}
    split = split_moved(lines, la_ids, window, {school.pk: school for school in schools})
    # Sum each (school, category), and the total's categories, first; the tens of thousands of lines then need no
    # object each.
    sums_by: dict[tuple[int, str], list[int]] = {}
    total_by: dict[str, list[int]] = {}

    def count(acc: list[int], assessed: tuple[int, int, int, int]) -> None:
        expected, delivered, owed, breach = assessed
        acc[0] += expected
        acc[1] += delivered
        acc[2] += owed
        acc[3] += 1
        acc[4] += breach

    for pk, sums in lines.items():
        if sums.school_id not in figures:
            continue
        assessed = assess_line_sums(sums, *policies[sums.school_id])
        if pk in split.whole_here or pk not in split.lines:
            count(total_by.setdefault(sums.category, [0, 0, 0, 0, 0]), assessed)
        if pk not in split.lines:
            count(sums_by.setdefault((sums.school_id, sums.category), [0, 0, 0, 0, 0]), assessed)
    for (pk, school_id), sums in split.parts.items():
        assessed = assess_line_sums(sums, *policies[school_id])
        count(sums_by.setdefault((school_id, sums.category), [0, 0, 0, 0, 0]), assessed)
        if pk not in split.whole_here:
            count(total_by.setdefault(sums.category, [0, 0, 0, 0, 0]), assessed)
    for (school_id, category), acc in sums_by.items():
        part = _figures(acc)
        figures[school_id].by_category[category].add(part)
        figures[school_id].overall.add(part)
    by_category = {key: Figures() for key, _ in CATEGORIES}
    total = Figures()
    for category, acc in total_by.items():
        by_category[category].add(_figures(acc))
        total.add(_figures(acc))
    _counts(figures, la_ids, today)
    return Dashboard(window, list(figures.values()), total, by_category)


def _figures(acc: list[int]) -> Figures:
    expected, delivered, owed, count, breaches = acc
    return Figures(Decimal(expected) / _SCALE, delivered, owed, count, breaches)


def trend(la_ids: Iterable[int], window: Window, school_ids: Iterable[int]) -> list[MonthFigures]:
    """Expected and delivered minutes per month over the window, for the live lines of these schools."""
    if window.is_empty:
        return []
    live = with_delivery("line__plan__") & Q(
        line__voided_at__isnull=True, line__plan__child_id__in=_children_of(school_ids)
    )
    delivered = dict(
        LineMonth.objects.filter(live, local_authority_id__in=la_ids, month__gte=window.start, month__lte=window.end)
        .order_by()
        .values_list("month")
        .annotate(total=Sum("delivered_minutes"))
    )
    expected = dict(
        ExpectedMonth.objects.filter(
            live, local_authority_id__in=la_ids, month__gte=window.start, month__lte=window.end
        )
        .order_by()
        .values_list("month")
        .annotate(total=Sum("minutes"))
    )
    months = sorted(set(delivered) | set(expected))
    return [MonthFigures(m, expected.get(m, Decimal(0)), int(delivered.get(m, 0) or 0)) for m in months]


def _counts(figures: dict[int, SchoolFigures], la_ids: list[int], today: date) -> None:
    in_force = Q(plans__status=Plan.Status.ACTIVE)
    children = (
        Child.objects.filter(local_authority_id__in=la_ids)
        .values("school_id")
        .annotate(
            ehc=Count("id", filter=in_force & Q(plans__kind=PlanKind.EHC_PLAN), distinct=True),
            support=Count("id", filter=in_force & ~Q(plans__kind=PlanKind.EHC_PLAN), distinct=True),
        )
        .order_by()
    )
    for row in children:
        if row["school_id"] in figures:
            figures[row["school_id"]].ehc_children = row["ehc"]
            figures[row["school_id"]].support_children = row["support"]
    concerns = (
        Concern.objects.filter(local_authority_id__in=la_ids, status=Concern.Status.AWAITING_SCHOOL)
        .values_list("child__school_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for school_id, n in concerns:
        if school_id in figures:
            figures[school_id].open_concerns = n
    for school_id, n in overdue_reviews_by_school(list(figures), today).items():
        figures[school_id].overdue_reviews = n


def children_of_school(school: School, window: Window) -> list[tuple[int, Figures]]:
    """(child id, figures) for each child with live lines at the school, worst first: the school's row of the
    dashboard, child by child. A child who moved counts for their days at the school only (`split_moved`), so a
    child who left in the window is listed with their time here."""
    per_child: dict[int, Figures] = defaultdict(Figures)
    own = [school.pk] if school.make_up_policy != DEFAULT_MAKE_UP_POLICY else []
    la_ids = [school.local_authority_id]
    lines = line_figures(la_ids, window, school.pk, own_policy_school_ids=own)
    split = split_moved(lines, la_ids, window, {school.pk: school})
    for pk, sums in lines.items():
        if sums.school_id == school.pk and pk not in split.lines:
            per_child[sums.child_id].add(assess_line(sums, school.make_up_policy, school.thresholds))
    for part in split.parts.values():
        per_child[part.child_id].add(assess_line(part, school.make_up_policy, school.thresholds))
    rows = list(per_child.items())
    rows.sort(key=lambda item: (-item[1].breaches, item[1].percent if item[1].percent is not None else 101))
    return rows


def bare_aggregate(la_id: int, window: Window) -> int:
    """The benchmark's baseline: delivered and expected minutes summed per line in one statement, nothing else."""
    session, months = Session._meta.db_table, ExpectedMonth._meta.db_table
    sql = f"""
        SELECT d.line_id, d.delivered, e.expected FROM (
            SELECT line_id, SUM(delivered_minutes) AS delivered FROM {session}
            WHERE local_authority_id = %s AND date >= %s AND date <= %s AND voided_at IS NULL GROUP BY line_id
        ) d LEFT JOIN (
            SELECT line_id, SUM(minutes) AS expected FROM {months}
            WHERE local_authority_id = %s AND month >= %s AND month <= %s GROUP BY line_id
        ) e ON e.line_id = d.line_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [la_id, window.start, window.end, la_id, window.start, window.end])
        return len(cursor.fetchall())


DASHBOARD_COLUMNS = [
    "School year",
    "From",
    "To",
    "Figures",
    "School",
    "URN",
    "Children with EHC plans",
    "Children on SEN Support or other plans",
    "Provision lines",
    "Expected minutes",
    "Delivered minutes",
    "Delivered (%)",
    *[f"{label} delivered (%)" for _, label in CATEGORIES],
    "Lines in breach",
    "Owed hours",
    "Concerns awaiting the school",
    "Annual reviews overdue",
]


def dashboard_rows(board: Dashboard) -> list[list[object]]:
    """The dashboard as a table, its header row first: what the CSV export holds. Each row says its period, and
    whether its figures are provisional (the school year not yet over)."""
    rows: list[list[object]] = [list(DASHBOARD_COLUMNS)]
    w = board.window
    period = [w.label, w.start.isoformat(), w.end.isoformat(), "Provisional" if w.is_provisional else "Final"]

    def blank(value: int | None) -> object:
        return "" if value is None else value

    for s in board.schools:
        rows.append(
            [
                *period,
                s.school.name,
                s.school.urn,
                s.ehc_children,
                s.support_children,
                s.overall.lines,
                s.overall.expected_minutes,
                s.overall.delivered,
                blank(s.overall.percent),
                *[blank(s.by_category[key].percent) for key, _ in CATEGORIES],
                s.overall.breaches,
                s.overall.owed_hours,
                s.open_concerns,
                s.overdue_reviews,
            ]
        )
    return rows
