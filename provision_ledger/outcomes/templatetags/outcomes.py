from __future__ import annotations

from decimal import Decimal

from django import template

from provision_ledger.outcomes.models import Outcome
from provision_ledger.rules.outcomes import Support

register = template.Library()


@register.filter
def shown(value: Decimal | None, outcome: Outcome) -> str:
    """A value in the outcome's own terms: "step 5 of 8", "achieved"."""
    return outcome.show(value)


@register.filter
def support_label(support: str) -> str:
    return Support(support).label if support else ""
