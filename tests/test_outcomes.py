"""Outcomes, progress entries, dose and response, and the annual review pack."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from provision_ledger.audit.models import AuditEvent
from provision_ledger.outcomes import actions
from provision_ledger.outcomes.models import ProgressEntry
from provision_ledger.outcomes.queries import dose_response, outcome_progress
from tests.factories import (
    make_child,
    make_line,
    make_outcome,
    make_parent,
    make_plan,
    make_progress,
    make_session,
)

pytestmark = pytest.mark.django_db


def _child_with_progress(school, senco, name: str, delivered_days: int, reached: int):
    """A child whose outcome moved from step 2 to `reached` after `delivered_days` 30-minute sessions."""
    child = make_child(school, first_name=name)
    plan = make_plan(child, senco)
    line = make_line(plan, senco, description="Motor Skills programme", category="sensory_physical")
    outcome = make_outcome(plan, senco, line)
    days = [date(2025, 9, 8 + i) for i in range(delivered_days)] if delivered_days <= 5 else []
    for day in days:
        make_session(line, senco, day)
    make_progress(outcome, senco, date(2025, 9, 15), reached)
    return child, outcome


def test_school_figure_is_average_progress_per_ten_hours_with_the_children_behind_it(school, senco):
    # Five children, each 2 sessions (1 hour) then half way (step 5 of 2→8): 50 points an hour, 500 per 10 hours.
    for name in ("Ann", "Ben", "Cal", "Dee", "Eve"):
        _child_with_progress(school, senco, name, delivered_days=2, reached=5)
    [figure] = dose_response([school.pk], threshold=5)
    assert (figure.category_label, figure.children, figure.outcomes, figure.per_ten_hours) == (
        "Sensory and/or physical",
        5,
        5,
        500.0,
    )


def test_no_figure_is_shown_for_fewer_children_than_the_threshold(school, senco):
    for name in ("Ann", "Ben", "Cal", "Dee"):
        _child_with_progress(school, senco, name, delivered_days=4, reached=8)
    [figure] = dose_response([school.pk], threshold=5)
    assert (figure.children, figure.per_ten_hours) == (4, None)
    assert dose_response([school.pk], threshold=4)[0].per_ten_hours == 500.0


def test_a_value_outside_the_scale_is_refused_and_nothing_is_recorded(school, senco, child):
    outcome = make_outcome(make_plan(child, senco), senco)
    with pytest.raises(ValidationError) as refused:
        make_progress(outcome, senco, date(2025, 10, 1), 9)
    assert refused.value.message_dict == {"value": ["The value 9 is outside the scale of this measure (0 to 8)."]}
    assert ProgressEntry.objects.count() == 0


def test_a_voided_entry_stays_in_the_record_audited_and_no_longer_counts(school, senco, child):
    outcome = make_outcome(make_plan(child, senco), senco)
    entry = make_progress(outcome, senco, date(2025, 10, 1), 6)
    actions.void_progress(entry=entry, by=senco, reason="Recorded against the wrong child")
    [progress] = outcome_progress([outcome], date(2025, 9, 1), date(2025, 10, 31))
    assert (progress.latest, [e.pk for e in progress.voided]) == (None, [entry.pk])
    event = AuditEvent.objects.filter(object_type="progressentry", action="void").get()
    assert event.reason == "Recorded against the wrong child"


def test_a_parent_observation_carries_no_support_level(school, senco, child):
    outcome = make_outcome(make_plan(child, senco), senco)
    parent = make_parent(child)
    entry = actions.add_home_observation(
        outcome=outcome, by=parent, date=date(2025, 10, 4), note="Used the timetable at home", today=date(2025, 10, 5)
    )
    assert (entry.source, entry.support, entry.value) == ("home", "", None)


def test_months_show_delivered_minutes_beside_the_last_value(school, senco, child):
    plan = make_plan(child, senco)
    line = make_line(plan, senco)
    outcome = make_outcome(plan, senco, line)
    make_session(line, senco, date(2025, 9, 10))
    make_session(line, senco, date(2025, 9, 12), status="part_delivered", delivered_minutes=10, reason="staff_absent")
    make_progress(outcome, senco, date(2025, 9, 20), 3, support="prompts")
    make_progress(outcome, senco, date(2025, 10, 20), 5, support="one_to_one")
    [progress] = outcome_progress([outcome], date(2025, 9, 1), date(2025, 10, 31))
    assert [(m.month, m.delivered_minutes, m.value, m.support) for m in progress.months] == [
        (date(2025, 9, 1), 40, Decimal(3), "prompts"),
        (date(2025, 10, 1), 0, Decimal(5), "one_to_one"),
    ]
    assert progress.independence_sentence == (
        "Oliver plans his day with a visual timetable: step 5 of 8 shown only with 1:1 adult support; "
        "never yet shown independently."
    )
