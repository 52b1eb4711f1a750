from datetime import date
from decimal import Decimal

import pytest

from provision_ledger.rules.outcomes import (
    MIN_CHILDREN_FOR_A_FIGURE,
    Measure,
    Scale,
    Shown,
    Support,
    independence,
    progress_fraction,
    progress_per_ten_hours,
    publishable,
)

D = Decimal


def test_progress_is_the_share_of_the_way_from_baseline_to_target():
    assert progress_fraction(D(2), D(8), D(5)) == D("0.5")
    assert progress_fraction(D(2), D(8), D(2)) == 0
    assert progress_fraction(D(2), D(8), D(11)) == D("1.5")


def test_progress_towards_a_lower_target_counts_as_progress():
    # Incidents a week from 10 down to 2: 6 a week is half way.
    assert progress_fraction(D(10), D(2), D(6)) == D("0.5")


def test_a_target_equal_to_the_baseline_is_refused():
    with pytest.raises(ValueError, match="must differ from the baseline"):
        progress_fraction(D(3), D(3), D(4))


def test_half_way_after_twenty_hours_is_twenty_five_points_per_ten_hours():
    assert progress_per_ten_hours(D("0.5"), 20 * 60) == 25


def test_progress_with_no_time_delivered_has_no_dose_figure():
    assert progress_per_ten_hours(D("0.5"), 0) is None


def test_a_figure_needs_five_children_by_default_and_the_threshold_can_be_set():
    assert MIN_CHILDREN_FOR_A_FIGURE == 5
    assert [publishable(n) for n in (4, 5)] == [False, True]
    assert publishable(4, threshold=3) is True


def test_a_step_outside_the_scale_is_refused_with_the_scale():
    with pytest.raises(ValueError, match=r"The value 9 is outside the scale of this measure \(0 to 8\)"):
        Scale(Measure.STEPS, D(0), D(8)).check(D(9))


def test_a_half_step_is_refused():
    with pytest.raises(ValueError, match=r"must be a whole step or level, not 2\.5"):
        Scale(Measure.STEPS, D(0), D(8)).check(D("2.5"))


def test_a_milestone_is_achieved_or_not_yet():
    scale = Scale(Measure.MILESTONE)
    scale.check(D(1))
    with pytest.raises(ValueError, match=r"must be 1 \(achieved\) or 0 \(not yet\)"):
        scale.check(D(2))


def test_an_observation_takes_no_value():
    with pytest.raises(ValueError, match="not used for a free-text observation"):
        Scale(Measure.OBSERVATION).check(D(1))


def test_a_skill_shown_only_with_one_to_one_support_holds_only_with_support():
    found = independence(
        [
            Shown(date(2025, 10, 1), D(3), Support.INDEPENDENT),
            Shown(date(2026, 2, 1), D(6), Support.ONE_TO_ONE),
            Shown(date(2026, 3, 1), D(5), Support.PROMPTS),
        ]
    )
    assert (found.best_independent, found.best_supported, found.support_for_best) == (D(3), D(6), Support.ONE_TO_ONE)
    assert found.holds_only_with_support is True


def test_a_skill_later_shown_independently_does_not_depend_on_support():
    found = independence(
        [Shown(date(2026, 2, 1), D(6), Support.ONE_TO_ONE), Shown(date(2026, 4, 1), D(6), Support.INDEPENDENT)]
    )
    assert found.holds_only_with_support is False


def test_a_skill_never_shown_independently_holds_only_with_support():
    found = independence([Shown(date(2026, 2, 1), D(1), Support.PROMPTS)])
    assert (found.best_independent, found.holds_only_with_support) == (None, True)
