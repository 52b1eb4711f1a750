"""Minutes read as hours the same way everywhere: one decimal place, halves rounded up."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from provision_ledger.money.templatetags.money_tags import hours as hours_filter
from provision_ledger.rules.costing import CostPart, Rate
from provision_ledger.rules.units import hours


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (0, Decimal("0.0")),
        (15, Decimal("0.3")),  # 0.25 hours: half up, where rounding half to even would give 0.2
        (45, Decimal("0.8")),
        (90, Decimal("1.5")),
        (Fraction(27, 2), Decimal("0.2")),  # 13.5 minutes is 0.225 hours
        (Decimal("3"), Decimal("0.1")),  # 0.05 hours
    ],
)
def test_minutes_read_as_hours_to_one_decimal_place_with_halves_rounded_up(minutes, expected):
    assert hours(minutes) == expected


def test_a_page_a_costing_and_a_letter_read_the_same_fifteen_minutes_alike():
    part = CostPart("ta", 2025, Fraction(15), 1, Rate(Decimal(750)))

    assert (hours_filter(15), part.hours, hours(15)) == ("0.3 hours", Decimal("0.3"), Decimal("0.3"))
