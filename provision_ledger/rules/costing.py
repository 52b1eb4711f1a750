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
- Conversions: what a sum buys in hours a week of a role for a year, and back, on the annual cost of an hour a
  week (£6,000 ÷ £750 = 8 hours a week): a year's funding buys a year's employment, paid weeks and all.

Sources: Element 2 and the top-up, the Schools and Early Years Finance (England) Regulations and the DfE's high
needs operational guide; the 45 paid weeks of a term-time contract and the 38 weeks of contact, the NJC Green Book
term-time pay calculation and the School Teachers' Pay and Conditions Document (190 days of pupil contact).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

from provision_ledger.rules import units
from provision_ledger.rules.calendar import Calendar
from provision_ledger.rules.delivery import LineTerms, expected_delivery

PENNY = Decimal("0.01")
_ONE_DAY = timedelta(days=1)

# Element 2: the first £6,000 of additional provision a mainstream school meets from its notional SEN budget
# (DfE high needs funding operational guide); not uprated since 2013.
ELEMENT_2_THRESHOLD = Decimal(6000)
ELEMENT_2_SOURCE = (
    "the first £6,000 of a child's additional provision is met by a mainstream school from its notional SEN "
    "budget (Element 2), as the Department for Education's high needs funding guidance sets out"
)
# Term-time contracts are paid for about 45 weeks (about 39 working weeks plus holiday pay), NJC Green Book.
PAID_WEEKS = 45
# Pupils are taught on 190 days a year, 38 weeks (School Teachers' Pay and Conditions Document).
CONTACT_WEEKS = 38
PAID_WEEKS_SOURCE = "term-time contracts are paid for about 45 weeks a year, holidays included"
CONTACT_WEEKS_SOURCE = "children are in school for 190 days, 38 weeks, a year"


def pennies(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def at_hourly_rate(minutes: int, hourly_rate: Decimal) -> Decimal:
    """Minutes of an adult's time at an hourly rate, to the penny."""
    return pennies(Decimal(minutes) / 60 * hourly_rate)


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


def _money(value: Decimal) -> str:
    return f"£{pennies(value):,.2f}"


@dataclass(frozen=True)
class Rate:
    """What a role costs for a financial year: the annual cost of one hour a week, and the weeks of contact.

    Given as a paid-hour rate, the annual cost is that rate × the paid weeks."""

    annual: Decimal  # the cost for a year of one hour a week, on-costs included
    contact_weeks: int = CONTACT_WEEKS
    paid_hour: Decimal | None = None  # when the card gives the paid-hour rate instead
    paid_weeks: int | None = None

    @classmethod
    def from_paid_hour(
        cls, paid_hour: Decimal, paid_weeks: int = PAID_WEEKS, contact_weeks: int = CONTACT_WEEKS
    ) -> Rate:
        return cls(paid_hour * paid_weeks, contact_weeks, paid_hour, paid_weeks)

    @classmethod
    def per_contact_hour_of(cls, pounds: Decimal, contact_weeks: int = CONTACT_WEEKS) -> Rate:
        """The rate whose contact hour costs `pounds`."""
        return cls(pounds * contact_weeks, contact_weeks)

    @property
    def per_contact_hour(self) -> Decimal:
        """Unrounded: rounding each hour to the penny would put pennies on every line of a year."""
        if self.contact_weeks < 1:
            raise RateError("A rate needs at least one week of contact a year.")
        return self.annual / self.contact_weeks

    @property
    def working(self) -> str:
        """ "£750.00 a year for an hour a week ÷ 38 weeks of contact = £19.74 an hour with the child"."""
        annual = _money(self.annual)
        if self.paid_hour is not None and self.paid_weeks is not None:
            annual = f"{_money(self.paid_hour)} a paid hour × {self.paid_weeks} paid weeks = {annual}"
        return (
            f"{annual} a year for an hour a week ÷ {self.contact_weeks} weeks of contact = "
            f"{_money(self.per_contact_hour)} an hour with the child"
        )


@dataclass(frozen=True)
class RateBook:
    """Rates by (role, financial year), with the names the messages use."""

    rates: Mapping[tuple[str, int], Rate]
    role_names: Mapping[str, str] = field(default_factory=dict)
    # The financial year each default rate is for, so a year without one can say which year has it.
    default_years: Mapping[str, int] = field(default_factory=dict)

    def name(self, role: str) -> str:
        return self.role_names.get(role, role)

    def rate(self, role: str, year: int) -> Rate:
        label = financial_year_label(year)
        value = self.rates.get((role, year))
        if value is None:
            known = self.default_years.get(role)
            also = (
                f" The default rate is for {financial_year_label(known)} only."
                if known is not None and known != year
                else ""
            )
            raise RateError(
                f"There is no rate for {self.name(role)} in {label}.{also} Set one on the rate card for {label}."
            )
        if value.annual < 0:
            raise RateError(
                f"The rate for {self.name(role)} in {label} is negative ({_money(value.annual)} a year for an hour "
                "a week). A rate cannot be below £0."
            )
        if value.contact_weeks < 1:
            raise RateError(f"The rate for {self.name(role)} in {label} has no weeks of contact.")
        return value

    def for_year(self, role: str, year: int) -> Decimal:
        """The cost of a contact hour of the role in a financial year."""
        return self.rate(role, year).per_contact_hour

    def on(self, role: str, day: date) -> Decimal:
        return self.for_year(role, financial_year(day))


@dataclass(frozen=True)
class CostVersion:
    """One version of a line as costing needs it: when it applies, its terms, who delivers it, to how many,
    with how many adults, and the non-contact minutes a week (planning, records, liaison) it carries."""

    effective_from: date
    terms: LineTerms
    role: str
    group_size: int = 1
    adults: int = 1
    non_contact_minutes: int = 0  # a week

    def __post_init__(self) -> None:
        if self.group_size < 1:
            raise ValueError("A group has at least one child.")
        if self.adults < 1:
            raise ValueError("A line has at least one adult.")
        if self.non_contact_minutes < 0:
            raise ValueError("Non-contact minutes cannot be negative.")

    @property
    def non_contact_share(self) -> Fraction:
        """Non-contact minutes for each contact minute: 60 a week beside 10 hours a week is 1/10."""
        weekly = weekly_contact_minutes(self.terms)
        if not self.non_contact_minutes or not weekly:
            return Fraction(0)
        return Fraction(self.non_contact_minutes) / weekly


def weekly_contact_minutes(terms: LineTerms) -> Fraction:
    """The contact minutes a line promises in a full school week (a term of 13 weeks, a year of 38)."""
    if terms.weekly_minutes:
        return Fraction(terms.weekly_minutes)
    if terms.weekdays:
        return Fraction(len(terms.weekdays) * terms.minutes_per_session)
    per_period = Fraction(terms.sessions * terms.minutes_per_session)
    weeks = {"day": Fraction(1, 5), "week": Fraction(1), "term": Fraction(13), "year": Fraction(CONTACT_WEEKS)}
    return per_period / weeks[terms.period.value]


@dataclass(frozen=True)
class CostPart:
    """The working for one role and financial year: (contact + non-contact minutes) × adults × the contact-hour
    rate ÷ 60 ÷ group size."""

    role: str
    year: int
    minutes: Fraction  # contact minutes
    group_size: int
    rate: Rate
    adults: int = 1
    non_contact: Fraction = Fraction(0)  # non-contact minutes carried with them

    @property
    def exact(self) -> Decimal:
        minutes = to_decimal(self.minutes + self.non_contact)
        return minutes * self.adults * self.rate.per_contact_hour / 60 / self.group_size

    @property
    def contact_rate(self) -> Decimal:
        return self.rate.per_contact_hour

    @property
    def non_contact_hours(self) -> Decimal:
        return units.hours(self.non_contact)

    @property
    def working(self) -> str:
        """ "38.0 hours × £19.74 an hour with the child = £750.00", with adults, non-contact time and the group."""
        hours = f"{self.hours} hours"
        if self.non_contact:
            hours = f"({self.hours} hours with the child + {self.non_contact_hours} hours non-contact)"
        adults = f" × {self.adults} adults" if self.adults > 1 else ""
        group = f" ÷ {self.group_size} children" if self.group_size > 1 else ""
        return (
            f"{hours}{adults} × {_money(self.contact_rate)} an hour{group} ({financial_year_label(self.year)}) "
            f"= {_money(self.cost)}"
        )

    @property
    def cost(self) -> Decimal:
        return pennies(self.exact)

    @property
    def hours(self) -> Decimal:
        return units.hours(self.minutes)


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
    """Add up parts with the same role, year, group size, adults and rate, so the working reads one line each."""
    minutes: dict[tuple[str, int, int, Rate, int], list[Fraction]] = defaultdict(lambda: [Fraction(0), Fraction(0)])
    for p in parts:
        sums = minutes[(p.role, p.year, p.group_size, p.rate, p.adults)]
        sums[0] += p.minutes
        sums[1] += p.non_contact
    return Cost(
        tuple(
            CostPart(role=role, year=year, minutes=m, group_size=size, rate=rate, adults=adults, non_contact=n)
            for (role, year, size, rate, adults), (m, n) in minutes.items()
            if m
        )
    )


def _part(version: CostVersion, year: int, minutes: Fraction, rate: Rate) -> CostPart:
    return CostPart(
        version.role, year, minutes, version.group_size, rate, version.adults, minutes * version.non_contact_share
    )


def planned_cost(history: Sequence[CostVersion], calendar: Calendar, start: date, end: date, rates: RateBook) -> Cost:
    """The cost of what the line promises over start..end inclusive, on the school calendar."""
    terms_history = [(v.effective_from, v.terms) for v in history]
    parts = []
    for version, first, last in _pieces(history, start, end):
        minutes = expected_delivery(terms_history, calendar, first, last).minutes
        if minutes:
            year = financial_year(first)
            parts.append(_part(version, year, minutes, rates.rate(version.role, year)))
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
        year = financial_year(day)
        parts.append(_part(version, year, Fraction(minutes), rates.rate(version.role, year)))
    return _merge(parts)


@dataclass(frozen=True)
class Conversion:
    """What a sum buys in hours a week of a role for a year, or what hours a week cost, with the working.

    On the annual basis: a year's money buys a year's employment, so the contact weeks do not enter."""

    pounds: Decimal
    hours_per_week: Decimal
    rate: Rate

    @property
    def cost_of_one_hour_a_week(self) -> Decimal:
        return pennies(self.rate.annual)

    @property
    def annual_working(self) -> str:
        if self.rate.paid_hour is not None and self.rate.paid_weeks is not None:
            return (
                f"{_money(self.rate.paid_hour)} a paid hour × {self.rate.paid_weeks} paid weeks = "
                f"{_money(self.rate.annual)} a year for an hour a week"
            )
        return f"{_money(self.rate.annual)} a year for an hour a week"

    @property
    def working(self) -> str:
        return (
            f"{_money(self.pounds)} ÷ {_money(self.rate.annual)} a year for an hour a week "
            f"= {self.hours_per_week} hours a week"
        )


def hours_for(pounds: Decimal, rate: Rate) -> Conversion:
    """The hours a week a sum buys for a year, to one decimal place."""
    if rate.annual <= 0:
        raise RateError("A rate above £0 is needed to say how many hours a sum buys.")
    if pounds < 0:
        raise ValueError("The sum cannot be negative.")
    hours = (pounds / rate.annual).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return Conversion(pounds=pounds, hours_per_week=hours, rate=rate)


def pounds_for(hours_per_week: Decimal, rate: Rate) -> Conversion:
    """The cost for a year of hours a week of a role, to the penny."""
    if hours_per_week < 0:
        raise ValueError("Hours a week cannot be negative.")
    if rate.annual < 0:
        raise RateError("A rate cannot be below £0.")
    return Conversion(pounds=pennies(hours_per_week * rate.annual), hours_per_week=hours_per_week, rate=rate)


class Payer(StrEnum):
    """Who pays for a line, which decides the one total it counts in (the same codes as a line's funder)."""

    SCHOOL = "school"  # the school's notional SEN budget: Element 2, up to the threshold
    LA = "la"  # the local authority's top-up: Element 3
    HEALTH = "health"
    SOCIAL_CARE = "social_care"
    PERSONAL_BUDGET = "personal_budget"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _PAYER_LABELS[self]


_PAYER_LABELS = {
    Payer.SCHOOL: "the school",
    Payer.LA: "the local authority",
    Payer.HEALTH: "the health service",
    Payer.SOCIAL_CARE: "social care",
    Payer.PERSONAL_BUDGET: "the personal budget",
    Payer.OTHER: "others",
}


@dataclass(frozen=True)
class Pot:
    """The lines one payer pays for, costed: planned for the year, planned so far, delivered so far."""

    payer: Payer
    lines: int = 0
    planned_year: Decimal = Decimal(0)
    planned_to_date: Decimal = Decimal(0)
    delivered_to_date: Decimal = Decimal(0)


@dataclass(frozen=True)
class Funding:
    """A child's funding for a financial year against the cost of their provision, pot by pot.

    Each line counts in its payer's pot and no other. The school meets its lines from its notional SEN budget,
    up to `threshold` (Element 2); the local authority's top-up (Element 3) pays for its lines; health, social
    care, a personal budget and others pay for theirs, shown beside the school's and the authority's, not in
    them. Items provided (a programme, equipment) are the school's.
    """

    threshold: Decimal
    top_up: Decimal
    personal_budget: Decimal
    pots: tuple[Pot, ...] = ()

    def pot(self, payer: Payer) -> Pot:
        return next((p for p in self.pots if p.payer == payer), Pot(payer))

    @property
    def school(self) -> Pot:
        return self.pot(Payer.SCHOOL)

    @property
    def authority(self) -> Pot:
        return self.pot(Payer.LA)

    @property
    def others(self) -> list[Pot]:
        return [p for p in self.pots if p.payer not in (Payer.SCHOOL, Payer.LA) and p.lines]

    def _education(self, attribute: str) -> Decimal:
        return getattr(self.school, attribute) + getattr(self.authority, attribute)

    @property
    def planned_year(self) -> Decimal:
        """The school's and the authority's lines: what Element 2 and the top-up pay for."""
        return self._education("planned_year")

    @property
    def planned_to_date(self) -> Decimal:
        return self._education("planned_to_date")

    @property
    def delivered_to_date(self) -> Decimal:
        return self._education("delivered_to_date")

    @property
    def school_over_threshold(self) -> Decimal:
        """The school's lines planned beyond what it meets from Element 2."""
        return max(self.school.planned_year - self.threshold, Decimal(0))

    @property
    def top_up_short(self) -> Decimal:
        """The authority's lines planned beyond the top-up agreed."""
        return max(self.authority.planned_year - self.top_up, Decimal(0))

    @property
    def school_contribution(self) -> Decimal:
        """The part of the school's lines it meets: up to the threshold."""
        return min(self.school.planned_year, self.threshold)

    @property
    def funded(self) -> Decimal:
        return self.threshold + self.top_up

    @property
    def unfunded(self) -> Decimal:
        """Planned cost of each pot beyond what pays for it: the school's over the threshold, the authority's over
        the top-up."""
        return self.school_over_threshold + self.top_up_short

    @property
    def variance(self) -> Decimal:
        """Delivered less planned, to date: negative when less was delivered than the plan's cost so far."""
        return self.delivered_to_date - self.planned_to_date

    @property
    def threshold_shown_spent(self) -> Decimal:
        """How much of the school's threshold its own lines delivered so far demonstrate."""
        return min(self.school.delivered_to_date, self.threshold)
