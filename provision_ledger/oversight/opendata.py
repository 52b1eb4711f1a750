"""Open statistics: what an authority can publish each term, anonymised, with small numbers suppressed."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
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
    authorities = list(LocalAuthority.objects.filter(pk__in=la_ids).order_by("code"))
    return OpenTable(authorities, term, threshold, cells)


COLUMNS = ["LA code", "Local authority", "Term", "Table", "Group", "Children or plans", "Delivered (% of expected)"]


def rows(table: OpenTable) -> list[list[object]]:
    code = " ".join(la.code for la in table.authorities)
    name = "; ".join(la.name for la in table.authorities)
    out: list[list[object]] = [list(COLUMNS)]
    out += [[code, name, table.term.label, c.table, c.group, c.children, c.rate] for c in table.cells]
    out.append([f"Counts from 1 to {table.threshold - 1} are shown as {SUPPRESSED}, with the figures drawn from them."])
    return out
