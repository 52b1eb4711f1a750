"""Costing provision: what a line's promise costs on the school calendar, and what its delivery cost.

The rules.

- Money is in pounds as Decimal; minutes stay exact Fractions until the final sum, which is rounded once, half up,
  to the penny. Each part of the working is shown rounded, so the parts may differ from the total by a penny.
- Rates are hourly costs of a role, on-costs included, set per financial year (1 April to 31 March). The rate
  in force on a day is the rate of the financial year containing it, so a window that crosses 1 April is costed
  at two rates: this is the "rate change mid-year" of a school year (September to August).
- Planned cost over a window: the line's expected minutes on the school calendar (so minutes × sessions × school
  weeks, part weeks included, see rules/delivery.py) × the hourly rate ÷ 60 ÷ the group size. A group session's
  adult is shared, so each child in a group of four carries a quarter of the cost.
- Delivered cost: the minutes actually delivered on each day, at the rate in force that day, ÷ the group size of
  the version in force that day.
- A role in use with no rate, or a negative rate, is refused with a message naming the role and the year.
- Conversions: what a sum buys in hours a week of a role, and back, over the weeks a term-time contract is paid
  for: 45 paid weeks, as the domain sheet §4 derives the cost of one hour a week of TA time [F13][F15].
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from provision_ledger.rules.calendar import SchoolCalendar
from provision_ledger.rules.delivery import LineTerms, expected_delivery

PENNY = Decimal("0.01")
_ONE_DAY = timedelta(days=1)

# Element 2: the first £6,000 of additional provision a mainstream school meets from its notional SEN budget
# [F1][F2][F19]; not uprated since 2013 [F7].
ELEMENT_2_THRESHOLD = Decimal(6000)
ELEMENT_2_SOURCE = (
    "The first £6,000 of additional provision is met by the school from its notional SEN budget (Element 2 of "
    "the school funding arrangements in place since April 2013)"
)
# Term-time contracts are paid for about 45 weeks (≈39 working weeks plus holiday pay) [F13][F15].
PAID_WEEKS = 45
PAID_WEEKS_SOURCE = "term-time contracts are paid for about 45 weeks a year (about 39 working weeks plus holiday pay)"


def pennies(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def to_decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def financial_year(d: date) -> int:
    """The financial year containing d, named by the year it starts: 2025 is 1 April 2025 to 31 March 2026."""
    return d.year if d.month >= 4 else d.year - 1


def financial_year_bounds(year: int) -> tuple[date, date]:
    return date(year, 4, 1), date(year + 1, 3, 31)


def financial_year_label(year: int) -> str:
    """2025 → "2025-26"."""
    return f"{year}-{(year + 1) % 100:02d}"


class RateError(ValueError):
    """A role in use has no rate, or a negative one, for a financial year."""


@dataclass(frozen=True)
class RateBook:
    """Hourly rates by (role, financial year), with the names the messages use."""

    rates: Mapping[tuple[str, int], Decimal]
    role_names: Mapping[str, str] = field(default_factory=dict)

    def name(self, role: str) -> str:
        return self.role_names.get(role, role)

    def for_year(self, role: str, year: int) -> Decimal:
        label = financial_year_label(year)
        value = self.rates.get((role, year))
        if value is None:
            raise RateError(
                f"There is no hourly rate for {self.name(role)} in {label}. Set one on the rate card for {label}."
            )
        if value < 0:
            raise RateError(
                f"The hourly rate for {self.name(role)} in {label} is negative (£{value}). A rate cannot be below £0."
            )
        return value

    def on(self, role: str, day: date) -> Decimal:
        return self.for_year(role, financial_year(day))


@dataclass(frozen=True)
class CostVersion:
    """One version of a line as costing needs it: when it applies, its terms, who delivers it, to how many."""

    effective_from: date
    terms: LineTerms
    role: str
    group_size: int = 1

    def __post_init__(self) -> None:
        if self.group_size < 1:
            raise ValueError("A group has at least one child.")


@dataclass(frozen=True)
class CostPart:
    """The working for one role and financial year: minutes × rate ÷ 60 ÷ group size."""

    role: str
    year: int
    minutes: Fraction
    group_size: int
    rate: Decimal

    @property
    def exact(self) -> Decimal:
        return to_decimal(self.minutes) * self.rate / 60 / self.group_size

    @property
    def cost(self) -> Decimal:
        return pennies(self.exact)

    @property
    def hours(self) -> Decimal:
        return (to_decimal(self.minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Cost:
    parts: tuple[CostPart, ...] = ()

    @property
    def total(self) -> Decimal:
        return pennies(sum((p.exact for p in self.parts), Decimal(0)))

    @property
    def minutes(self) -> Fraction:
        return sum((p.minutes for p in self.parts), Fraction(0))

    def __add__(self, other: Cost) -> Cost:
        return Cost(self.parts + other.parts)


def _in_order(history: Sequence[CostVersion]) -> list[CostVersion]:
    # Stable, so of two versions sharing a date the later one wins, as in rules/delivery.py.
    return sorted(history, key=lambda v: v.effective_from)


def _pieces(history: Sequence[CostVersion], start: date, end: date) -> Iterator[tuple[CostVersion, date, date]]:
    """Each version's days within start..end, split at 1 April so each piece has one rate."""
    ordered = _in_order(history)
    for i, version in enumerate(ordered):
        first = max(version.effective_from, start)
        last = end if i + 1 == len(ordered) else min(end, ordered[i + 1].effective_from - _ONE_DAY)
        while first <= last:
            piece_end = min(last, financial_year_bounds(financial_year(first))[1])
            yield version, first, piece_end
            first = piece_end + _ONE_DAY


def _merge(parts: Iterable[CostPart]) -> Cost:
    """Add up parts with the same role, year, group size and rate, so the working reads one line each."""
    minutes: dict[tuple[str, int, int, Decimal], Fraction] = defaultdict(Fraction)
    for p in parts:
        minutes[(p.role, p.year, p.group_size, p.rate)] += p.minutes
    return Cost(
        tuple(
            CostPart(role=role, year=year, minutes=m, group_size=size, rate=rate)
            for (role, year, size, rate), m in minutes.items()
            if m
        )
    )


def planned_cost(
    history: Sequence[CostVersion], calendar: SchoolCalendar, start: date, end: date, rates: RateBook
) -> Cost:
    """The cost of what the line promises over start..end inclusive, on the school calendar."""
    terms_history = [(v.effective_from, v.terms) for v in history]
    parts = []
    for version, first, last in _pieces(history, start, end):
        minutes = expected_delivery(terms_history, calendar, first, last).minutes
        if minutes:
            rate = rates.on(version.role, first)
            parts.append(CostPart(version.role, financial_year(first), minutes, version.group_size, rate))
    return _merge(parts)


def version_on(history: Sequence[CostVersion], day: date) -> CostVersion | None:
    """The version in force on a day (the first one for a day before any took effect)."""
    ordered = _in_order(history)
    current = ordered[0] if ordered else None
    for version in ordered:
        if version.effective_from > day:
            break
        current = version
    return current


def delivered_cost(history: Sequence[CostVersion], delivered: Iterable[tuple[date, int]], rates: RateBook) -> Cost:
    """The cost of minutes delivered on each day, at the rate and group size in force that day."""
    parts = []
    for day, minutes in delivered:
        version = version_on(history, day)
        if version is None or not minutes:
            continue
        rate = rates.on(version.role, day)
        parts.append(CostPart(version.role, financial_year(day), Fraction(minutes), version.group_size, rate))
    return _merge(parts)


@dataclass(frozen=True)
class Conversion:
    """What a sum buys in hours a week of a role, or what hours a week cost, with the working."""

    pounds: Decimal
    hours_per_week: Decimal
    rate: Decimal
    weeks: int

    @property
    def cost_of_one_hour_a_week(self) -> Decimal:
        return pennies(self.rate * self.weeks)

    @property
    def working(self) -> str:
        return (
            f"£{self.pounds:,.2f} ÷ (£{self.rate:,.2f} an hour × {self.weeks} weeks) "
            f"= {self.hours_per_week} hours a week"
        )


def hours_for(pounds: Decimal, rate: Decimal, weeks: int = PAID_WEEKS) -> Conversion:
    """The hours a week a sum buys for a year, to one decimal place."""
    if rate <= 0:
        raise RateError("A rate above £0 is needed to say how many hours a sum buys.")
    if pounds < 0:
        raise ValueError("The sum cannot be negative.")
    hours = (pounds / (rate * weeks)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return Conversion(pounds=pounds, hours_per_week=hours, rate=rate, weeks=weeks)


def pounds_for(hours_per_week: Decimal, rate: Decimal, weeks: int = PAID_WEEKS) -> Conversion:
    """The cost for a year of hours a week of a role, to the penny."""
    if hours_per_week < 0:
        raise ValueError("Hours a week cannot be negative.")
    if rate < 0:
        raise RateError("A rate cannot be below £0.")
    return Conversion(
        pounds=pennies(hours_per_week * rate * weeks), hours_per_week=hours_per_week, rate=rate, weeks=weeks
    )


@dataclass(frozen=True)
class Funding:
    """A child's funding for a financial year against the cost of their provision.

    The school meets the first `threshold` of additional provision from its notional SEN budget (Element 2);
    the local authority tops up above it (Element 3). A personal budget is shown beside them, not within them.
    """

    threshold: Decimal
    top_up: Decimal
    personal_budget: Decimal
    planned_year: Decimal  # the whole financial year's planned cost
    planned_to_date: Decimal
    delivered_to_date: Decimal

    @property
    def school_contribution(self) -> Decimal:
        """The part of the planned cost the school meets: up to the threshold."""
        return min(self.planned_year, self.threshold)

    @property
    def funded(self) -> Decimal:
        return self.threshold + self.top_up

    @property
    def unfunded(self) -> Decimal:
        """Planned cost above the school's part and the top-up; zero when the funding covers it."""
        return max(self.planned_year - self.funded, Decimal(0))

    @property
    def variance(self) -> Decimal:
        """Delivered less planned, to date: negative when less was delivered than the plan's cost so far."""
        return self.delivered_to_date - self.planned_to_date

    @property
    def threshold_shown_spent(self) -> Decimal:
        """How much of the school's threshold the delivered provision so far demonstrates."""
        return min(self.delivered_to_date, self.threshold)
