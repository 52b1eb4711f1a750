"""The evidence schedule a letter carries, built from the ledger: nothing in it is typed by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from provision_ledger.delivery.models import Session
from provision_ledger.delivery.queries import LineReport, line_reports
from provision_ledger.money.queries import hourly_rates
from provision_ledger.people.models import Child
from provision_ledger.people.queries import calendar_of
from provision_ledger.plans.models import Plan, ProvisionLine
from provision_ledger.plans.queries import current_plan, live_lines, with_delivery
from provision_ledger.rules.compliance import LineAssessment, SessionStatus
from provision_ledger.rules.money import indicative_value
from provision_ledger.rules.reporting import Window, whole
from provision_ledger.rules.units import hours


@dataclass(frozen=True)
class TermRow:
    term: str
    start: date
    end: date
    promised_sessions: int
    delivered_sessions: int
    promised_minutes: int
    delivered_minutes: int


@dataclass(frozen=True)
class MissedRow:
    day: date
    what: str
    reason: str
    minutes: int


@dataclass
class LineEvidence:
    line: ProvisionLine
    promise: str
    delivered_by: str
    overall: LineAssessment
    terms: list[TermRow] = field(default_factory=list)
    missed: list[MissedRow] = field(default_factory=list)
    rate: Decimal | None = None
    rate_source: str = ""
    weekly_minutes: int = 0  # a week's provision, where the line is set by the week
    plan: Plan | None = None  # the plan the line belongs to
    start: date | None = None  # the days the figures cover: the plan's, up to today
    end: date | None = None
    # For a line of a plan the one in force replaced: which plan, and the days it was in force. Empty otherwise.
    under_earlier_plan: str = ""

    @property
    def owed_hours(self) -> Decimal:
        return hours(self.overall.owed_minutes)

    @property
    def value(self) -> Decimal | None:
        return indicative_value(self.overall.owed_minutes, self.rate)


@dataclass
class Evidence:
    child: Child
    plan: Plan | None
    start: date
    end: date
    lines: list[LineEvidence]

    @property
    def owed_minutes(self) -> int:
        return sum(e.overall.owed_minutes for e in self.lines)

    @property
    def owed_hours(self) -> Decimal:
        return hours(self.owed_minutes)

    @property
    def value(self) -> Decimal:
        return sum((e.value for e in self.lines if e.value is not None), Decimal("0.00"))

    def as_json(self) -> dict[str, object]:
        """What is stored with a letter, so it always shows the evidence as it was sent."""
        return {
            "from": self.start,
            "to": self.end,
            "owed_hours": self.owed_hours,
            "value": self.value,
            "lines": [
                {
                    "line_id": e.line.pk,
                    "description": str(e.line),
                    "under_earlier_plan": e.under_earlier_plan,
                    "promise": e.promise,
                    "owed_hours": e.owed_hours,
                    # The ledger's own figures: what was never recorded is kept apart from what was recorded missed.
                    "due_sessions": whole(e.overall.expected.sessions),
                    "delivered_sessions": e.overall.delivered_sessions,
                    "missed_sessions": e.overall.missed_sessions,
                    "not_recorded_sessions": e.overall.not_recorded_sessions,
                    "rate": e.rate,
                    "value": e.value,
                    "terms": [vars(t) for t in e.terms],
                    "missed": [vars(m) for m in e.missed],
                }
                for e in self.lines
            ],
        }


def _rates(child: Child, today: date) -> dict[str, tuple[Decimal, str]]:
    """The rate in force for each role at the child's school this financial year: the money app's rate cards,
    falling back to the defaults of rules/money.py."""
    return hourly_rates(child, today)


def evidence_for(child: Child, today: date) -> Evidence:
    """Each line behind, under the plan in force since it started and under every plan it replaced while that was in
    force: promised and delivered by term, every miss, time owed and value. A new plan does not hide what the one
    before it owed."""
    plans = list(child.plans.filter(with_delivery(), start_date__lte=today).order_by("-start_date", "-id"))
    plan = next((p for p in plans if p.status == Plan.Status.ACTIVE), None) or current_plan(child)
    if plan is None:
        return Evidence(child, None, today, today, [])
    earlier = [p for p in plans if p.status == Plan.Status.ENDED and p.end_date and p.start_date <= plan.start_date]
    calendar = calendar_of(child)
    covered = [(plan, plan.start_date, today), *((p, p.start_date, min(p.end_date or today, today)) for p in earlier)]
    by_plan: dict[int, list[ProvisionLine]] = {p.pk: [] for p, _, _ in covered}
    for line in live_lines([p for p, _, _ in covered]):
        by_plan[line.plan_id].append(line)
    rates = _rates(child, today)
    behind: list[tuple[Plan, Window, list[Window], LineReport]] = []
    for each, start, end in covered:
        whole_window = Window("plan", "While the plan was in force", start, end)
        term_windows = [
            Window(f"term{i}", t.name, max(t.start, start), min(t.end, end))
            for i, t in enumerate(calendar.terms)
            if t.end >= start and t.start <= end
        ]
        reports = line_reports(by_plan[each.pk], child.school, calendar, [whole_window, *term_windows])
        behind += [(each, whole_window, term_windows, r) for r in reports if r.assessments["plan"].owed_minutes > 0]
    missed: dict[int, list[MissedRow]] = {r.line.pk: [] for _, _, _, r in behind}
    first = min(start for _, start, _ in covered)
    for s in (
        Session.objects.current()
        .filter(line_id__in=missed, date__gte=first, date__lte=today)
        .exclude(status=SessionStatus.DELIVERED.value)
        .order_by("date", "id")
    ):
        missed[s.line_id].append(MissedRow(s.date, s.get_status_display(), s.get_reason_display(), s.missed_minutes))
    evidence = []
    for each, window, term_windows, report in behind:
        version = report.line.current_version
        assert version is not None
        rate, source = rates.get(version.delivered_by, (None, ""))
        terms = [
            TermRow(
                w.label,
                w.start,
                w.end,
                whole(a.expected.sessions),
                a.delivered_sessions,
                whole(a.expected.minutes),
                a.delivered_minutes,
            )
            for w in term_windows
            if (a := report.assessments[w.key]).expected.minutes or a.delivered_minutes
        ]
        evidence.append(
            LineEvidence(
                line=report.line,
                promise=version.promise,
                delivered_by=version.get_delivered_by_display(),
                overall=report.assessments["plan"],
                terms=terms,
                missed=missed[report.line.pk],
                rate=rate,
                rate_source=source,
                weekly_minutes=version.weekly_minutes
                or (version.sessions * version.minutes_per_session if version.period == "week" else 0),
                plan=each,
                start=window.start,
                end=window.end,
                under_earlier_plan=(
                    ""
                    if each.pk == plan.pk
                    else f"Under the earlier {each.kind_label}, {window.start:%-d %B %Y} to {window.end:%-d %B %Y}"
                ),
            )
        )
    return Evidence(child, plan, first, today, evidence)
