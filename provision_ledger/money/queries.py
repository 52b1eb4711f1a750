"""Reads of rates, costs and support time that many pages share. Sums over the ledger are made in the database."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan

from provision_ledger.delivery.models import Session
from provision_ledger.money.models import (
    Allocation,
    ChildFunding,
    ChildItem,
    ItemPrice,
    RateCard,
    StaffRate,
    TimeBlock,
)
from provision_ledger.people.models import Child, School
from provision_ledger.people.queries import calendar_of, moved_children, school_in_authority, school_on
from provision_ledger.plans.models import DeliveredBy, ExpectedMonth, Funder, LineVersion, Plan, ProvisionLine
from provision_ledger.plans.queries import current_plan, live_lines, with_delivery
from provision_ledger.rules.calendar import Calendar, SchoolCalendar
from provision_ledger.rules.costing import (
    ELEMENT_2_SOURCE,
    ELEMENT_2_THRESHOLD,
    Cost,
    CostPart,
    CostVersion,
    Funding,
    Payer,
    Pot,
    Rate,
    RateBook,
    RateError,
    at_hourly_rate,
    delivered_cost,
    financial_year,
    financial_year_bounds,
    pennies,
    planned_cost,
)
from provision_ledger.rules.money import DEFAULT_RATES
from provision_ledger.rules.reporting import whole
from provision_ledger.rules.support_time import Activity, WeekAccount, week_accounts
from provision_ledger.rules.units import hours

ROLE_NAMES = dict(DeliveredBy.choices)
# Lines the school or the authority pays for count against Element 2 and the top-up; health and others do not.
EDUCATION_FUNDERS = frozenset({Funder.SCHOOL.value, Funder.LA.value})


# Rates ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateRow:
    """One role's rate for a school and year: the default, the authority's, the school's, and the one in force."""

    role: str
    label: str
    default: Rate | None
    authority: Rate | None
    school: Rate | None
    source: str
    year: int = 0
    default_year: int | None = None  # the financial year the role has a default for, if any

    @property
    def in_force(self) -> Rate | None:
        for value in (self.school, self.authority, self.default):
            if value is not None:
                return value
        return None

    @property
    def default_elsewhere(self) -> bool:
        """A default exists for another year but not this one: the page says so rather than reuse it."""
        return self.in_force is None and self.default_year is not None and self.default_year != self.year


def _default_years() -> dict[str, int]:
    years: dict[str, int] = {}
    for role, year in DEFAULT_RATES:
        years[role] = max(year, years.get(role, year))
    return years


def _card_rates(school: School, years: Iterable[int]) -> list[StaffRate]:
    return list(
        StaffRate.objects.filter(
            Q(card__local_authority_id=school.local_authority_id) | Q(card__school=school),
            card__financial_year__in=list(years),
        ).select_related("card")
    )


def rate_rows(school: School, year: int) -> list[RateRow]:
    """Every role's rates for the school in a financial year (one query)."""
    authority: dict[str, StaffRate] = {}
    own: dict[str, StaffRate] = {}
    for rate in _card_rates(school, [year]):
        (own if rate.card.school_id else authority)[rate.role] = rate
    rows = []
    default_years = _default_years()
    for role, label in DeliveredBy.choices:
        default = DEFAULT_RATES.get((role, year))
        chosen = own.get(role) or authority.get(role)
        source = chosen.source if chosen else (default[1] if default else "")
        rows.append(
            RateRow(
                role=role,
                label=label,
                default=default[0] if default else None,
                authority=authority[role].rate if role in authority else None,
                school=own[role].rate if role in own else None,
                source=source,
                year=year,
                default_year=default_years.get(role),
            )
        )
    return rows


def rate_books(schools: Sequence[School], years: Iterable[int]) -> dict[int, RateBook]:
    """Rates in force at each school: the default, overridden by the authority's card, overridden by the school's.

    One query for any number of schools."""
    years = sorted(set(years))
    defaults = {key: rate for key, (rate, _) in DEFAULT_RATES.items() if key[1] in years}
    found = StaffRate.objects.filter(
        Q(card__local_authority_id__in={s.local_authority_id for s in schools}) | Q(card__school__in=schools),
        card__financial_year__in=years,
    ).select_related("card")
    authority: dict[int, dict[tuple[str, int], Rate]] = defaultdict(dict)
    own: dict[int, dict[tuple[str, int], Rate]] = defaultdict(dict)
    for rate in found:
        key = (rate.role, rate.card.financial_year)
        if rate.card.school_id:
            own[rate.card.school_id][key] = rate.rate
        else:
            authority[rate.card.local_authority_id or 0][key] = rate.rate
    default_years = _default_years()
    return {
        school.pk: RateBook(defaults | authority[school.local_authority_id] | own[school.pk], ROLE_NAMES, default_years)
        for school in schools
    }


def rate_book(school: School, years: Iterable[int]) -> RateBook:
    return rate_books([school], years)[school.pk]


def items_in_force(school: School, year: int) -> list[ItemPrice]:
    """Non-staff items priced for the school in a year: the authority's, with the school's own price winning."""
    found = ItemPrice.objects.filter(
        Q(card__local_authority_id=school.local_authority_id) | Q(card__school=school), card__financial_year=year
    ).select_related("card")
    by_name = {i.name: i for i in sorted(found, key=lambda i: i.card.school_id is not None)}
    return sorted(by_name.values(), key=lambda i: i.name)


def rates_in_force(child: Child, today: date) -> dict[str, tuple[Rate, str]]:
    """The rate in force for each role at the child's school in the financial year of `today`, with its source."""
    rates = {}
    for row in rate_rows(child.school, financial_year(today)):
        value = row.in_force
        if value is not None:
            rates[row.role] = (value, row.source)
    return rates


def hourly_rates(child: Child, today: date) -> dict[str, tuple[Decimal, str]]:
    """The cost of an hour with the child for each role (the contact-hour rate), with its source, for letters."""
    # To the penny, so a letter's value is the hours owed at the rate it shows.
    return {
        role: (pennies(rate.per_contact_hour), source) for role, (rate, source) in rates_in_force(child, today).items()
    }


def element_2_threshold(school: School, year: int) -> tuple[Decimal, str]:
    card = RateCard.objects.filter(local_authority_id=school.local_authority_id, financial_year=year).first()
    if card is not None and card.element_2_threshold is not None:
        return card.element_2_threshold, f"Set by {school.local_authority.name} for this year"
    return ELEMENT_2_THRESHOLD, ELEMENT_2_SOURCE


# Costs ------------------------------------------------------------------------------------------------------------


def cost_version(v: LineVersion) -> CostVersion:
    return CostVersion(v.effective_from, v.terms, v.delivered_by, v.group_size, v.adults, v.non_contact_minutes)


def cost_history(line: ProvisionLine) -> list[CostVersion]:
    return [cost_version(v) for v in line.versions_in_order]


def delivered_by_day(line_ids: Iterable[int], start: date, end: date) -> dict[int, list[tuple[date, int]]]:
    """Minutes delivered on each day per line, summed in the database."""
    rows = (
        Session.objects.current()
        .filter(line_id__in=list(line_ids), date__gte=start, date__lte=end, delivered_minutes__gt=0)
        .values("line_id", "date")
        .order_by()
        .annotate(minutes=Sum("delivered_minutes"))
    )
    found: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for row in rows:
        found[row["line_id"]].append((row["date"], row["minutes"]))
    return found


@dataclass(frozen=True)
class LineCost:
    line: ProvisionLine
    planned_year: Cost
    planned_to_date: Cost
    delivered_to_date: Cost
    problem: str = ""

    @property
    def version(self):  # type: ignore[no-untyped-def]
        return self.line.current_version

    @property
    def counts(self) -> bool:
        """Whether it is paid from the school's Element 2 or the authority's top-up."""
        version = self.version
        return version is not None and version.funder in EDUCATION_FUNDERS

    @property
    def payer(self) -> Payer:
        version = self.version
        return Payer(version.funder) if version is not None else Payer.OTHER

    @property
    def planned_hours(self) -> Decimal:
        return hours(self.planned_year.minutes)

    @property
    def delivered_hours(self) -> Decimal:
        return hours(self.delivered_to_date.minutes)


def line_costs(
    lines: Sequence[ProvisionLine], school: School, calendar: SchoolCalendar, year: int, today: date
) -> list[LineCost]:
    """Each line's planned cost for the financial year and to date, and its delivered cost to date."""
    start, end = financial_year_bounds(year)
    to_date = min(today, end)
    rates = rate_book(school, [year])
    delivered = delivered_by_day([line.pk for line in lines], start, to_date)
    costs = []
    for line in lines:
        history = cost_history(line)
        try:
            costs.append(
                LineCost(
                    line,
                    planned_cost(history, calendar, start, end, rates),
                    planned_cost(history, calendar, start, to_date, rates) if to_date >= start else Cost(),
                    delivered_cost(history, delivered.get(line.pk, []), rates),
                )
            )
        except RateError as error:
            costs.append(LineCost(line, Cost(), Cost(), Cost(), problem=str(error)))
    return costs


@dataclass(frozen=True)
class FundingReport:
    child: Child
    year: int
    plan: Plan | None
    lines: list[LineCost]
    funding: Funding
    threshold_source: str
    record: ChildFunding | None
    items: list[ChildItem] = field(default_factory=list)

    @property
    def items_total(self) -> Decimal:
        return sum((i.pounds for i in self.items), Decimal(0))

    @property
    def problems(self) -> list[str]:
        return sorted({c.problem for c in self.lines if c.problem})

    @property
    def other_funders(self) -> list[LineCost]:
        return [c for c in self.lines if not c.counts]

    @property
    def story(self) -> list[str]:
        """Who pays for what, in one account: each line counted once, in its payer's total."""
        return funding_story(self.funding, self.child.first_name, self.items_total)


def _lines(n: int) -> str:
    return f"{n} line{'s' if n != 1 else ''}"


def _gbp(value: Decimal) -> str:
    return f"£{value:,.2f}"


def funding_story(funding: Funding, name: str, items_total: Decimal = Decimal(0)) -> list[str]:
    school, authority = funding.school, funding.authority
    said = []
    if school.lines or items_total:
        items = f" and items costing {_gbp(items_total)}" if items_total else ""
        said.append(
            f"The school pays for {_lines(school.lines)}{items} from its SEN budget (Element 2): "
            f"{_gbp(school.planned_year)} planned for the year, of the first {_gbp(funding.threshold)} of "
            f"{name}’s additional provision that a school meets. Delivered so far: {_gbp(school.delivered_to_date)}."
        )
        if funding.school_over_threshold:
            said.append(
                f"The school’s lines are planned at {_gbp(funding.school_over_threshold)} more than "
                f"{_gbp(funding.threshold)}: provision above that is for the local authority’s top-up, so those "
                "lines should say the local authority pays."
            )
    else:
        said.append("No line is paid for from the school’s SEN budget (Element 2).")
    if authority.lines:
        said.append(
            f"The local authority’s top-up (Element 3) pays for {_lines(authority.lines)}: "
            f"{_gbp(authority.planned_year)} planned for the year, against {_gbp(funding.top_up)} agreed. "
            f"Delivered so far: {_gbp(authority.delivered_to_date)}."
        )
        if funding.top_up_short:
            said.append(
                f"The top-up agreed is {_gbp(funding.top_up_short)} short of what its lines are planned to cost."
            )
    elif funding.top_up:
        said.append(f"A top-up of {_gbp(funding.top_up)} is agreed, but no line says the local authority pays.")
    for pot in funding.others:
        said.append(
            f"{pot.payer.label[0].upper()}{pot.payer.label[1:]} pays for {_lines(pot.lines)}: "
            f"{_gbp(pot.planned_year)} planned for the year, not counted in the school’s or the authority’s part."
        )
    return said


def _total(costs: Iterable[Cost]) -> Decimal:
    return sum((c.total for c in costs), Decimal(0))


def funding_report(child: Child, year: int, today: date) -> FundingReport:
    school = child.school
    plan = current_plan(child)
    lines = line_costs(list(live_lines([plan])) if plan else [], school, school.calendar(), year, today)
    threshold, source = element_2_threshold(school, year)
    record = ChildFunding.objects.filter(child=child, financial_year=year).first()
    # An item provided is the school's, planned and spent at once: it counts in each of the school's totals.
    items = list(ChildItem.objects.current().filter(child=child, financial_year=year))
    items_total = sum((i.pounds for i in items), Decimal(0))
    pots = []
    for payer in Payer:
        paid = [c for c in lines if c.payer == payer]
        extra = items_total if payer == Payer.SCHOOL else Decimal(0)
        pots.append(
            Pot(
                payer,
                len(paid),
                _total(c.planned_year for c in paid) + extra,
                _total(c.planned_to_date for c in paid) + extra,
                _total(c.delivered_to_date for c in paid) + extra,
            )
        )
    funding = Funding(
        threshold=threshold,
        top_up=record.top_up if record else Decimal(0),
        personal_budget=record.personal_budget if record else Decimal(0),
        pots=tuple(pots),
    )
    return FundingReport(child, year, plan, lines, funding, source, record, items)


# The provision map -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapRow:
    child: Child
    cost: LineCost

    @property
    def version(self):  # type: ignore[no-untyped-def]
        return self.cost.version


MAP_SORTS = {
    "child": lambda r: (r.child.last_name, r.child.first_name),
    "category": lambda r: (r.version.get_category_display(), r.child.last_name),
    "need": lambda r: (r.child.get_primary_need_display(), r.child.last_name),
    "planned": lambda r: -r.cost.planned_year.total,
    "delivered": lambda r: -r.cost.delivered_to_date.total,
}


@dataclass
class ProvisionMap:
    rows: list[MapRow]
    year: int
    totals: dict[str, Decimal] = field(default_factory=dict)

    @property
    def problems(self) -> list[str]:
        return sorted({r.cost.problem for r in self.rows if r.cost.problem})


def provision_map(
    school: School, year: int, today: date, category: str = "", need: str = "", sort: str = "child"
) -> ProvisionMap:
    """Every live line of every plan in force at the school, costed; filtered and sorted."""
    plans = Plan.objects.filter(child__school=school, status=Plan.Status.ACTIVE)
    if need:
        plans = plans.filter(child__primary_need=need)
    lines = [
        line
        for line in live_lines(plans).select_related("plan__child")
        if line.current_version and (not category or line.current_version.category == category)
    ]
    costs = line_costs(lines, school, school.calendar(), year, today)
    rows = sorted((MapRow(c.line.plan.child, c) for c in costs), key=MAP_SORTS.get(sort, MAP_SORTS["child"]))
    totals = {
        "planned": _total(r.cost.planned_year for r in rows),
        "delivered": _total(r.cost.delivered_to_date for r in rows),
        "planned_hours": sum((r.cost.planned_hours for r in rows), Decimal(0)),
        "delivered_hours": sum((r.cost.delivered_hours for r in rows), Decimal(0)),
    }
    return ProvisionMap(rows, year, totals)


MAP_COLUMNS = [
    "Child",
    "Year group",
    "Primary need",
    "Category",
    "Provision",
    "Delivered by",
    "Group size",
    "Funder",
    "Planned hours",
    "Planned cost (£)",
    "Delivered hours to date",
    "Delivered cost to date (£)",
    "Problem",
]


def map_table(the_map: ProvisionMap) -> list[list[object]]:
    """The provision map as rows of plain values, for CSV and XLSX."""
    rows: list[list[object]] = []
    for r in the_map.rows:
        v = r.version
        rows.append(
            [
                r.child.full_name,
                r.child.get_year_group_display(),
                r.child.get_primary_need_display(),
                v.get_category_display(),
                v.description,
                v.get_delivered_by_display(),
                v.group_size,
                v.get_funder_display(),
                r.cost.planned_hours,
                r.cost.planned_year.total,
                r.cost.delivered_hours,
                r.cost.delivered_to_date.total,
                r.cost.problem,
            ]
        )
    return rows


# Support time ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AllocationAccount:
    allocation: Allocation
    weeks: list[WeekAccount]
    rate: Decimal | None
    problem: str = ""

    def _sum(self, attribute: str) -> int:
        return sum(int(getattr(w, attribute)) for w in self.weeks)

    @property
    def allocated_minutes(self) -> int:
        return whole(sum(w.allocated for w in self.weeks))

    @property
    def with_child_minutes(self) -> int:
        return self._sum("with_child")

    @property
    def elsewhere_minutes(self) -> int:
        return self._sum("elsewhere")

    @property
    def by_activity(self) -> dict[Activity, int]:
        totals: dict[Activity, int] = defaultdict(int)
        for w in self.weeks:
            for activity, minutes in w.logged.items():
                totals[activity] += minutes
        return {a: totals[a] for a in Activity if totals[a]}

    def cost(self, minutes: int) -> Decimal | None:
        if self.rate is None:
            return None
        return at_hourly_rate(minutes, self.rate)


def school_days_by_week(calendar: Calendar, start: date, end: date) -> dict[date, int]:
    weeks: dict[date, int] = {}
    for day in calendar.school_days(start, end):
        monday = day - timedelta(days=day.weekday())
        weeks[monday] = weeks.get(monday, 0) + 1
    return weeks


def allocation_accounts(child: Child, start: date, end: date) -> list[AllocationAccount]:
    """Each allocation to the child, week by week from start to end: allocated, and logged by activity."""
    allocations = list(child.allocations.select_related("staff").order_by("start_date", "pk"))
    if not allocations:
        return []
    calendar = calendar_of(child)
    logged: dict[int, list[tuple[date, Activity, int]]] = defaultdict(list)
    rows = (
        TimeBlock.objects.current()
        .filter(allocation__in=allocations, date__gte=start, date__lte=end)
        .values("allocation_id", "date", "activity")
        .order_by()
        .annotate(minutes=Sum("minutes"))
    )
    for row in rows:
        logged[row["allocation_id"]].append((row["date"], Activity(row["activity"]), row["minutes"]))
    rates = rate_book(child.school, [financial_year(end)])
    accounts = []
    for allocation in allocations:
        first = max(start, allocation.start_date)
        last = min(end, allocation.end_date) if allocation.end_date else end
        weeks = week_accounts(
            allocation.weekly_minutes, school_days_by_week(calendar, first, last), logged[allocation.pk]
        )
        try:
            rate, problem = rates.on(allocation.role, end), ""
        except RateError as error:
            rate, problem = None, str(error)
        accounts.append(AllocationAccount(allocation, weeks, rate, problem))
    return accounts


# The authority's spend -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolSpend:
    """What an authority's school delivered and what it was agreed, for one financial year."""

    school: School
    planned_minutes: Decimal
    planned_cost: Decimal
    delivered_minutes: int
    delivered_cost: Decimal
    children_topped_up: int
    top_up: Decimal
    personal_budgets: Decimal
    problems: tuple[str, ...] = ()

    @property
    def delivered_hours(self) -> Decimal:
        return hours(self.delivered_minutes)

    @property
    def planned_hours(self) -> Decimal:
        return hours(self.planned_minutes)


def _version_in_force(field_name: str) -> Coalesce:
    """The field of the line version in force on a row's `date` (the first version for a day before any)."""
    versions = LineVersion.objects.filter(line=OuterRef("line_id"))
    on_the_day = versions.filter(effective_from__lte=OuterRef("date")).order_by("-effective_from", "-pk")
    first = versions.order_by("effective_from", "pk")
    return Coalesce(Subquery(on_the_day.values(field_name)[:1]), Subquery(first.values(field_name)[:1]))


# What costing needs of a row's line version. A version carrying non-contact minutes is named, so its share is worked
# out by the costing rule; every other row sums with its role, group size and adults alone.
_COSTING_GROUPS = ("role", "group", "adults", "non_contact_version")


def _costing_terms(version: Callable[[str], Any]) -> dict[str, Any]:
    """The terms costing needs, each read by `version` (a field name to the expression for the row's version)."""
    return {
        "role": version("delivered_by"),
        "group": version("group_size"),
        "adults": version("adults"),
        "paid_by": version("funder"),
        "non_contact_version": Case(
            When(GreaterThan(version("non_contact_minutes"), 0), then=version("pk")),
            default=None,
            output_field=IntegerField(),
        ),
    }


def _own_version(field_name: str) -> F:
    """The field of the row's own line version (an expected month is laid for one version's days)."""
    return F(f"version__{field_name}")


def _non_contact_shares(rows: Iterable[dict[str, Any]]) -> dict[int, Fraction]:
    """The non-contact minutes each named version carries for a contact minute, from the costing rule."""
    ids = {row["non_contact_version"] for row in rows if row["non_contact_version"] is not None}
    return {v.pk: cost_version(v).non_contact_share for v in LineVersion.objects.filter(pk__in=ids)}


def _cost_of_sum(book: RateBook, year: int, row: dict[str, Any], shares: dict[int, Fraction]) -> Decimal:
    """A sum of minutes costed by the one costing rule (`CostPart`), unrounded so a school's total rounds once."""
    minutes = Fraction(row["minutes"])
    share = shares.get(row["non_contact_version"], Fraction(0))
    return CostPart(
        row["role"], year, minutes, row["group"], book.rate(row["role"], year), row["adults"], minutes * share
    ).exact


def authority_spend(schools: Sequence[School], year: int, today: date) -> list[SchoolSpend]:
    """Per school: the planned cost of the provision for the financial year, the cost of what was delivered so far,
    and the funding agreed.

    The database sums minutes by school, role, group size, adults and funder (a few rows whatever the number of
    sessions and lines); each sum is costed at the school's rate for the role by the costing rule. Delivered minutes
    are costed at the line version in force on the session's day. Planned minutes are the months the rules laid for
    each line (plans.ExpectedMonth), a row for each version's days in a month, each costed at its own version's
    terms: a line amended mid-month is costed as the provision map costs it, split at the day. Only lines the school
    or the authority pays for count, as on a child's funding page. Totals are rounded once per school, to the pennies
    of the sum of its lines' unrounded costs, so they can differ by a penny from the sum of the school's provision
    map, which rounds each line."""
    start, end = financial_year_bounds(year)
    to_date = min(today, end)
    books = rate_books(schools, [year])
    # Each sum goes to the school the child was at: for a child who never moved, their school; for one who moved
    # (a few), the school of the session's day or of the month's authority.
    moved = moved_children()
    school_ids = [school.pk for school in schools]
    delivered = Session.objects.current().filter(
        Q(child__school__in=school_ids) | Q(child__in=moved),
        date__gte=start,
        date__lte=to_date,
        delivered_minutes__gt=0,
    )
    delivered = delivered.annotate(
        at=Case(
            When(child__in=moved, then=school_on("date")), default=F("child__school_id"), output_field=IntegerField()
        )
    )
    # Planned: the months the rules laid for each live line of a plan in force (plans.ExpectedMonth), each row one
    # version's days of a month.
    planned = ExpectedMonth.objects.filter(
        Q(line__plan__child__school__in=school_ids) | Q(line__plan__child__in=moved),
        with_delivery("line__plan__"),  # a plan replaced in the year counts up to its end, as the dashboard's
        line__voided_at__isnull=True,
        month__gte=start,
        month__lte=end,
    )
    planned = planned.annotate(
        at=Case(
            When(
                line__plan__child__in=moved, then=school_in_authority("local_authority", "month", "line__plan__child")
            ),
            default=F("line__plan__child__school_id"),
            output_field=IntegerField(),
        )
    )

    def summed(rows: QuerySet[Any], version: Callable[[str], Any], field: str) -> list[tuple[int, dict[str, Any]]]:
        found = (
            rows.filter(at__in=school_ids)
            .annotate(**_costing_terms(version))
            .filter(Q(paid_by__in=EDUCATION_FUNDERS))
            .values("at", *_COSTING_GROUPS)
            .order_by()
            .annotate(minutes=Sum(field))
        )
        return [(row["at"], row) for row in found]

    delivered_rows = summed(delivered, _version_in_force, "delivered_minutes")
    planned_rows = summed(planned, _own_version, "minutes")
    shares = _non_contact_shares(row for _, row in delivered_rows + planned_rows)
    minutes_by_school: dict[int, int] = defaultdict(int)
    planned_minutes: dict[int, Decimal] = defaultdict(Decimal)
    exact_cost: dict[int, Decimal] = defaultdict(Decimal)
    planned_exact: dict[int, Decimal] = defaultdict(Decimal)
    problems: dict[int, set[str]] = defaultdict(set)
    for rows, minutes_to, cost_to in (
        (delivered_rows, minutes_by_school, exact_cost),
        (planned_rows, planned_minutes, planned_exact),
    ):
        for school_id, row in rows:
            minutes_to[school_id] += row["minutes"]
            try:
                cost_to[school_id] += _cost_of_sum(books[school_id], year, row, shares)
            except RateError as error:
                problems[school_id].add(str(error))
    funding = {
        row["child__school_id"]: row
        for row in ChildFunding.objects.filter(child__school__in=schools, financial_year=year)
        .values("child__school_id")
        .order_by()
        .annotate(
            children=Count("child", filter=Q(top_up__gt=0), distinct=True),
            top_up=Sum("top_up"),
            personal_budgets=Sum("personal_budget"),
        )
    }
    spend = []
    for school in schools:
        agreed: dict[str, Any] = dict(funding.get(school.pk, {}))
        spend.append(
            SchoolSpend(
                school=school,
                planned_minutes=planned_minutes[school.pk],
                planned_cost=pennies(planned_exact[school.pk]),
                delivered_minutes=minutes_by_school[school.pk],
                delivered_cost=pennies(exact_cost[school.pk]),
                children_topped_up=agreed.get("children", 0),
                top_up=agreed.get("top_up") or Decimal(0),
                personal_budgets=agreed.get("personal_budgets") or Decimal(0),
                problems=tuple(sorted(problems[school.pk])),
            )
        )
    return spend
