"""Which lines a service is commissioned to deliver, and which of them a practitioner logs (read by access)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Q, QuerySet, Subquery

from provision_ledger.people.models import Enrolment
from provision_ledger.plans.models import LineVersion, ProvisionLine
from provision_ledger.plans.queries import with_delivery
from provision_ledger.services.models import Caseload, Commission, ServiceRole


def in_force_on(day: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


def overlapping(start: date, end: date) -> Q:
    return Q(start_date__lte=end) & (Q(end_date__isnull=True) | Q(end_date__gte=start))


def _latest(field_name: str) -> Subquery:
    latest = LineVersion.objects.filter(line_id=OuterRef("pk")).order_by("-effective_from", "-id")
    return Subquery(latest.values(field_name)[:1])


def _by_school(commissions: Iterable[Commission]) -> dict[int, list[Commission]]:
    by_school: dict[int, list[Commission]] = defaultdict(list)
    for commission in commissions:
        by_school[commission.school_id].append(commission)
    return by_school


def _named(by_school: dict[int, list[Commission]]) -> dict[int, set[int]]:
    """The lines each commission names, by commission (one query)."""
    named: dict[int, set[int]] = defaultdict(set)
    through = Commission.lines.through.objects.filter(commission_id__in=[c.pk for cs in by_school.values() for c in cs])
    for commission_id, line_id in through.values_list("commission_id", "provisionline_id"):
        named[commission_id].add(line_id)
    return named


def _with_current_terms(lines: QuerySet[ProvisionLine]) -> Iterator[tuple[int, int, int, str, str]]:
    """(line, child, child's school now, current area of need, current practitioner) for each of these lines."""
    rows = lines.annotate(current_category=_latest("category"), current_by=_latest("delivered_by")).values_list(
        "pk", "plan__child_id", "plan__child__school_id", "current_category", "current_by"
    )
    for pk, child_id, school_id, category, delivered_by in rows:
        yield pk, child_id, school_id, category or "", delivered_by or ""


def _covering(
    commissions: list[Commission], line_id: int, category: str, delivered_by: str, named: dict[int, set[int]]
) -> list[Commission]:
    return [c for c in commissions if c.covers(line_id, category, delivered_by, named[c.pk])]


def commissioned_lines(
    commissions: Iterable[Commission], child_ids: Iterable[int] | None = None
) -> dict[int, Commission]:
    """The lines these commissions cover (by id), each with the first commission covering it (three queries).

    A commission covers lines of children at its school now: named lines, or lines whose current terms are of its
    area of need and practitioner. With `child_ids`, only those children's lines are looked at. What a practitioner
    reaches (`practitioner_line_ids`); a service's figures also count a child's earlier schools (`lines_covered`)."""
    by_school = _by_school(commissions)
    if not by_school:
        return {}
    named = _named(by_school)
    lines = ProvisionLine.objects.filter(plan__child__school_id__in=list(by_school))
    if child_ids is not None:
        lines = lines.filter(plan__child_id__in=list(child_ids))
    found: dict[int, Commission] = {}
    for pk, _, school_id, category, delivered_by in _with_current_terms(lines):
        if covering := _covering(by_school[school_id], pk, category, delivered_by, named):
            found[pk] = covering[0]
    return found


@dataclass(frozen=True)
class Covered:
    """A line the commissions cover at one school or more: its child, the child's school now, and at each school
    the commissions covering it there, in the order given."""

    child_id: int
    school_id: int
    at: dict[int, list[Commission]]


def lines_covered(commissions: Iterable[Commission]) -> dict[int, Covered]:
    """The live lines (of plans that count over a period) of children at the commissions' schools now or earlier,
    that a commission of one of those schools covers, by line id (four queries).

    A child who moved keeps their lines: the school they left still covers them, for the time the child was there
    (`services.figures.delivery_of` counts each school's days). Whether a commission covers a line is read from the
    line's current terms, as for a child who never moved."""
    by_school = _by_school(commissions)
    if not by_school:
        return {}
    named = _named(by_school)
    schools = list(by_school)
    enrolled = Enrolment.objects.filter(school_id__in=schools)
    attended: dict[int, set[int]] = defaultdict(set)
    for child_id, school_id in enrolled.order_by().values_list("child_id", "school_id").distinct():
        attended[child_id].add(school_id)
    lines = ProvisionLine.objects.filter(
        Q(plan__child__school_id__in=schools) | Q(plan__child_id__in=enrolled.values("child_id")),
        with_delivery("plan__"),
        voided_at__isnull=True,
    )
    found: dict[int, Covered] = {}
    for pk, child_id, school_id, category, delivered_by in _with_current_terms(lines):
        at = {
            school: covering
            for school in sorted(({school_id} | attended[child_id]) & by_school.keys())
            if (covering := _covering(by_school[school], pk, category, delivered_by, named))
        }
        if at:
            found[pk] = Covered(child_id, school_id, at)
    return found


def practitioner_line_ids(user_id: int, service_ids: Iterable[int], day: date) -> frozenset[int]:
    """The lines a practitioner reaches on a day: commissioned to their service, for a child on their caseload."""
    service_ids = list(service_ids)
    caseload: dict[int, set[int]] = defaultdict(set)
    for service_id, child_id in Caseload.objects.filter(
        in_force_on(day), practitioner_id=user_id, service_id__in=service_ids
    ).values_list("service_id", "child_id"):
        caseload[service_id].add(child_id)
    if not caseload:
        return frozenset()
    found: set[int] = set()
    commissions = list(Commission.objects.filter(in_force_on(day), service_id__in=list(caseload)))
    for service_id, children in caseload.items():
        found |= set(commissioned_lines([c for c in commissions if c.service_id == service_id], children))
    return frozenset(found)


def service_roles(user_id: int) -> list[tuple[str, int]]:
    return list(ServiceRole.objects.filter(user_id=user_id).values_list("role", "service_id"))
