"""School census days, and the SEN provision code a child's plans call for on one.

Source: DfE, "School census: guide" for each year (the census dates): the autumn census is taken on the first Thursday
of October, the spring census on the third Thursday of January, and the summer census on the third Thursday of May.
The SEN provision codes are the census's: E for a child with an EHC plan (Children and Families Act 2014, s37), K for
SEN support, N for no special educational need.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from provision_ledger.rules.legal_force import PlanKind

THURSDAY = 3


def _nth_thursday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(THURSDAY - first.weekday()) % 7 + 7 * (n - 1))


@dataclass(frozen=True)
class CensusDay:
    term: str  # autumn, spring or summer
    day: date

    @property
    def label(self) -> str:
        return f"{self.term.capitalize()} census, {self.day:%A %-d %B %Y}"


def census_days(year: int) -> list[CensusDay]:
    """The census days of a calendar year, in order."""
    return [
        CensusDay("spring", _nth_thursday(year, 1, 3)),
        CensusDay("summer", _nth_thursday(year, 5, 3)),
        CensusDay("autumn", _nth_thursday(year, 10, 1)),
    ]


def next_census_day(today: date) -> CensusDay:
    """The census day on or after today."""
    return next(c for year in (today.year, today.year + 1) for c in census_days(year) if c.day >= today)


# A plan of each kind, in force on census day, calls for this SEN provision code. Statements and School Action
# plans belong to the system before 2014 (statements were all to be transferred to EHC plans by 1 April 2018), so the
# census has no code for them: a child with one in force on census day has a plan to review, not a code to return.
PROVISION_FOR_PLAN = {PlanKind.EHC_PLAN: "E", PlanKind.SEN_SUPPORT: "K"}


def provision_for(plan_kind: str | None) -> str | None:
    """The census code the plan in force calls for: N with none; None for a pre-2014 plan (no census code)."""
    if plan_kind is None:
        return "N"
    return PROVISION_FOR_PLAN.get(PlanKind(plan_kind))
