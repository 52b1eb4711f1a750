"""Reads of plans and lines that many pages share."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from provision_ledger.people.models import Child
from provision_ledger.plans.models import LineVersion, Plan, ProvisionLine


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
