"""How a service is doing: the authority's own figures for the lines it is commissioned to deliver.

Each line counts at each school that commissioned the service for it, over the days of the window the commission
was in force and the child was at that school: a child who moved counts at each school for their time there only.
Its sums over those days (oversight.queries.line_sums_at: the stored monthly sums, and for part of a month its
sessions and the rules' expected delivery for those days) are assessed under the school's policy and thresholds by
the same rule as the authority's dashboard, then added up by school and by commissioner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import QuerySet

from provision_ledger.oversight.queries import Figures, Span, Window, assess_line, line_sums_at
from provision_ledger.people.models import School
from provision_ledger.services.models import Commission
from provision_ledger.services.queries import lines_covered, overlapping


@dataclass
class Part:
    """Figures for one school or one commissioner of a service."""

    label: str
    school: School | None = None
    figures: Figures = field(default_factory=Figures)


@dataclass
class ServiceLine:
    """A line's figures under one commission: over the days of the window it was in force and the child was at its
    school."""

    line_id: int
    child_id: int
    school_id: int
    commission: Commission
    figures: Figures


@dataclass
class ServiceFigures:
    window: Window
    total: Figures
    by_school: list[Part]
    by_commissioner: list[Part]
    lines: list[ServiceLine]


def _spans(commissions: list[Commission], window: Window) -> list[tuple[Commission, date, date]]:
    """The days of the window each of one school's commissions covering a line counts for it: a day two of them
    share counts under the one that began first, so the line is never counted twice at a school."""
    spans = []
    taken_to: date | None = None
    for commission in sorted(commissions, key=lambda c: (c.start_date, c.pk)):
        first = max(window.start, commission.start_date)
        if taken_to is not None:
            first = max(first, taken_to + timedelta(days=1))
        last = window.end if commission.end_date is None else min(window.end, commission.end_date)
        if first <= last:
            spans.append((commission, first, last))
        taken_to = last if taken_to is None else max(taken_to, last)
    return spans


def delivery_of(commissions: QuerySet[Commission], window: Window) -> ServiceFigures:
    """How commissioned lines are doing over the window: each line's figures by the authority's rule under each
    commission covering it, then added up by school and by commissioner. A line counted under two commissions (a
    moved child's at each school, or one school's commissions one after the other) counts once under each.

    A commission counts if it was in force at any time in the window; under it, a line counts over the days it was
    in force in the window on which the child was at its school (oversight.queries.line_sums_at)."""
    chosen = list(
        commissions.filter(overlapping(window.start, window.end)).select_related("school__local_authority", "service")
    )
    schools = {c.school_id: c.school for c in chosen}
    commission_of: dict[int, Commission] = {c.pk: c for c in chosen}
    wanted: dict[tuple[int, int], Span] = {}
    if not window.is_empty:
        for line_id, line in lines_covered(chosen).items():
            for school_id, there in line.at.items():
                for commission, first, last in _spans(there, window):
                    wanted[(line_id, commission.pk)] = Span(line_id, line.child_id, schools[school_id], first, last)
    total = Figures()
    by_school: dict[int, Part] = {}
    by_commissioner: dict[tuple[str, str], Part] = {}
    lines = []
    for (line_id, commission_id), sums in sorted(line_sums_at(wanted).items()):
        commission, school = commission_of[commission_id], schools[sums.school_id]
        figures = assess_line(sums, school.make_up_policy, school.thresholds)
        lines.append(ServiceLine(line_id, sums.child_id, school.pk, commission, figures))
        total.add(figures)
        by_school.setdefault(school.pk, Part(school.name, school)).figures.add(figures)
        key = (commission.commissioner, commission.commissioner_name)
        label = f"{commission.commissioner_name} ({commission.get_commissioner_display()})"
        by_commissioner.setdefault(key, Part(label)).figures.add(figures)
    return ServiceFigures(
        window,
        total,
        sorted(by_school.values(), key=lambda p: p.label),
        sorted(by_commissioner.values(), key=lambda p: p.label),
        lines,
    )
