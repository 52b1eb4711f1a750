"""Numbers as people read them: an authority's totals run to millions, and still read at a glance."""

from __future__ import annotations

from decimal import Decimal

from provision_ledger.core.templatetags.ledger import duration, thousands
from provision_ledger.money.templatetags.money_tags import hours


def test_thousands_groups_counts_and_owed_hours_with_commas():
    assert [thousands(35_505), thousands(290), thousands(Decimal("87735.6")), thousands(None)] == [
        "35,505",
        "290",
        "87,735.6",
        "–",
    ]


def test_a_years_duration_across_an_authority_groups_its_hours():
    assert duration(3_871_609 * 60 + 52) == "3,871,609 hours 52 minutes"
    assert [duration(150), duration(45), duration(60), duration(0)] == [
        "2 hours 30 minutes",
        "45 minutes",
        "1 hour",
        "none",
    ]


def test_hours_to_one_place_never_in_scientific_notation():
    assert [hours(90), hours(120), hours(60), hours(60_000_000), hours(0)] == [
        "1.5 hours",
        "2 hours",
        "1 hour",
        "1,000,000 hours",
        "0 hours",
    ]
