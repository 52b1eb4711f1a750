"""Indicative rates, for costing provision and putting a value on time owed. Configurable per authority and school;
these are defaults, each for one financial year.

Only a rate with a sourced figure is given a default: one hour a week of teaching-assistant time costs about £750
for a year at NJC spinal column point 4 in 2025-26, with about 27.7 % employer costs (National Insurance and
pension), over 45 paid weeks (NJC pay award 2025; term-time pay under the Green Book). It is spread over the 38
weeks children are in school, so an hour with the child costs £750 ÷ 38 = £19.74. For other roles (HLTA, teacher,
therapists, psychologists) there is no sourced figure, so there is no default: an authority sets its own. A later
financial year has no default until one is set: the pay award changes every April.
"""

from __future__ import annotations

from decimal import Decimal

from provision_ledger.rules.costing import CONTACT_WEEKS, Rate, at_hourly_rate

DEFAULT_YEAR = 2025  # 2025-26
TA_ANNUAL_COST = Decimal(750)
TA_RATE = Rate(TA_ANNUAL_COST, CONTACT_WEEKS)
# Kept for the working letters and pages show: the contact-hour rate, unrounded.
TA_HOURLY_COST = TA_RATE.per_contact_hour
TA_RATE_SOURCE = (
    "£750 a year for one hour a week of teaching-assistant time (NJC point 4, 2025-26, with employer costs), "
    "spread over the 38 weeks children are in school"
)
# (role, financial year) → (rate, source).
DEFAULT_RATES: dict[tuple[str, int], tuple[Rate, str]] = {("ta", DEFAULT_YEAR): (TA_RATE, TA_RATE_SOURCE)}


def indicative_value(owed_minutes: int, hourly_rate: Decimal | None) -> Decimal | None:
    """The cost of buying back the time owed at the contact-hour rate, to the penny; None when there is no rate."""
    if hourly_rate is None:
        return None
    return at_hourly_rate(owed_minutes, hourly_rate)
