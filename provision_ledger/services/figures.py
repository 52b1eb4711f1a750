"""How a service is doing: the authority's own figures for the lines it is commissioned to deliver.

Each line's stored monthly sums (oversight.queries.line_figures) are assessed under its school's policy and
thresholds by the same rule as the authority's dashboard, then added up by school and by commissioner.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from provision_ledger.oversight.queries import Figures, Window, assess_line, line_figures
from provision_ledger.people.models import School
from provision_ledger.rules.compliance import DEFAULT_MAKE_UP_POLICY
from provision_ledger.services.models import Commission
from provision_ledger.services.queries import commissioned_lines, overlapping


@dataclass
class Part:
    """Figures for one school or one commissioner of a service."""

    label: str
    school: School | None = None
    figures: Figures = field(default_factory=Figures)


@dataclass
class ServiceLine:
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


def delivery_of(commissions: QuerySet[Commission], window: Window) -> ServiceFigures:
    """How commissioned lines are doing over the window: each line's figures by the authority's rule, then added up
    by school and by commissioner. A commission counts if it was in force at any time in the window."""
    chosen = list(
        commissions.filter(overlapping(window.start, window.end)).select_related("school__local_authority", "service")
    )
    covered = commissioned_lines(chosen)
    schools = {c.school_id: c.school for c in chosen}
    la_ids = sorted({s.local_authority_id for s in schools.values()})
    own = [pk for pk, s in schools.items() if s.make_up_policy != DEFAULT_MAKE_UP_POLICY]
    sums = line_figures(la_ids, window, own_policy_school_ids=own) if la_ids and not window.is_empty else {}
    total = Figures()
    by_school: dict[int, Part] = {}
    by_commissioner: dict[tuple[str, str], Part] = {}
    lines = []
    for line_id, commission in sorted(covered.items()):
        line_sums = sums.get(line_id)
        if line_sums is None:  # void, or of a plan no longer in force
            continue
        school = schools[line_sums.school_id]
        figures = assess_line(line_sums, school.make_up_policy, school.thresholds)
        lines.append(ServiceLine(line_id, line_sums.child_id, school.pk, commission, figures))
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
