from datetime import date

import pytest

from provision_ledger.rules.reviews import Step, review_steps

MEETING = date(2026, 3, 18)  # a Wednesday


def test_invitations_and_advice_are_due_two_weeks_before_and_the_report_two_weeks_after():
    steps = {s.step: s.due for s in review_steps(MEETING)}
    assert steps == {
        Step.INVITATIONS: date(2026, 3, 4),
        Step.ADVICE: date(2026, 3, 4),
        Step.MEETING: MEETING,
        Step.REPORT: date(2026, 4, 1),
        Step.DECISION: date(2026, 4, 15),
    }


def test_each_recorded_step_says_whether_it_was_on_time():
    steps = review_steps(MEETING, invitations_sent=date(2026, 3, 4), advice_circulated=date(2026, 3, 9))
    assert [s.plain for s in steps[:2]] == [
        "Invitations sent: Wednesday 4 March 2026, on time (due by Wednesday 4 March 2026).",
        "Advice circulated: Monday 9 March 2026, late (due by Wednesday 4 March 2026).",
    ]


def test_a_report_due_and_not_recorded_is_overdue_the_day_after():
    report = review_steps(MEETING)[3]
    assert (report.overdue(date(2026, 4, 1)), report.overdue(date(2026, 4, 2))) == (False, True)


def test_invitations_after_the_meeting_are_refused():
    with pytest.raises(ValueError, match=r"invitations \(Thursday 19 March 2026\) are recorded after the meeting"):
        review_steps(MEETING, invitations_sent=date(2026, 3, 19))


def test_a_report_before_the_meeting_is_refused():
    with pytest.raises(ValueError, match=r"review report \(Tuesday 17 March 2026\) is before the review meeting"):
        review_steps(MEETING, report_sent=date(2026, 3, 17))
