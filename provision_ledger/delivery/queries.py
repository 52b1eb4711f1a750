"""Reads of the ledger that many pages share. Sums are computed in the database, never row by row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Aggregate, Count, F, Q, Sum

from provision_ledger.delivery.models import Session
from provision_ledger.people.models import School
from provision_ledger.plans.models import ProvisionLine
from provision_ledger.rules.calendar import Calendar
from provision_ledger.rules.compliance import (
    DeliveryTotals,
    LineAssessment,
    MissReason,
    SessionStatus,
    assess,
)
from provision_ledger.rules.delivery import expected_delivery
from provision_ledger.rules.reporting import Window, whole

DELIVERED_STATUSES = (SessionStatus.DELIVERED.value, SessionStatus.PART_DELIVERED.value)


def totals_by_line(line_ids: Iterable[int], windows: Iterable[Window]) -> dict[tuple[int, str], DeliveryTotals]:
    """Delivery totals per (line, window key), in one grouped query with a conditional sum per window."""
    windows = list(windows)
    line_ids = list(line_ids)
    if not line_ids or not windows:
        return {}
    aggregates: dict[str, Aggregate] = {}
    for w in windows:
        in_window = Q(date__gte=w.start, date__lte=w.end)
        aggregates[f"{w.key}__sessions"] = Count("id", filter=in_window & Q(status__in=DELIVERED_STATUSES))
        aggregates[f"{w.key}__entries"] = Count("id", filter=in_window)
        aggregates[f"{w.key}__delivered"] = Sum("delivered_minutes", filter=in_window)
        aggregates[f"{w.key}__missed"] = Sum(F("planned_minutes") - F("delivered_minutes"), filter=in_window)
    rows = (
        Session.objects.current()
        .filter(line_id__in=line_ids)
        .values("line_id", "reason")
        .order_by()
        .annotate(**aggregates)
    )
    sessions: dict[tuple[int, str], int] = defaultdict(int)
    entries: dict[tuple[int, str], int] = defaultdict(int)
    delivered: dict[tuple[int, str], int] = defaultdict(int)
    missed: dict[tuple[int, str], dict[MissReason, int]] = defaultdict(dict)
    for values in rows:
        row: dict[str, Any] = dict(values)  # keys are built from window names, not a fixed TypedDict
        for w in windows:
            key = (row["line_id"], w.key)
            sessions[key] += row[f"{w.key}__sessions"] or 0
            entries[key] += row[f"{w.key}__entries"] or 0
            delivered[key] += row[f"{w.key}__delivered"] or 0
            if row["reason"] and row[f"{w.key}__missed"]:
                missed[key][MissReason(row["reason"])] = row[f"{w.key}__missed"]
    return {
        (line_id, w.key): DeliveryTotals(
            delivered_sessions=sessions[(line_id, w.key)],
            delivered_minutes=delivered[(line_id, w.key)],
            missed_minutes=missed[(line_id, w.key)],
            recorded_sessions=entries[(line_id, w.key)],
        )
        for line_id in line_ids
        for w in windows
    }


@dataclass(frozen=True)
class LineReport:
    line: ProvisionLine
    assessments: Mapping[str, LineAssessment]  # by window key

    @property
    def overall(self) -> LineAssessment:
        """The assessment over the longest window, which is the last one asked for."""
        return list(self.assessments.values())[-1]


def line_reports(
    lines: Iterable[ProvisionLine], school: School, calendar: Calendar, windows: list[Window]
) -> list[LineReport]:
    """Assess each line over each window: expected from the calendar, delivered from the database."""
    lines = list(lines)
    totals = totals_by_line([line.pk for line in lines], windows)
    policy, thresholds = school.make_up_policy, school.thresholds
    reports = []
    for line in lines:
        history = line.terms_history()
        reports.append(
            LineReport(
                line=line,
                assessments={
                    w.key: assess(
                        expected_delivery(history, calendar, w.start, w.end),
                        totals[(line.pk, w.key)],
                        policy,
                        thresholds,
                    )
                    for w in windows
                },
            )
        )
    return reports


def line_window(line: ProvisionLine, today: date) -> Window:
    """From the line's first start date to today: the default period of the compliance report."""
    history = line.terms_history()
    start = min(terms.start for _, terms in history) if history else today
    return Window(key="to_date", label="Since the line started", start=start, end=today)


@dataclass(frozen=True)
class WeekFigures:
    monday: date
    expected_minutes: int
    delivered_minutes: int


def weekly_figures(
    lines: Sequence[ProvisionLine], calendar: Calendar, start: date, end: date
) -> dict[int, list[WeekFigures]]:
    """Promised and delivered minutes per line for each week from start to end, in one query.

    Weeks in which nothing was due and nothing delivered (holidays) are left out.
    """
    delivered: dict[tuple[int, date], int] = defaultdict(int)
    rows = (
        Session.objects.current()
        .filter(line__in=lines, date__gte=start, date__lte=end)
        .values_list("line_id", "date", "delivered_minutes")
    )
    for line_id, day, minutes in rows:
        delivered[(line_id, day - timedelta(days=day.weekday()))] += minutes
    figures: dict[int, list[WeekFigures]] = {}
    for line in lines:
        history, weeks = line.terms_history(), []
        monday = start - timedelta(days=start.weekday())
        while monday <= end:
            window = (max(monday, start), min(monday + timedelta(days=4), end))
            expected = whole(expected_delivery(history, calendar, *window).minutes)
            if expected or delivered[(line.pk, monday)]:
                weeks.append(WeekFigures(monday, expected, delivered[(line.pk, monday)]))
            monday += timedelta(days=7)
        figures[line.pk] = weeks
    return figures
