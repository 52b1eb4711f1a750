from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django import template

from provision_ledger.rules import units

register = template.Library()


@register.filter
def pounds(value: Decimal | int | None) -> str:
    """£1,234.56; a negative sum as −£1,234.56; nothing as a dash."""
    if value is None:
        return "–"
    value = Decimal(value)
    text = f"£{abs(value):,.2f}"
    return f"−{text}" if value < 0 else text


@register.filter
def hours(minutes: Fraction | int | None) -> str:
    """Minutes as hours to one decimal place: 90 → "1.5 hours"; 120 → "2 hours"; 60,000,000 → "1,000,000 hours"."""
    if not minutes:
        return "0 hours"
    value = units.hours(minutes)
    text = f"{value:,.1f}".removesuffix(".0")  # not :g, which writes a million hours as 1e+06
    return f"{text} hour" if value == 1 else f"{text} hours"


@register.filter
def cost(minutes: int, account: object) -> str:
    """The cost of an account's minutes at its rate, as pounds."""
    return pounds(account.cost(minutes))  # type: ignore[attr-defined]
