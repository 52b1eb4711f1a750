"""Compliance, owed time and status: how delivery compares with what a line promised.

- Compliance is minutes delivered divided by minutes expected. It is not capped, so over-delivery
  shows as more than 100 %.
- Owed minutes are the shortfall the provider still has to make up, after excusing misses the
  school's make-up policy does not owe (by default, the child's absence or refusal).
- Status grades compliance against the school's thresholds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from provision_ledger.rules.delivery import Expected
from provision_ledger.rules.reporting import whole


class SessionStatus(StrEnum):
    DELIVERED = "delivered"
    PART_DELIVERED = "part_delivered"
    NOT_DELIVERED = "not_delivered"


class MissReason(StrEnum):
    STAFF_ABSENT = "staff_absent"
    STAFF_REDEPLOYED = "staff_redeployed"
    CHILD_ABSENT = "child_absent"
    CHILD_DECLINED = "child_declined"
    SCHOOL_CLOSURE = "school_closure"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _MISS_REASON_LABELS[self]


_MISS_REASON_LABELS: dict[MissReason, str] = {
    MissReason.STAFF_ABSENT: "Staff absent",
    MissReason.STAFF_REDEPLOYED: "Staff redeployed to other duties",
    MissReason.CHILD_ABSENT: "Child absent",
    MissReason.CHILD_DECLINED: "Child declined",
    MissReason.SCHOOL_CLOSURE: "School closure or event",
    MissReason.OTHER: "Other reason",
}


@dataclass(frozen=True)
class MakeUpPolicy:
    """Which misses the provider must make up. School policy, configurable per school.

    owed_reasons: misses recorded with these reasons are still owed to the child.
    unrecorded_owed: whether a shortfall with no recorded reason is owed too.
    """

    owed_reasons: frozenset[MissReason]
    unrecorded_owed: bool = True


# The product brief's default: misses the provider caused are owed, the child's absence is not.
# OTHER is owed: the provider chose not to give one of the listed reasons, and a miss it cannot
# explain should not be excused at the child's expense.
DEFAULT_MAKE_UP_POLICY = MakeUpPolicy(
    owed_reasons=frozenset(
        {MissReason.STAFF_ABSENT, MissReason.STAFF_REDEPLOYED, MissReason.SCHOOL_CLOSURE, MissReason.OTHER}
    )
)


@dataclass(frozen=True)
class Thresholds:
    """Compliance at or above on_track is on track; at or above at_risk is at risk; below is a breach."""

    on_track: Fraction = Fraction(9, 10)
    at_risk: Fraction = Fraction(3, 4)

    def __post_init__(self) -> None:
        if not 0 <= self.at_risk <= self.on_track <= 1:
            raise ValueError(
                "Thresholds must satisfy 0 ≤ at risk ≤ on track ≤ 100 %; "
                f"got at risk {self.at_risk}, on track {self.on_track}."
            )


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BREACH = "breach"
    NOT_DUE = "not_due"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def severity(self) -> int:
        """Higher is worse, so sorting by descending severity puts breaches first."""
        return _STATUS_SEVERITY[self]


_STATUS_LABELS: dict[Status, str] = {
    Status.ON_TRACK: "On track",
    Status.AT_RISK: "At risk",
    Status.BREACH: "In breach",
    Status.NOT_DUE: "Not due yet",
}
_STATUS_SEVERITY: dict[Status, int] = {
    Status.NOT_DUE: 0,
    Status.ON_TRACK: 1,
    Status.AT_RISK: 2,
    Status.BREACH: 3,
}


@dataclass(frozen=True)
class DeliveryTotals:
    """What the record says happened in a window.

    missed_minutes, per reason: a not-delivered session's planned minutes, or a part-delivered
    session's planned minus delivered minutes. A miss with no reason recorded is not in it.
    """

    delivered_sessions: int
    delivered_minutes: int
    missed_minutes: Mapping[MissReason, int]
    recorded_sessions: int = 0  # every entry that stands, delivered or not: what is not here was never recorded

    @classmethod
    def from_sessions(cls, sessions: Iterable[tuple[SessionStatus, int, int, MissReason | None]]) -> DeliveryTotals:
        """Totals from (status, planned minutes, delivered minutes, reason) rows.

        For unit use: in production the database produces the same totals by aggregation.
        A part-delivered session counts as a delivered session (it took place).
        """
        delivered_sessions = 0
        delivered_minutes = 0
        recorded = 0
        missed: dict[MissReason, int] = {}
        for status, planned, delivered, reason in sessions:
            recorded += 1
            if planned < 0 or delivered < 0:
                raise ValueError("Planned and delivered minutes cannot be negative.")
            if status is SessionStatus.NOT_DELIVERED:
                gap = planned
            else:
                delivered_sessions += 1
                delivered_minutes += delivered
                gap = max(planned - delivered, 0) if status is SessionStatus.PART_DELIVERED else 0
            if gap and reason is not None:
                missed[reason] = missed.get(reason, 0) + gap
        return cls(delivered_sessions, delivered_minutes, missed, recorded)


def whole_percent(ratio: Fraction | None) -> int | None:
    """A compliance ratio as a whole percentage, rounded half up (e.g. 1/30 gives 3); None if nothing is due."""
    if ratio is None:
        return None
    return math.floor(ratio * 100 + Fraction(1, 2))


def compliance(expected_minutes: Fraction, delivered_minutes: int) -> Fraction | None:
    """Delivered divided by expected minutes; None when nothing is expected. Not capped at 1."""
    if expected_minutes <= 0:
        return None
    return Fraction(delivered_minutes) / expected_minutes


def owed_minutes(expected_minutes: Fraction, totals: DeliveryTotals, policy: MakeUpPolicy) -> int:
    """Whole minutes the provider still owes the child, never negative, rounded down.

    The shortfall is expected minus delivered. Minutes recorded as missed for a reason the policy
    does not owe (by default the child's absence or refusal) are excused and come off it.

    By default (unrecorded_owed) the rest is owed, including any gap nobody explained: the
    record is the provider's to keep, so an unexplained gap is the provider's. A school may
    instead owe only minutes explicitly recorded as missed for an owed reason; even then the
    result is never more than the shortfall left after excused misses.
    """
    excused = sum(m for r, m in totals.missed_minutes.items() if r not in policy.owed_reasons)
    recorded = sum(m for r, m in totals.missed_minutes.items() if r in policy.owed_reasons)
    return owed_from_sums(
        expected_minutes.numerator,
        expected_minutes.denominator,
        totals.delivered_minutes,
        excused,
        None if policy.unrecorded_owed else recorded,
    )


def due_from_sums(expected_sessions_numerator: int, expected_sessions_denominator: int) -> bool:
    """Whether a window has expected at least one whole session, its expected sessions given as a fraction."""
    return expected_sessions_numerator >= expected_sessions_denominator


def owed_from_sums(
    expected_numerator: int, expected_denominator: int, delivered: int, excused: int, owed_recorded: int | None
) -> int:
    """`owed_minutes` from sums alone: expected minutes as a fraction, delivered and excused minutes, and — when the
    policy owes only what was recorded as missed for an owed reason — those minutes (None: every gap is owed).

    Whole numbers only, so the authority's figures over tens of thousands of lines use this same rule cheaply.
    """
    owed = (expected_numerator - (delivered + excused) * expected_denominator) // expected_denominator  # floor
    if owed_recorded is not None:
        owed = min(owed, owed_recorded)
    return max(owed, 0)


def status(compliance_ratio: Fraction | None, thresholds: Thresholds) -> Status:
    if compliance_ratio is None:
        return Status.NOT_DUE
    return status_from_sums(compliance_ratio.denominator, compliance_ratio.numerator, 1, thresholds)


def status_from_sums(
    expected_numerator: int, delivered: int, expected_denominator: int, thresholds: Thresholds
) -> Status:
    """`status` from sums alone: delivered minutes against expected minutes given as a fraction."""
    if expected_numerator <= 0:
        return Status.NOT_DUE
    # delivered ÷ (numerator ÷ denominator) ≥ threshold, cross-multiplied to stay in whole numbers
    scaled = delivered * expected_denominator
    if scaled * thresholds.on_track.denominator >= thresholds.on_track.numerator * expected_numerator:
        return Status.ON_TRACK
    if scaled * thresholds.at_risk.denominator >= thresholds.at_risk.numerator * expected_numerator:
        return Status.AT_RISK
    return Status.BREACH


@dataclass(frozen=True)
class LineAssessment:
    expected: Expected
    delivered_sessions: int
    delivered_minutes: int
    owed_minutes: int
    compliance: Fraction | None
    status: Status
    recorded_sessions: int = 0
    missed_minutes: int = 0  # recorded as missed or cut short, whatever the reason

    @property
    def percent(self) -> int | None:
        return whole_percent(self.compliance)

    @property
    def missed_sessions(self) -> int:
        """Entries that say a session did not happen (a session cut short took place, so it is delivered)."""
        return self.recorded_sessions - self.delivered_sessions

    @property
    def not_recorded_sessions(self) -> int:
        """Sessions expected with no entry at all: nobody has said whether they happened."""
        return max(whole(self.expected.sessions) - self.recorded_sessions, 0)

    @property
    def not_recorded_minutes(self) -> int:
        """Expected minutes that no entry accounts for, delivered or missed, rounded down."""
        return max(math.floor(self.expected.minutes) - self.delivered_minutes - self.missed_minutes, 0)


def assess(
    expected: Expected,
    totals: DeliveryTotals,
    policy: MakeUpPolicy = DEFAULT_MAKE_UP_POLICY,
    thresholds: Thresholds = Thresholds(),  # frozen, so one shared default is safe
) -> LineAssessment:
    """Everything a report shows for one line over one window.

    Until the window has expected a whole session (a weekly line on its second day, a termly one mid-term), nothing
    is due yet: the session may still come in the days the period has left, so there is no compliance to grade and
    nothing owed.
    """
    if not due_from_sums(expected.sessions.numerator, expected.sessions.denominator):
        ratio, owed = None, 0
    else:
        ratio, owed = (
            compliance(expected.minutes, totals.delivered_minutes),
            owed_minutes(expected.minutes, totals, policy),
        )
    return LineAssessment(
        expected=expected,
        delivered_sessions=totals.delivered_sessions,
        delivered_minutes=totals.delivered_minutes,
        owed_minutes=owed,
        compliance=ratio,
        status=status(ratio, thresholds),
        recorded_sessions=totals.recorded_sessions,
        missed_minutes=sum(totals.missed_minutes.values()),
    )
