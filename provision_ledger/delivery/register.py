"""The staff register: which sessions are due on a day for the children a member of staff works with."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q, QuerySet

from provision_ledger.delivery.models import Session
from provision_ledger.money.models import Allocation
from provision_ledger.people.models import Child, School, calendars_of
from provision_ledger.plans.models import Plan, ProvisionLine
from provision_ledger.plans.queries import live_lines
from provision_ledger.rules.calendar import SchoolCalendar
from provision_ledger.rules.delivery import LineTerms, Period, expected_delivery, terms_in_force


@dataclass
class DueLine:
    line: ProvisionLine
    child: Child
    terms: LineTerms
    why: str
    recorded: list[Session] = field(default_factory=list)

    @property
    def planned_minutes(self) -> int:
        return self.terms.weekly_minutes // 5 if self.terms.weekly_minutes else self.terms.minutes_per_session


def _period_bounds(terms: LineTerms, calendar: SchoolCalendar, day: date) -> tuple[date, date]:
    """The first and last day of the line's period (week, term or school year) that contains the day."""
    monday = day - timedelta(days=day.weekday())
    week = (monday, monday + timedelta(days=6))
    if terms.period == Period.TERM:
        term = calendar.term_containing(day)
        return (term.start, term.end) if term else week
    if terms.period == Period.YEAR:
        return calendar.academic_year_bounds(day)
    return week


def _why_due(terms: LineTerms, history: list, calendar: SchoolCalendar, day: date, done: int) -> str | None:
    """Why a line is due on the day, or None. `done` counts the entries made in the line's whole period, on days after
    this one too, so a day caught up later never offers again what the period has already had."""
    if terms.weekdays or terms.weekly_minutes or terms.period == Period.DAY:
        if terms.weekdays and day.weekday() not in terms.weekdays:
            return None
        return "Due today" if done == 0 else None
    # A frequency without a timetable: due while fewer entries exist than the period promises by Friday.
    friday = day + timedelta(days=4 - day.weekday())
    start = _period_bounds(terms, calendar, day)[0]
    promised = math.ceil(expected_delivery(history, calendar, start, friday).sessions - 1e-9)
    still_due = promised - done
    if still_due <= 0:
        return None
    per = {"week": "this week", "term": "this term", "year": "this school year"}[terms.period.value]
    return f"{still_due} still due {per}"


@dataclass
class RegisterDay:
    due: list[DueLine]
    recorded: list[DueLine]
    is_school_day: bool  # for any school of these children
    by_time_log: list[DueLine] = field(default_factory=list)  # recorded from the day's support-time log instead


def register_for(reachable: QuerySet[ProvisionLine], day: date) -> RegisterDay:
    """What is due and what is already recorded on the day on these lines (those a person logs for: every line of
    the children they work with, or a practitioner's commissioned lines), each in child order."""
    plans = Plan.objects.filter(status=Plan.Status.ACTIVE)
    lines = list(
        live_lines(plans).filter(pk__in=reachable.order_by().values("pk")).select_related("plan__child__school")
    )
    children = Child.objects.filter(pk__in={line.plan.child_id for line in lines})
    calendars: dict[int, SchoolCalendar] = {}
    schools: dict[int, School] = {}
    for line in lines:
        school = line.plan.child.school
        schools.setdefault(school.pk, school)
    calendars.update(calendars_of(list(schools)))
    # The whole school year around the day, later days included: catching up on a Monday must see Wednesday's entry.
    earliest = min((c.academic_year_bounds(day)[0] for c in calendars.values()), default=day)
    latest = max((c.academic_year_bounds(day)[1] for c in calendars.values()), default=day)
    entries: dict[int, list[Session]] = defaultdict(list)
    for session in Session.objects.current().filter(line__in=lines, date__gte=earliest, date__lte=latest):
        entries[session.line_id].append(session)
    # Hours-a-week lines whose time a member of staff logs block by block: the log records them, not the register.
    logged_by_blocks = {
        (child_id, role)
        for child_id, role in Allocation.objects.filter(child__in=children, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .values_list("child_id", "role")
    }
    due, done_today, by_time_log = [], [], []
    for line in lines:
        child = line.plan.child
        calendar = calendars[child.school_id]
        history = line.terms_history()
        terms = terms_in_force(history, day)
        if terms is None or not calendar.is_school_day(day):
            continue
        today_entries = [s for s in entries[line.pk] if s.date == day]
        version = line.current_version
        if terms.weekly_minutes and version and (child.pk, version.delivered_by) in logged_by_blocks:
            by_time_log.append(DueLine(line, child, terms, "Recorded from the support-time log", today_entries))
            continue
        per_day = bool(terms.weekdays or terms.weekly_minutes or terms.period == Period.DAY)
        start, end = (day, day) if per_day else _period_bounds(terms, calendar, day)
        done = sum(1 for s in entries[line.pk] if start <= s.date <= end)
        why = _why_due(terms, history, calendar, day, done)
        if today_entries:
            done_today.append(DueLine(line, child, terms, "Recorded", today_entries))
        elif why:
            due.append(DueLine(line, child, terms, why))
    key = lambda d: (d.child.last_name, d.child.first_name, d.line.pk)  # noqa: E731
    school_day = any(c.is_school_day(day) for c in calendars.values())
    return RegisterDay(sorted(due, key=key), sorted(done_today, key=key), school_day, sorted(by_time_log, key=key))
