"""Indicative hourly rates, for putting a value on time owed. Configurable per authority; these are defaults.

Only a rate the domain sheet supports is given a default. The sheet (docs/domain-england.md §4) derives the cost
of one hour a week of teaching-assistant time for a year as £750 at NJC spinal column point 4, 2025/26, with about
27.7% on-costs, over 45 paid weeks [F11][F12][F13][F14][F15]: £750 ÷ 45 = £16.67 an hour. For other roles (HLTA,
teacher, therapists, psychologists) the sheet gives no figure, so there is no default: an authority sets its own.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

TA_HOURLY_COST = (Decimal(750) / 45).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
TA_RATE_SOURCE = (
    "£750 a year for one hour a week of teaching-assistant time (NJC SCP4, 2025/26, with on-costs) over 45 paid weeks"
)
DEFAULT_HOURLY_RATES: dict[str, tuple[Decimal, str]] = {"ta": (TA_HOURLY_COST, TA_RATE_SOURCE)}


def indicative_value(owed_minutes: int, hourly_rate: Decimal | None) -> Decimal | None:
    """The cost of buying back the time owed at the rate, to the penny; None when there is no rate."""
    if hourly_rate is None:
        return None
    return (Decimal(owed_minutes) / 60 * hourly_rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def hours(minutes: int) -> Decimal:
    """Minutes as hours to one decimal place, as letters state time owed."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
