"""Reads of plans and lines that many pages share."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from provision_ledger.people.models import Child
from provision_ledger.plans.models import LineVersion, Plan, ProvisionLine
from provision_ledger.rules.delivery import terms_in_force


def current_plan(child: Child) -> Plan | None:
    return child.plans.filter(status=Plan.Status.ACTIVE).order_by("-start_date", "-id").first()


def with_delivery(prefix: str = "") -> Q:
    """The plans whose lines count over a period: in force, or replaced by a later plan on a known date (their
    lines promise nothing after it). `prefix` reaches the plan from another model ("line__plan__")."""
    return Q(**{f"{prefix}status": Plan.Status.ACTIVE}) | Q(
        **{f"{prefix}status": Plan.Status.ENDED, f"{prefix}end_date__isnull": False}
    )


def live_lines(plans: QuerySet[Plan] | list[Plan]) -> QuerySet[ProvisionLine]:
    return (
        ProvisionLine.objects.filter(plan__in=plans, voided_at__isnull=True)
        .select_related("plan")
        .prefetch_related(Prefetch("versions", queryset=LineVersion.objects.order_by("effective_from", "id")))
        .order_by("id")
    )


def hours_line_for(child: Child, role: str, day: date) -> ProvisionLine | None:
    """The child's one line of in-class support in hours a week, delivered by `role`, in force on the day: the line
    a support-time log for that role records. None when there is none, or more than one to choose between."""
    lines = live_lines(Plan.objects.filter(with_delivery(), child=child)).select_related("plan__child__school")
    found = []
    for line in lines:
        terms = terms_in_force(line.terms_history(), day)
        version = line.current_version
        if terms is not None and terms.weekly_minutes and version is not None and version.delivered_by == role:
            found.append(line)
    return found[0] if len(found) == 1 else None
