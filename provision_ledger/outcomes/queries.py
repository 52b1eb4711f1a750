"""Reads of outcomes and progress: each outcome beside the delivery of the lines serving it, and the school figures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Avg, Count, F, FloatField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, TruncMonth

from provision_ledger.delivery.models import Session
from provision_ledger.outcomes.models import Outcome, ProgressEntry
from provision_ledger.plans.models import Category, LineVersion
from provision_ledger.rules.outcomes import (
    Independence,
    Measure,
    Shown,
    Support,
    independence,
    progress_fraction,
    publishable,
)
from provision_ledger.rules.units import hours


@dataclass(frozen=True)
class Month:
    """One month of an outcome: the minutes its lines delivered, and the best value shown with and without support."""

    month: date
    delivered_minutes: int
    independent: Decimal | None = None
    supported: Decimal | None = None
    supported_how: str = ""  # the support under which `supported` was shown

    @property
    def hours(self) -> Decimal:
        return hours(self.delivered_minutes)


@dataclass
class OutcomeProgress:
    outcome: Outcome
    months: list[Month]
    entries: list[ProgressEntry]  # standing entries, oldest first
    voided: list[ProgressEntry] = field(default_factory=list)

    @property
    def school_entries(self) -> list[ProgressEntry]:
        return [e for e in self.entries if e.source == ProgressEntry.Source.SCHOOL]

    @property
    def home_observations(self) -> list[ProgressEntry]:
        return [e for e in self.entries if e.source == ProgressEntry.Source.HOME]

    @property
    def latest(self) -> ProgressEntry | None:
        valued = [e for e in self.school_entries if e.value is not None]
        return valued[-1] if valued else None

    @property
    def percent_of_way(self) -> int | None:
        """How far from baseline to target the latest value is, as a whole percentage."""
        o, latest = self.outcome, self.latest
        if latest is None or latest.value is None or o.baseline is None or o.target is None or o.baseline == o.target:
            return None
        return round(progress_fraction(o.baseline, o.target, latest.value) * 100)

    @property
    def met(self) -> bool:
        return self.percent_of_way is not None and self.percent_of_way >= 100

    @property
    def independence(self) -> Independence:
        return independence(
            Shown(e.date, e.value, Support(e.support)) for e in self.school_entries if e.value is not None and e.support
        )

    @property
    def delivered_minutes(self) -> int:
        return sum(m.delivered_minutes for m in self.months)

    @property
    def independence_sentence(self) -> str:
        """The plain words a review pack uses, or "" when nothing depends on support."""
        found, o = self.independence, self.outcome
        if not found.holds_only_with_support or found.best_supported is None or found.support_for_best is None:
            return ""
        how = found.support_for_best.label.lower()
        alone = (
            f"independently, {o.show(found.best_independent)}"
            if found.best_independent is not None
            else "never yet shown independently"
        )
        return f"{o.description}: {o.show(found.best_supported)} shown only {how}; {alone}."


def _months(start: date, end: date) -> list[date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1)
    return months


def outcome_progress(outcomes: Sequence[Outcome], start: date, end: date) -> list[OutcomeProgress]:
    """Each outcome's months from start to end, in two queries: delivered minutes and the entries."""
    ids = [o.pk for o in outcomes]
    minutes: dict[tuple[int, date], int] = defaultdict(int)
    rows = (
        Session.objects.current()
        .filter(line__outcomes__in=ids, date__gte=start, date__lte=end)
        .annotate(month=TruncMonth("date"), outcome_id=F("line__outcomes"))
        .values("outcome_id", "month")
        .order_by()
        .annotate(minutes=Sum("delivered_minutes"))
    )
    for row in rows:
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        minutes[(row["outcome_id"], month)] += row["minutes"] or 0
    entries: dict[int, list[ProgressEntry]] = defaultdict(list)
    voided: dict[int, list[ProgressEntry]] = defaultdict(list)
    for entry in (
        ProgressEntry.objects.filter(outcome_id__in=ids, date__lte=end)
        .select_related("recorded_by")
        .order_by("date", "id")
    ):
        (voided if entry.is_void else entries)[entry.outcome_id].append(entry)
    found = []
    for outcome in outcomes:
        first = max(start, outcome.baseline_date)
        months = []
        for month in _months(first, end):
            valued = [
                e
                for e in entries[outcome.pk]
                if e.source == ProgressEntry.Source.SCHOOL and e.value is not None and e.date.replace(day=1) == month
            ]
            alone = [e.value for e in valued if e.value is not None and e.support == Support.INDEPENDENT]
            helped = max(
                (e for e in valued if e.support != Support.INDEPENDENT),
                key=lambda e: (e.value or 0, e.date),
                default=None,
            )
            months.append(
                Month(
                    month,
                    minutes[(outcome.pk, month)],
                    independent=max(alone) if alone else None,
                    supported=helped.value if helped else None,
                    supported_how=helped.support if helped else "",
                )
            )
        found.append(OutcomeProgress(outcome, months, entries[outcome.pk], voided[outcome.pk]))
    return found


# Dose and response across a school ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DoseFigure:
    school_id: int
    category: str
    children: int
    outcomes: int
    per_ten_hours: float | None  # None when too few children for a figure

    @property
    def category_label(self) -> str:
        return Category(self.category).label if self.category in Category.values else "Not linked to a line"


def _latest_value() -> QuerySet[ProgressEntry]:
    return (
        ProgressEntry.objects.current()
        .filter(outcome=OuterRef("pk"), source=ProgressEntry.Source.SCHOOL, value__isnull=False)
        .order_by("-date", "-id")
    )


def dose_response(school_ids: Iterable[int], threshold: int) -> list[DoseFigure]:
    """Average progress per 10 hours delivered, per school and provision category, aggregated in the database.

    For each numeric outcome with a baseline, a target, a recorded value and serving lines that delivered time:
    the share of the way from baseline to target reached by the latest value, as percentage points, per 10 hours
    delivered by its lines from the baseline to that value. The category is that of the first serving line.
    A figure drawn from fewer children than the threshold is withheld (rules/outcomes.py).
    """
    delivered = (
        Session.objects.current()
        .filter(line__outcomes=OuterRef("pk"), date__gte=OuterRef("baseline_date"), date__lte=OuterRef("latest_date"))
        .order_by()
        .values("line__outcomes")
        .annotate(total=Sum("delivered_minutes"))
        .values("total")
    )
    category = (
        LineVersion.objects.filter(line__outcomes=OuterRef("pk"))
        .order_by("line_id", "-effective_from", "-id")
        .values("category")[:1]
    )
    as_float = lambda expression: Cast(expression, FloatField())  # noqa: E731
    rate = (
        (as_float(F("latest_value")) - as_float(F("baseline")))
        / (as_float(F("target")) - as_float(F("baseline")))
        * Value(100.0 * 600)
        / as_float(F("minutes"))
    )
    rows = (
        Outcome.objects.filter(
            child__school_id__in=list(school_ids),
            baseline__isnull=False,
            target__isnull=False,
            plan__status="active",
        )
        .exclude(measure=Measure.OBSERVATION.value)
        .exclude(target=F("baseline"))
        .annotate(
            latest_value=Subquery(_latest_value().values("value")[:1]),
            latest_date=Subquery(_latest_value().values("date")[:1]),
        )
        .annotate(minutes=Coalesce(Subquery(delivered), 0), category=Subquery(category))
        .filter(latest_value__isnull=False, minutes__gt=0, category__isnull=False)
        .values("child__school_id", "category")
        .order_by("child__school_id", "category")
        .annotate(
            children=Count("child_id", distinct=True),
            outcomes=Count("id"),
            average=Avg(rate),
        )
    )
    return [
        DoseFigure(
            school_id=row["child__school_id"],
            category=row["category"],
            children=row["children"],
            outcomes=row["outcomes"],
            per_ten_hours=round(row["average"], 1) if publishable(row["children"], threshold) else None,
        )
        for row in rows
    ]
