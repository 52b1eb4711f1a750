"""The annual review pack: everything a review meeting needs, assembled from the record in one place.

The web page, the PDF and the Word document are all drawn from one `ReviewPack`, so they never disagree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, F, Sum
from django.utils import timezone

from provision_ledger.audit.chain import seal
from provision_ledger.delivery.models import Session
from provision_ledger.delivery.queries import line_reports
from provision_ledger.money.queries import cost_history, delivered_by_day, rate_book
from provision_ledger.outcomes.charts import dose_response_chart
from provision_ledger.outcomes.models import Outcome, Review
from provision_ledger.outcomes.queries import OutcomeProgress, outcome_progress
from provision_ledger.people.queries import calendar_of
from provision_ledger.plans.models import LineVersion, ProvisionLine
from provision_ledger.plans.queries import live_lines
from provision_ledger.rules.compliance import LineAssessment, MissReason, SessionStatus
from provision_ledger.rules.costing import RateError, delivered_cost, financial_year, planned_cost
from provision_ledger.rules.reporting import Window
from provision_ledger.rules.reviews import ReviewStep, review_steps
from provision_ledger.rules.units import hours
from provision_ledger.rules.wording import StatementCheck, check_statement


@dataclass(frozen=True)
class Missed:
    reason: str
    sessions: int
    minutes: int


@dataclass(frozen=True)
class PackLine:
    line: ProvisionLine
    version: LineVersion
    assessment: LineAssessment
    missed: list[Missed]
    planned_cost: Decimal | None
    delivered_cost: Decimal | None
    cost_note: str

    @property
    def promised_hours(self) -> Decimal:
        return hours(self.assessment.expected.minutes)

    @property
    def delivered_hours(self) -> Decimal:
        return hours(self.assessment.delivered_minutes)

    @property
    def owed_hours(self) -> Decimal:
        return hours(self.assessment.owed_minutes)


@dataclass(frozen=True)
class PackOutcome:
    progress: OutcomeProgress
    chart: str
    serving: list[str]

    @property
    def outcome(self) -> Outcome:
        return self.progress.outcome


@dataclass(frozen=True)
class ReviewPack:
    review: Review
    start: date
    end: date
    lines: list[PackLine]
    outcomes: list[PackOutcome]
    steps: list[ReviewStep]
    amendments: list[StatementCheck]
    seal: tuple[int, str]
    generated_at: datetime

    @property
    def only_with_support(self) -> list[str]:
        """Plain sentences for each skill that holds only with support."""
        return [o.progress.independence_sentence for o in self.outcomes if o.progress.independence_sentence]

    @property
    def delivered_cost(self) -> Decimal | None:
        costs = [p.delivered_cost for p in self.lines if p.delivered_cost is not None]
        return sum(costs, Decimal(0)) if costs else None


def _missed(lines: list[ProvisionLine], start: date, end: date) -> dict[int, list[Missed]]:
    rows = (
        Session.objects.current()
        .filter(line__in=lines, date__gte=start, date__lte=end)
        .exclude(status=SessionStatus.DELIVERED.value)
        .values("line_id", "reason")
        .order_by("line_id", "reason")
        .annotate(sessions=Count("id"), minutes=Sum(F("planned_minutes") - F("delivered_minutes")))
    )
    found: dict[int, list[Missed]] = defaultdict(list)
    for row in rows:
        found[row["line_id"]].append(Missed(MissReason(row["reason"]).label, row["sessions"], row["minutes"] or 0))
    return found


CostRow = tuple[Decimal | None, Decimal | None, str]  # planned, delivered, why there is no figure


def _costs(lines: list[ProvisionLine], review: Review, start: date, end: date) -> dict[int, CostRow]:
    school = review.child.school
    calendar = calendar_of(review.child)
    years = range(financial_year(start), financial_year(end) + 1)
    rates = rate_book(school, years)
    delivered = delivered_by_day([line.pk for line in lines], start, end)
    costs: dict[int, CostRow] = {}
    for line in lines:
        history = cost_history(line)
        try:
            costs[line.pk] = (
                planned_cost(history, calendar, start, end, rates).total,
                delivered_cost(history, delivered.get(line.pk, []), rates).total,
                "",
            )
        except RateError as error:
            costs[line.pk] = (None, None, str(error))
    return costs


def review_pack(review: Review, today: date) -> ReviewPack:
    """The pack for a review: promised against delivered over the review period, cost, progress, views, steps."""
    start, end = review.period_start, min(review.meeting_date, today)
    child, plan = review.child, review.plan
    lines = list(live_lines([plan]))
    window = Window("review", "Review period", start, end)
    reports = line_reports(lines, child.school, calendar_of(child), [window])
    missed = _missed(lines, start, end)
    costs = _costs(lines, review, start, end)
    pack_lines = []
    for report in reports:
        version = report.line.current_version
        assert version is not None
        planned, delivered, note = costs[report.line.pk]
        pack_lines.append(
            PackLine(
                report.line, version, report.assessments["review"], missed[report.line.pk], planned, delivered, note
            )
        )
    outcomes = list(plan.outcomes.prefetch_related("lines__versions").order_by("id"))
    progress = outcome_progress(outcomes, start, end)
    pack_outcomes = [
        PackOutcome(
            p,
            dose_response_chart(p),
            [str(line) for line in p.outcome.lines.all() if line.voided_at is None],
        )
        for p in progress
    ]
    amendments = [check_statement(p.strip()) for p in review.proposed_amendments.split("\n\n") if p.strip()]
    steps = review_steps(
        review.meeting_date,
        invitations_sent=review.invitations_sent,
        advice_circulated=review.advice_circulated,
        report_sent=review.report_sent,
        decision=review.decision_date,
    )
    return ReviewPack(
        review=review,
        start=start,
        end=end,
        lines=pack_lines,
        outcomes=pack_outcomes,
        steps=steps,
        amendments=amendments,
        seal=seal(child.local_authority_id),
        generated_at=timezone.now(),
    )
