"""Reads of the statements recorded from a plan's wording."""

from __future__ import annotations

from provision_ledger.plans.models import Plan
from provision_ledger.wording.models import PlanStatement


def live_statements(plan: Plan) -> list[PlanStatement]:
    """The plan's statements read from its wording that are not lines and not voided, in the order read."""
    return list(PlanStatement.objects.filter(plan=plan, voided_at__isnull=True).order_by("id"))
