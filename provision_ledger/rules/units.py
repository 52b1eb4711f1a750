"""Time in the units people read it in: one rounding for every page, letter, PDF and export."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

TENTH = Decimal("0.1")


def hours(minutes: int | Fraction | Decimal) -> Decimal:
    """Minutes as hours to one decimal place, halves rounded up: 15 minutes is 0.3 hours, 45 minutes 0.8 hours.

    Rounding half up everywhere means the same minutes read the same on a page, in a letter and in a spreadsheet."""
    if isinstance(minutes, Fraction):
        exact = Decimal(minutes.numerator) / Decimal(minutes.denominator)
    else:
        exact = Decimal(minutes)
    return (exact / 60).quantize(TENTH, rounding=ROUND_HALF_UP)
