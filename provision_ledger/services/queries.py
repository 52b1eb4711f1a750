"""Which lines a service is commissioned to deliver, and which of them a practitioner logs (read by access)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import OuterRef, Q, Subquery

from provision_ledger.plans.models import LineVersion, ProvisionLine
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


def commissioned_lines(
    commissions: Iterable[Commission], child_ids: Iterable[int] | None = None
) -> dict[int, Commission]:
    """The lines these commissions cover (by id), each with the first commission covering it (three queries).

    A commission covers lines of its own school only: named lines, or lines whose current terms are of its area of
    need and practitioner. With `child_ids`, only those children's lines are looked at."""
    by_school: dict[int, list[Commission]] = defaultdict(list)
    for commission in commissions:
        by_school[commission.school_id].append(commission)
    if not by_school:
        return {}
    named: dict[int, set[int]] = defaultdict(set)
    through = Commission.lines.through.objects.filter(commission_id__in=[c.pk for cs in by_school.values() for c in cs])
    for commission_id, line_id in through.values_list("commission_id", "provisionline_id"):
        named[commission_id].add(line_id)
    lines = ProvisionLine.objects.filter(plan__child__school_id__in=list(by_school))
    if child_ids is not None:
        lines = lines.filter(plan__child_id__in=list(child_ids))
    rows = lines.annotate(current_category=_latest("category"), current_by=_latest("delivered_by")).values_list(
        "pk", "plan__child__school_id", "current_category", "current_by"
    )
    found: dict[int, Commission] = {}
    for pk, school_id, category, delivered_by in rows:
        for commission in by_school[school_id]:
            if commission.covers(pk, category or "", delivered_by or "", named[commission.pk]):
                found[pk] = commission
                break
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
