"""Compliance, owed minutes and status."""

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provision_ledger.rules.compliance import (
    DEFAULT_MAKE_UP_POLICY,
    DeliveryTotals,
    LineAssessment,
    MakeUpPolicy,
    MissReason,
    SessionStatus,
    Status,
    Thresholds,
    assess,
    compliance,
    owed_minutes,
    status,
)
from provision_ledger.rules.delivery import Expected

# The project-wide conftest adds a harmless function-scoped autouse fixture.
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def totals(delivered: int, **missed: int) -> DeliveryTotals:
    return DeliveryTotals(
        delivered_sessions=0,
        delivered_minutes=delivered,
        missed_minutes={MissReason(reason): minutes for reason, minutes in missed.items()},
    )


RECORDED_ONLY = MakeUpPolicy(owed_reasons=DEFAULT_MAKE_UP_POLICY.owed_reasons, unrecorded_owed=False)


# Labels and defaults


def test_miss_reasons_read_as_plain_english() -> None:
    assert [r.label for r in MissReason] == [
        "Staff absent",
        "Staff redeployed to other duties",
        "Child absent",
        "Child declined",
        "School closure or event",
        "Other reason",
    ]


def test_by_default_provider_caused_misses_are_owed_and_the_childs_are_not() -> None:
    assert DEFAULT_MAKE_UP_POLICY.owed_reasons == frozenset(
        {MissReason.STAFF_ABSENT, MissReason.STAFF_REDEPLOYED, MissReason.SCHOOL_CLOSURE, MissReason.OTHER}
    )
    assert DEFAULT_MAKE_UP_POLICY.unrecorded_owed


def test_statuses_read_as_plain_english_and_sort_worst_first() -> None:
    assert [s.label for s in Status] == ["On track", "At risk", "In breach", "Not due yet"]
    assert sorted(Status, key=lambda s: s.severity, reverse=True) == [
        Status.BREACH,
        Status.AT_RISK,
        Status.ON_TRACK,
        Status.NOT_DUE,
    ]


def test_default_thresholds_are_ninety_and_seventy_five_percent() -> None:
    assert Thresholds() == Thresholds(on_track=Fraction(9, 10), at_risk=Fraction(3, 4))


@pytest.mark.parametrize(
    ("on_track", "at_risk"),
    [
        (Fraction(3, 4), Fraction(9, 10)),
        (Fraction(11, 10), Fraction(3, 4)),
        (Fraction(9, 10), Fraction(-1, 10)),
    ],
)
def test_inconsistent_thresholds_are_refused(on_track: Fraction, at_risk: Fraction) -> None:
    with pytest.raises(ValueError, match="at risk"):
        Thresholds(on_track=on_track, at_risk=at_risk)


def test_equal_thresholds_are_allowed() -> None:
    assert Thresholds(on_track=Fraction(1), at_risk=Fraction(1)).at_risk == 1


# Totals


def test_totals_from_sessions_count_part_delivery_as_delivered_and_its_gap_as_missed() -> None:
    rows = [
        (SessionStatus.DELIVERED, 30, 30, None),
        (SessionStatus.PART_DELIVERED, 30, 20, MissReason.STAFF_ABSENT),
        (SessionStatus.NOT_DELIVERED, 30, 0, MissReason.CHILD_ABSENT),
        (SessionStatus.NOT_DELIVERED, 30, 0, MissReason.STAFF_ABSENT),
        (SessionStatus.NOT_DELIVERED, 30, 0, None),  # unexplained: not in missed_minutes
    ]
    assert DeliveryTotals.from_sessions(rows) == DeliveryTotals(
        delivered_sessions=2,
        delivered_minutes=50,
        missed_minutes={MissReason.STAFF_ABSENT: 40, MissReason.CHILD_ABSENT: 30},
        recorded_sessions=5,
    )


def test_totals_refuse_negative_minutes() -> None:
    with pytest.raises(ValueError, match="negative"):
        DeliveryTotals.from_sessions([(SessionStatus.DELIVERED, 30, -5, None)])


# Compliance


def test_compliance_is_delivered_over_expected_minutes() -> None:
    assert compliance(Fraction(60), 54) == Fraction(9, 10)


def test_over_delivery_shows_as_more_than_one() -> None:
    assert compliance(Fraction(60), 66) == Fraction(11, 10)


def test_compliance_is_none_when_nothing_is_expected() -> None:
    assert compliance(Fraction(0), 30) is None


# Owed minutes


def test_the_childs_absence_excuses_the_provider() -> None:
    assert owed_minutes(Fraction(300), totals(150, child_absent=60), DEFAULT_MAKE_UP_POLICY) == 90


def test_staff_absence_is_owed() -> None:
    assert owed_minutes(Fraction(300), totals(150, staff_absent=60), DEFAULT_MAKE_UP_POLICY) == 150


def test_an_unexplained_shortfall_is_owed_by_default() -> None:
    assert owed_minutes(Fraction(300), totals(150), DEFAULT_MAKE_UP_POLICY) == 150


def test_a_school_may_owe_only_misses_recorded_for_an_owed_reason() -> None:
    assert owed_minutes(Fraction(300), totals(150, staff_absent=60, child_absent=30), RECORDED_ONLY) == 60


def test_recorded_misses_never_owe_more_than_the_unexcused_shortfall() -> None:
    assert owed_minutes(Fraction(300), totals(250, staff_absent=90, child_absent=30), RECORDED_ONLY) == 20


def test_over_delivery_owes_nothing() -> None:
    assert owed_minutes(Fraction(300), totals(330), DEFAULT_MAKE_UP_POLICY) == 0


def test_owed_minutes_are_rounded_down_to_whole_minutes() -> None:
    assert owed_minutes(Fraction(1080, 71), totals(0), DEFAULT_MAKE_UP_POLICY) == 15


# Status


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        (Fraction(11, 10), Status.ON_TRACK),
        (Fraction(9, 10), Status.ON_TRACK),
        (Fraction(899, 1000), Status.AT_RISK),
        (Fraction(3, 4), Status.AT_RISK),
        (Fraction(749, 1000), Status.BREACH),
        (Fraction(0), Status.BREACH),
        (None, Status.NOT_DUE),
    ],
)
def test_status_grades_compliance_against_the_thresholds(ratio: Fraction | None, expected: Status) -> None:
    assert status(ratio, Thresholds()) == expected


# Assessment


def assessment(ratio: Fraction | None) -> LineAssessment:
    return LineAssessment(ZERO_EXPECTED, 0, 0, 0, ratio, Status.NOT_DUE)


ZERO_EXPECTED = Expected(Fraction(0), Fraction(0))


@pytest.mark.parametrize(
    ("ratio", "percent"),
    [
        (Fraction(1, 30), 3),
        (Fraction(1, 200), 1),  # exactly half a per cent rounds up
        (Fraction(2, 3), 67),
        (Fraction(11, 10), 110),
        (None, None),
    ],
)
def test_percent_is_compliance_rounded_half_up(ratio: Fraction | None, percent: int | None) -> None:
    assert assessment(ratio).percent == percent


def test_assess_brings_expected_delivered_owed_and_status_together() -> None:
    expected = Expected(Fraction(10), Fraction(300))
    delivered = DeliveryTotals.from_sessions(
        [(SessionStatus.DELIVERED, 30, 30, None)] * 7
        + [(SessionStatus.NOT_DELIVERED, 30, 0, MissReason.CHILD_ABSENT)] * 2
        + [(SessionStatus.NOT_DELIVERED, 30, 0, MissReason.STAFF_REDEPLOYED)]
    )
    result = assess(expected, delivered)
    assert result == LineAssessment(
        expected=expected,
        delivered_sessions=7,
        delivered_minutes=210,
        owed_minutes=30,
        compliance=Fraction(7, 10),
        status=Status.BREACH,
        recorded_sessions=10,
        missed_minutes=90,
    )
    assert result.percent == 70
    assert (result.missed_sessions, result.not_recorded_sessions, result.not_recorded_minutes) == (3, 0, 0)


def test_expected_sessions_with_no_entry_are_counted_as_not_recorded() -> None:
    """49 sessions promised, 1 delivered and 4 recorded as missed: the other 44 have no entry at all."""
    expected = Expected(Fraction(49), Fraction(49 * 30))
    rows = [(SessionStatus.DELIVERED, 30, 30, None)]
    rows += [(SessionStatus.NOT_DELIVERED, 30, 0, MissReason.STAFF_REDEPLOYED)] * 4
    result = assess(expected, DeliveryTotals.from_sessions(rows))
    assert (result.delivered_sessions, result.missed_sessions, result.not_recorded_sessions) == (1, 4, 44)
    assert result.not_recorded_minutes == 44 * 30
    # By default a gap nobody explained is owed: the four redeployments and the 44 unrecorded sessions.
    assert result.owed_minutes == 48 * 30


def test_assess_with_nothing_expected_is_not_due() -> None:
    result = assess(ZERO_EXPECTED, totals(0))
    assert result.status == Status.NOT_DUE
    assert result.owed_minutes == 0
    assert result.percent is None


# Properties


MINUTES = st.integers(min_value=0, max_value=5000)
# Fractions built from integers: quicker to draw than st.fractions. The denominators are typical
# school-day counts, as in a per-term or per-year line's expected minutes.
EXPECTED_MINUTES = st.builds(
    Fraction, st.integers(min_value=0, max_value=100_000), st.sampled_from([1, 5, 54, 71, 192])
)
MISSED = st.dictionaries(st.sampled_from(MissReason), st.integers(min_value=0, max_value=2000))
TOTALS = st.builds(DeliveryTotals, st.integers(min_value=0, max_value=100), MINUTES, MISSED)
POLICIES = st.builds(MakeUpPolicy, st.frozensets(st.sampled_from(MissReason)), st.booleans())
RATIOS = st.builds(Fraction, st.integers(min_value=0, max_value=2000), st.just(1000))
PERCENTS = st.integers(min_value=0, max_value=100)


@st.composite
def thresholds(draw: st.DrawFn) -> Thresholds:
    low, high = sorted((draw(PERCENTS), draw(PERCENTS)))
    return Thresholds(on_track=Fraction(high, 100), at_risk=Fraction(low, 100))


THRESHOLDS = thresholds()


@PROPERTY
@given(expected=EXPECTED_MINUTES, delivered=TOTALS, policy=POLICIES)
def test_owed_minutes_are_never_negative_nor_more_than_the_shortfall(
    expected: Fraction, delivered: DeliveryTotals, policy: MakeUpPolicy
) -> None:
    owed = owed_minutes(expected, delivered, policy)
    assert 0 <= owed <= max(expected - delivered.delivered_minutes, Fraction(0))


@PROPERTY
@given(expected=EXPECTED_MINUTES, delivered=TOTALS, policy=POLICIES)
def test_owing_only_recorded_misses_never_owes_more_than_owing_unrecorded_ones_too(
    expected: Fraction, delivered: DeliveryTotals, policy: MakeUpPolicy
) -> None:
    strict = MakeUpPolicy(policy.owed_reasons, unrecorded_owed=False)
    lenient = MakeUpPolicy(policy.owed_reasons, unrecorded_owed=True)
    assert owed_minutes(expected, delivered, strict) <= owed_minutes(expected, delivered, lenient)


@PROPERTY
@given(a=RATIOS, b=RATIOS, limits=THRESHOLDS)
def test_a_higher_compliance_ratio_never_has_a_worse_status(a: Fraction, b: Fraction, limits: Thresholds) -> None:
    lower, higher = sorted((a, b))
    assert status(higher, limits).severity <= status(lower, limits).severity


@PROPERTY
@given(ratio=RATIOS)
def test_percent_is_within_half_a_point_of_compliance(ratio: Fraction) -> None:
    percent = assessment(ratio).percent
    assert percent is not None
    assert -Fraction(1, 2) < percent - ratio * 100 <= Fraction(1, 2)


def test_a_window_that_has_not_yet_expected_a_whole_session_is_not_due_yet_and_owes_nothing() -> None:
    """A line of 2 sessions a week on its second day: 0.4 of a session expected, none delivered."""
    result = assess(Expected(Fraction(2, 5), Fraction(12)), DeliveryTotals.from_sessions([]))
    assert (result.status, result.percent, result.owed_minutes, result.not_recorded_sessions) == (
        Status.NOT_DUE,
        None,
        0,
        0,
    )
