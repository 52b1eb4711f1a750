"""What the overview and child pages show, assembled from the ledger in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from django.db.models import QuerySet

from provision_ledger.census.queries import ranked_needs
from provision_ledger.delivery.models import Session
from provision_ledger.delivery.queries import LineReport, WeekFigures, line_reports, weekly_figures
from provision_ledger.nextsteps.advice import overdue_clocks
from provision_ledger.people.models import Child, Enrolment, School
from provision_ledger.people.queries import calendar_of
from provision_ledger.plans.models import Plan
from provision_ledger.plans.queries import current_plan, live_lines
from provision_ledger.rules.calendar import Calendar
from provision_ledger.rules.clocks import Clock
from provision_ledger.rules.compliance import SessionStatus, Status, compliance, whole_percent
from provision_ledger.rules.legal_force import PlanKind
from provision_ledger.rules.reporting import Window, reporting_windows, whole

CHART_WEEKS = 12


def worst_status(reports: list[LineReport], window_key: str) -> Status:
    statuses = (r.assessments[window_key].status for r in reports)
    return max(statuses, key=lambda s: s.severity, default=Status.NOT_DUE)


@dataclass(frozen=True)
class EarlierPlan:
    """A plan a later one replaced, with its lines' delivery while it was in force."""

    plan: Plan
    window: Window
    reports: list[LineReport]


@dataclass
class ChildStatement:
    child: Child
    plan: Plan | None
    windows: list[Window]
    reports: list[LineReport]
    missed: dict[int, list[Session]] = field(default_factory=dict)  # by line id, over the longest window
    weeks: dict[int, list[WeekFigures]] = field(default_factory=dict)  # by line id, the last twelve weeks
    earlier: list[EarlierPlan] = field(default_factory=list)  # newest first

    @property
    def worst_status(self) -> Status:
        return worst_status(self.reports, "year")


def child_statement(
    child: Child, today: date, enrolments: list[Enrolment] | None = None, calendar: Calendar | None = None
) -> ChildStatement:
    """`enrolments`: the child's, in date order, and `calendar`, theirs, when the caller has read them."""
    plan = current_plan(child)
    calendar = calendar or calendar_of(child, enrolments)
    windows = reporting_windows(calendar, today, since=plan.start_date if plan else None)
    lines = list(live_lines([plan])) if plan else []
    reports = line_reports(lines, child.school, calendar, windows)
    # Missed sessions over the longest window: since the plan started, or this school year without a plan.
    longest = windows[-1]
    missed: dict[int, list[Session]] = {line.pk: [] for line in lines}
    for session in (
        Session.objects.current()
        .filter(line__in=lines, date__gte=longest.start, date__lte=longest.end)
        .exclude(status=SessionStatus.DELIVERED.value)
        .order_by("-date", "-id")
    ):
        missed[session.line_id].append(session)
    chart_start = max(today - timedelta(weeks=CHART_WEEKS), plan.start_date if plan else today)
    weeks = weekly_figures(lines, calendar, chart_start, today)
    return ChildStatement(
        child=child,
        plan=plan,
        windows=windows,
        reports=reports,
        missed=missed,
        weeks=weeks,
        earlier=earlier_plans(child, calendar, today),
    )


def earlier_plans(child: Child, calendar: Calendar, today: date) -> list[EarlierPlan]:
    """Every plan that a later one replaced, each with its own lines over the days it was in force."""
    earlier = []
    ended = child.plans.filter(status=Plan.Status.ENDED, end_date__isnull=False, start_date__lte=today)
    for plan in ended.order_by("-start_date", "-id"):
        assert plan.end_date is not None
        window = Window("plan", "While it was in force", plan.start_date, min(plan.end_date, today))
        earlier.append(EarlierPlan(plan, window, line_reports(live_lines([plan]), child.school, calendar, [window])))
    return earlier


@dataclass(frozen=True)
class ChildSummary:
    child: Child
    plan: Plan | None
    reports: list[LineReport]
    overdue: list[Clock] = field(default_factory=list)
    review_overdue_since: date | None = None  # a school's own plan past the review date it set
    # Types of need in force, by rank (1 = primary), as (rank, code, label).
    needs: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def worst_status(self) -> Status:
        return worst_status(self.reports, "year")

    @property
    def delivered_minutes(self) -> int:
        return sum(r.assessments["year"].delivered_minutes for r in self.reports)

    @property
    def expected_minutes(self) -> int:
        return whole(sum((r.assessments["year"].expected.minutes for r in self.reports), Fraction(0)))

    @property
    def percent(self) -> int | None:
        expected = sum((r.assessments["year"].expected.minutes for r in self.reports), Fraction(0))
        return whole_percent(compliance(expected, self.delivered_minutes))

    @property
    def owed_minutes(self) -> int:
        return sum(r.assessments["year"].owed_minutes for r in self.reports)

    def lines_with(self, status: Status) -> list[LineReport]:
        return [r for r in self.reports if r.assessments["year"].status is status]

    @property
    def breach_lines(self) -> list[LineReport]:
        return self.lines_with(Status.BREACH)

    @property
    def at_risk_lines(self) -> list[LineReport]:
        return self.lines_with(Status.AT_RISK)


def _school_review_overdue(plan: Plan | None, today: date) -> date | None:
    """The review date a school set on its own plan, once passed.

    EHC plans and statements have the law's annual review clock among `overdue`; the school's own plans (SEN Support,
    IEPs) are reviewed on the date the school sets (SEND Code of Practice 6.65 to 6.71: at least three times a year).
    """
    if (
        plan is None
        or plan.kind in (PlanKind.EHC_PLAN, PlanKind.STATEMENT)
        or plan.review_due is None
        or plan.review_due >= today
    ):
        return None
    return plan.review_due


def _needs_of(child: Child) -> list[tuple[int, str, str]]:
    """Without a ranked history, the child's primary and secondary need."""
    ranked = [(1, child.primary_need, child.get_primary_need_display())]
    if child.secondary_need:
        ranked.append((2, child.secondary_need, child.get_secondary_need_display()))
    return ranked


def school_overview(school: School, children: QuerySet[Child], today: date) -> list[ChildSummary]:
    """Every child of the school with their plan and this year's delivery, worst first."""
    calendar = school.calendar()
    windows = [w for w in reporting_windows(calendar, today) if w.key == "year"]
    pupils = list(children.filter(school=school).order_by("last_name", "first_name"))
    plans = {
        p.child_id: p
        for p in Plan.objects.filter(child__in=pupils, status=Plan.Status.ACTIVE).order_by("child_id", "start_date")
    }
    lines = list(live_lines(list(plans.values())))
    reports = line_reports(lines, school, calendar, windows)
    by_plan: dict[int, list[LineReport]] = {}
    for report in reports:
        by_plan.setdefault(report.line.plan_id, []).append(report)
    overdue = overdue_clocks(pupils, plans, today)
    recorded = ranked_needs([c.pk for c in pupils], today)
    summaries = [
        ChildSummary(
            child=c,
            plan=plans.get(c.pk),
            reports=by_plan.get(plans[c.pk].pk, []) if c.pk in plans else [],
            overdue=overdue.get(c.pk, []),
            review_overdue_since=_school_review_overdue(plans.get(c.pk), today),
            needs=[(n.rank, n.need, n.get_need_display()) for n in recorded.get(c.pk, [])] or _needs_of(c),
        )
        for c in pupils
    ]
    summaries.sort(key=lambda s: (-s.worst_status.severity, s.percent if s.percent is not None else 101))
    return summaries
