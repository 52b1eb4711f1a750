"""Open statistics: what an authority can publish each term, anonymised, with small numbers suppressed."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Count

from provision_ledger.oversight.queries import CATEGORIES, Figures, Window, line_figures
from provision_ledger.people.models import LocalAuthority, Need
from provision_ledger.plans.models import PLAN_KIND_CHOICES, Plan
from provision_ledger.rules.disclosure import SUPPRESSED, suppressed_keys

# Terms as calendar months, so every school's own term dates fall inside them.
TERMS = {"autumn": (9, 12, 0), "spring": (1, 3, 1), "summer": (4, 8, 1)}  # first month, last month, year offset
_TERM = re.compile(r"^(autumn|spring|summer)-(\d{4})$")


@dataclass(frozen=True)
class StatsTerm:
    name: str
    year: int  # calendar year of the term's months
    start: date
    end: date

    @property
    def slug(self) -> str:
        return f"{self.name}-{self.year}"

    @property
    def label(self) -> str:
        return f"{self.name.capitalize()} {self.year}"


def make_term(name: str, year: int) -> StatsTerm:
    first, last, _ = TERMS[name]
    following = date(year + 1, 1, 1) if last == 12 else date(year, last + 1, 1)
    return StatsTerm(name, year, date(year, first, 1), date.fromordinal(following.toordinal() - 1))


def parse_term(raw: str, today: date) -> StatsTerm:
    """ "autumn-2025", or by default the last term that ended before today."""
    if raw:
        match = _TERM.match(raw.strip().lower())
        if not match:
            raise ValueError(
                f"term: “{raw[:30]}” is not a term. Write it like autumn-2025, spring-2026 or summer-2026."
            )
        return make_term(match.group(1), int(match.group(2)))
    candidates = [make_term(name, year) for year in (today.year - 1, today.year) for name in TERMS]
    return max((t for t in candidates if t.end < today), key=lambda t: t.end)


@dataclass(frozen=True)
class Cell:
    table: str
    group: str
    children: int | str
    rate: int | str  # delivered as a whole % of expected, or "" when nothing was due


@dataclass(frozen=True)
class OpenTable:
    authorities: list[LocalAuthority]
    term: StatsTerm
    threshold: int
    cells: list[Cell]
    # Each table's total: children (or plans) and the delivered rate, suppressed as its groups are.
    totals: dict[str, tuple[int | str, int | str]] = field(default_factory=dict)


def _publish(table: str, groups: dict[str, tuple[int, Figures | None]], threshold: int) -> list[Cell]:
    hidden = suppressed_keys({g: n for g, (n, _) in groups.items()}, threshold)
    cells = []
    for group, (count, figures) in groups.items():
        if group in hidden:
            cells.append(Cell(table, group, SUPPRESSED, SUPPRESSED if figures is not None else ""))
            continue
        percent = figures.percent if figures is not None else None
        cells.append(Cell(table, group, count, "" if percent is None else percent))
    return cells


def open_statistics(la_ids: list[int], term: StatsTerm, threshold: int | None = None) -> OpenTable:
    """The term's delivery by provision category and by primary need, and plans in force by kind, for publishing.

    Each line counts whole over the term (`line_figures`), even for a child who moved school in it: no table is by
    school, and the sums are the authority's own (a month under another authority is keyed to that one), so it does
    not matter which of the authority's schools the line is listed under. Delivered over expected needs no make-up
    policy, so no school's policy is applied either.
    """
    threshold = threshold if threshold is not None else settings.OPEN_STATISTICS_SUPPRESS_UNDER
    window = Window(term.start.year if term.start.month >= 9 else term.start.year - 1, term.start, term.end)
    lines = line_figures(la_ids, window, with_need=True)
    by_category: dict[str, Figures] = defaultdict(Figures)
    by_need: dict[str, Figures] = defaultdict(Figures)
    children_category: dict[str, set[int]] = defaultdict(set)
    children_need: dict[str, set[int]] = defaultdict(set)
    for sums in lines.values():
        line = Figures(expected=sums.expected, delivered=sums.delivered)
        by_category[sums.category].add(line)
        by_need[sums.need].add(line)
        if sums.expected or sums.delivered:
            children_category[sums.category].add(sums.child_id)
            children_need[sums.need].add(sums.child_id)
    plans = dict(
        Plan.objects.filter(local_authority_id__in=la_ids, status=Plan.Status.ACTIVE, start_date__lte=term.end)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    cells = _publish(
        "Delivery by provision category",
        {label: (len(children_category[key]), by_category[key]) for key, label in CATEGORIES},
        threshold,
    )
    cells += _publish(
        "Delivery by primary need",
        {label: (len(children_need[key]), by_need[key]) for key, label in Need.choices},
        threshold,
    )
    cells += _publish(
        "Plans in force by kind", {label: (plans.get(key, 0), None) for key, label in PLAN_KIND_CHOICES}, threshold
    )
    everyone: set[int] = set().union(*children_category.values()) if children_category else set()
    overall = Figures()
    for figures in by_category.values():
        overall.add(figures)
    plans_total = sum(plans.get(key, 0) for key, _ in PLAN_KIND_CHOICES)

    def total(count: int, figures: Figures | None) -> tuple[int | str, int | str]:
        if 0 < count < threshold:
            return SUPPRESSED, SUPPRESSED if figures is not None else ""
        percent = figures.percent if figures is not None else None
        return count, "" if percent is None else percent

    totals = {
        "Delivery by provision category": total(len(everyone), overall),
        "Delivery by primary need": total(len(everyone), overall),
        "Plans in force by kind": total(plans_total, None),
    }
    authorities = list(LocalAuthority.objects.filter(pk__in=la_ids).order_by("code"))
    return OpenTable(authorities, term, threshold, cells, totals)


# The DfE's published-statistics format (Explore Education Statistics): one tidy CSV per table, each with a
# .meta.csv describing its filters and indicators. Time is the academic year (six digits, 202526) with the term as
# its identifier; geography is the authority with its ONS code. Symbols where a figure is not shown: c (suppressed:
# a small count, or a rate drawn from one), z (not applicable: nothing was due, so there is no rate), x (not
# available). Figures for a term not yet over are provisional: the file name and the indicators' labels say so.

COUNTRY = ("E92000001", "England")
TIME_IDENTIFIERS = {"autumn": "Autumn term", "spring": "Spring term", "summer": "Summer term"}
NOT_APPLICABLE = "z"
GEOGRAPHY_COLUMNS = [
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
    "region_name", "old_la_code", "new_la_code", "la_name",
]  # fmt: skip


@dataclass(frozen=True)
class EesTable:
    slug: str
    filter_column: str
    filter_label: str
    count_column: str
    count_label: str
    with_rate: bool


EES_TABLES = {
    "Delivery by provision category": EesTable(
        "delivery_by_provision_category", "provision_category", "Area of need of the provision",
        "children", "Children with provision due", True,
    ),
    "Delivery by primary need": EesTable(
        "delivery_by_primary_need", "primary_need", "Primary type of need", "children",
        "Children with provision due", True,
    ),
    "Plans in force by kind": EesTable(
        "plans_in_force_by_kind", "plan_kind", "Kind of plan", "plans", "Plans in force", False,
    ),
}  # fmt: skip


class NotPublishable(ValueError):
    """An authority lacks a code the published format requires."""


def academic_year(term: StatsTerm) -> str:
    first = term.year if term.name == "autumn" else term.year - 1
    return f"{first}{(first + 1) % 100:02d}"


def is_provisional(term: StatsTerm, today: date) -> bool:
    return term.end >= today


def ees_files(table: OpenTable, today: date) -> dict[str, str]:
    """The tables as EES data and meta files, by file name. Each CSV starts with its header row."""
    missing = [la.name for la in table.authorities if not (la.new_la_code and la.region_code and la.region_name)]
    if missing:
        raise NotPublishable(
            f"{', '.join(missing)}: record the authority's ONS code and region (from GIAS, or in the admin) first."
        )
    if len(table.authorities) != 1:
        raise NotPublishable("Published statistics are for one authority at a time.")
    la = table.authorities[0]
    provisional = is_provisional(table.term, today)
    suffix = "_provisional" if provisional else ""
    said = " (provisional)" if provisional else ""
    place = [academic_year(table.term), TIME_IDENTIFIERS[table.term.name], "Local authority", *COUNTRY,
             la.region_code, la.region_name, la.code, la.new_la_code, la.name]  # fmt: skip
    files: dict[str, str] = {}
    for title, spec in EES_TABLES.items():
        cells = [c for c in table.cells if c.table == title]
        header = [*GEOGRAPHY_COLUMNS, spec.filter_column, spec.count_column]
        if spec.with_rate:
            header.append("delivered_percent")
        rows: list[list[object]] = [list(header)]
        total_count, total_rate = table.totals[title]
        for group, count, rate in [*((c.group, c.children, c.rate) for c in cells), ("Total", total_count, total_rate)]:
            row: list[object] = [*place, group, count]
            if spec.with_rate:
                row.append(NOT_APPLICABLE if rate == "" else rate)
            rows.append(row)
        meta: list[list[object]] = [
            ["col_name", "col_type", "label", "indicator_grouping", "indicator_unit", "indicator_dp", "filter_hint",
             "filter_grouping_column"],
            [spec.filter_column, "Filter", spec.filter_label, "", "", "", "", ""],
            [spec.count_column, "Indicator", spec.count_label + said, "", "", "0", "", ""],
        ]  # fmt: skip
        if spec.with_rate:
            meta.append(["delivered_percent", "Indicator", "Delivered, as a percentage of expected" + said, "", "%",
                         "0", "", ""])  # fmt: skip
        name = f"{spec.slug}_{table.term.slug.replace('-', '_')}{suffix}"
        files[f"{name}.csv"] = _csv_text(rows)
        files[f"{name}.meta.csv"] = _csv_text(meta)
    return files


def _csv_text(rows: list[list[object]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()
