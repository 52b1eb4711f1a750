"""Statutory clocks, with every date worked by hand from the rules in clocks.py's docstring.

Bank holidays in England and Wales used below: 2026 — Good Friday 3 April, Easter Monday 6 April,
Early May 4 May, Spring 25 May.
"""

import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provision_ledger.rules.calendar import bank_holidays
from provision_ledger.rules.clocks import (
    Clock,
    ClockKind,
    ClockStatus,
    ExceptionKind,
    Party,
    Period,
    RecordedException,
    ReviewOutcome,
    TransferKind,
    Unit,
    add_months,
    add_weeks,
    add_working_days,
    after_review_meeting,
    annual_review_due,
    clock_status,
    clocks_needing_attention,
    ehc_assessment_clocks,
    is_working_day,
    la_reply_clock,
    long_date,
    mediation_certificate_clock,
    phase_transfer_deadline,
    tribunal_appeal_deadline,
)

PROPERTY = settings(max_examples=100, deadline=None)
# 2024 to 2030, one integer per date (quicker to draw than st.dates).
DAYS = st.integers(min_value=0, max_value=2555).map(lambda n: date(2024, 1, 1) + timedelta(days=n))

REQUEST = date(2026, 3, 3)  # a Tuesday


def by_kind(clocks: tuple[Clock, ...]) -> dict[ClockKind, Clock]:
    return {c.kind: c for c in clocks}


# --- Counting time ---------------------------------------------------------------------------------


def test_six_weeks_from_a_tuesday_is_the_tuesday_six_weeks_later() -> None:
    # Tue 3 March 2026 + 42 days = Tue 14 April 2026.
    assert add_weeks(REQUEST, 6) == date(2026, 4, 14)


def test_a_month_later_keeps_the_day_number() -> None:
    # 10 March 2026 + 2 months = 10 May 2026.
    assert add_months(date(2026, 3, 10), 2) == date(2026, 5, 10)


def test_a_month_later_falls_on_the_last_day_of_a_shorter_month() -> None:
    # 31 December 2025 + 2 months: there is no 31 February, so 28 February 2026.
    assert add_months(date(2025, 12, 31), 2) == date(2026, 2, 28)
    # 29 February 2024 + 12 months: 2025 has no 29 February, so 28 February 2025.
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_months_can_be_counted_back() -> None:
    # 31 July 2026 − 5 months: February 2026 has 28 days, so 28 February 2026.
    assert add_months(date(2026, 7, 31), -5) == date(2026, 2, 28)


def test_working_days_skip_good_friday_and_easter_monday() -> None:
    # From Wed 1 April 2026: Thu 2 (1); Fri 3 Good Friday, Sat, Sun, Mon 6 Easter Monday skipped;
    # Tue 7 (2), Wed 8 (3), Thu 9 (4), Fri 10 (5).
    assert add_working_days(date(2026, 4, 1), 5) == date(2026, 4, 10)


def test_working_days_from_a_saturday_start_on_the_monday() -> None:
    # From Sat 28 March 2026: Mon 30 (1), Tue 31 (2), Wed 1 Apr (3), Thu 2 (4); Fri 3 and Mon 6
    # are bank holidays; Tue 7 (5).
    assert add_working_days(date(2026, 3, 28), 5) == date(2026, 4, 7)


def test_a_bank_holiday_is_not_a_working_day() -> None:
    assert not is_working_day(date(2026, 5, 4))
    assert is_working_day(date(2026, 5, 5))


def test_a_count_of_no_working_days_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one working day"):
        add_working_days(REQUEST, 0)


def test_periods_read_in_plain_english() -> None:
    assert Period(5, Unit.WORKING_DAYS).label == "5 working days"
    assert Period(1, Unit.MONTHS).label == "1 month"
    assert Period(6, Unit.WEEKS).after(REQUEST) == date(2026, 4, 14)


def test_dates_read_in_full() -> None:
    assert long_date(REQUEST) == "Tuesday 3 March 2026"


@PROPERTY
@given(start=DAYS, days=st.integers(min_value=1, max_value=40))
def test_a_working_day_deadline_is_never_a_weekend_or_bank_holiday(start: date, days: int) -> None:
    due = add_working_days(start, days)
    assert due.weekday() < 5
    assert due not in bank_holidays((due.year,))
    assert due > start


@PROPERTY
@given(start=DAYS, months=st.integers(min_value=0, max_value=24))
def test_a_month_deadline_never_precedes_its_start_and_keeps_the_day_where_it_can(start: date, months: int) -> None:
    due = add_months(start, months)
    assert due >= start
    assert due.day == start.day or (due.day < start.day and (due + timedelta(days=1)).day == 1)


@PROPERTY
@given(request=DAYS)
def test_assessment_deadlines_never_precede_the_request(request: date) -> None:
    for clock in ehc_assessment_clocks(request):
        assert clock.start == request
        assert clock.limit > request


# --- EHC needs assessment ----------------------------------------------------------------------------


def test_a_request_starts_the_six_sixteen_and_twenty_week_clocks() -> None:
    clocks = by_kind(ehc_assessment_clocks(REQUEST))
    # Tue 3 March 2026 + 6 weeks = Tue 14 April; + 16 weeks (112 days) = Tue 23 June;
    # + 20 weeks (140 days) = Tue 21 July 2026.
    assert clocks[ClockKind.DECISION_TO_ASSESS].due == date(2026, 4, 14)
    assert clocks[ClockKind.NOTICE_NOT_TO_ISSUE].due == date(2026, 6, 23)
    assert clocks[ClockKind.FINAL_PLAN].due == date(2026, 7, 21)
    assert clocks[ClockKind.DECISION_TO_ASSESS].source == (
        "Regulation 5(1), Special Educational Needs and Disability Regulations 2014: 6 weeks from the request"
    )
    assert clocks[ClockKind.NOTICE_NOT_TO_ISSUE].source.startswith("Regulation 10(1), Special Educational Needs")
    assert clocks[ClockKind.FINAL_PLAN].source.startswith("Regulation 13(2), Special Educational Needs")
    assert all(c.party is Party.LOCAL_AUTHORITY for c in clocks.values())


def test_a_week_limit_is_not_moved_off_a_bank_holiday() -> None:
    # Mon 18 May 2026 + 1 week = Mon 25 May 2026, the Spring bank holiday; it stays there.
    assert add_weeks(date(2026, 5, 18), 1) == date(2026, 5, 25)


def test_an_exception_suspends_the_sixteen_and_twenty_week_clocks_without_extending_them() -> None:
    absence = RecordedException(ExceptionKind.ABSENCE_FROM_AREA, date(2026, 5, 1), date(2026, 6, 5))
    clocks = by_kind(ehc_assessment_clocks(REQUEST, exceptions=[absence]))
    final = clocks[ClockKind.FINAL_PLAN]
    assert final.suspended_by == (absence,)
    assert final.due is None
    assert final.limit == date(2026, 7, 21)  # kept for reference, not extended
    assert clock_status(final, date(2026, 9, 1)) is ClockStatus.SUSPENDED
    assert final.suspension_note == (
        "Suspended: exception applies (The child or parent was away from the local authority's area for "
        "at least 4 weeks). The time limit is disapplied, not extended (regulations 5(4), 10(4) and 13(3), "
        "Special Educational Needs and Disability Regulations 2014); without it the limit would have been "
        "Tuesday 21 July 2026."
    )
    assert clocks[ClockKind.NOTICE_NOT_TO_ISSUE].suspended


def test_reg_5_4_an_exception_suspends_the_six_week_decision_too() -> None:
    """Reg 5(4) SEND Regulations 2014 disapplies the 6-week limit in the same circumstances as reg 10(4)."""
    personal = RecordedException(ExceptionKind.PERSONAL_CIRCUMSTANCES)
    decision = by_kind(ehc_assessment_clocks(REQUEST, exceptions=[personal]))[ClockKind.DECISION_TO_ASSESS]
    assert decision.suspended
    assert decision.due is None
    assert decision.limit == date(2026, 4, 14)


def test_an_exception_that_begins_after_the_limit_does_not_suspend_it() -> None:
    # The 16-week limit fell on Tue 23 June 2026; a closure from 1 July cannot excuse it, but it
    # touches the 20 weeks (to Tue 21 July).
    closure = RecordedException(ExceptionKind.SETTING_CLOSURE, date(2026, 7, 1), date(2026, 8, 31))
    clocks = by_kind(ehc_assessment_clocks(REQUEST, exceptions=[closure]))
    assert not clocks[ClockKind.NOTICE_NOT_TO_ISSUE].suspended
    assert clocks[ClockKind.FINAL_PLAN].suspended


def test_a_four_week_exception_shorter_than_four_weeks_is_refused() -> None:
    # 1 May to 27 May 2026 is 27 days counting both ends.
    with pytest.raises(ValueError, match="is 27 days, shorter than the 4 weeks the regulations require"):
        RecordedException(ExceptionKind.ABSENCE_FROM_AREA, date(2026, 5, 1), date(2026, 5, 27))


def test_an_exception_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match=r"ends .* before it starts"):
        RecordedException(ExceptionKind.PERSONAL_CIRCUMSTANCES, date(2026, 5, 1), date(2026, 4, 1))


def test_a_decision_before_the_request_is_refused_naming_both_dates() -> None:
    message = (
        "The decision whether to assess (Monday 2 March 2026) is before the request (Tuesday 3 March 2026): "
        "the decision whether to assess cannot come before the request."
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        ehc_assessment_clocks(REQUEST, decision_date=date(2026, 3, 2))


def test_a_final_plan_before_the_decision_to_assess_is_refused() -> None:
    with pytest.raises(ValueError, match=r"final plan .* is before the decision to assess"):
        ehc_assessment_clocks(REQUEST, decision_date=date(2026, 4, 10), final_plan_date=date(2026, 4, 1))


def test_both_outcomes_for_one_request_are_refused() -> None:
    with pytest.raises(ValueError, match="record only the outcome"):
        ehc_assessment_clocks(
            REQUEST,
            decision_date=date(2026, 4, 10),
            notice_not_to_issue_date=date(2026, 6, 1),
            final_plan_date=date(2026, 7, 1),
        )


def test_an_outcome_without_a_decision_date_is_refused() -> None:
    with pytest.raises(ValueError, match="record the date of that decision"):
        ehc_assessment_clocks(REQUEST, final_plan_date=date(2026, 7, 1))


def test_a_decision_not_to_assess_leaves_only_the_six_week_clock() -> None:
    clocks = ehc_assessment_clocks(REQUEST, decision_date=date(2026, 4, 20), decided_to_assess=False)
    assert [c.kind for c in clocks] == [ClockKind.DECISION_TO_ASSESS]
    # Decided Mon 20 April, after the 6 weeks ended on Tue 14 April.
    assert clock_status(clocks[0], date(2026, 5, 1)) is ClockStatus.MET_LATE


def test_a_final_plan_on_time_meets_the_twenty_weeks_and_drops_the_sixteen() -> None:
    clocks = by_kind(ehc_assessment_clocks(REQUEST, decision_date=date(2026, 4, 14), final_plan_date=date(2026, 7, 21)))
    assert set(clocks) == {ClockKind.DECISION_TO_ASSESS, ClockKind.FINAL_PLAN}
    assert clock_status(clocks[ClockKind.FINAL_PLAN], date(2026, 8, 1)) is ClockStatus.MET
    assert clock_status(clocks[ClockKind.DECISION_TO_ASSESS], date(2026, 8, 1)) is ClockStatus.MET


# --- Annual review -------------------------------------------------------------------------------------


def test_s44_1_the_annual_review_is_due_within_the_twelve_months_starting_with_the_plan() -> None:
    """s44(1) CFA 2014: "the period of 12 months starting with" the day the plan was made ends the day before the
    anniversary. Plan made 29 February 2024: the anniversary falls on 28 February 2025 (no 29th), so the period
    ends on 27 February 2025."""
    (review,) = annual_review_due(date(2024, 2, 29), child_dob=date(2015, 6, 1))
    assert review.kind is ClockKind.ANNUAL_REVIEW
    assert review.due == date(2025, 2, 27)
    assert review.source.startswith("Section 44(1), Children and Families Act 2014")


def test_s44_1_a_plan_made_on_15_january_2026_is_reviewed_by_14_january_2027() -> None:
    """The example worked in the review of the product: 12 months starting with 15 January 2026 end on
    14 January 2027 (s44(1) CFA 2014)."""
    (review,) = annual_review_due(date(2026, 1, 15), child_dob=date(2015, 6, 1))
    assert review.due == date(2027, 1, 14)


def test_an_under_five_has_a_review_considered_three_to_six_months_on() -> None:
    # Born 10 June 2022; reviewed 15 January 2026 (aged 3). Window opens 15 April 2026 (still 3),
    # consideration due by 15 July 2026; annual review by 14 January 2027 (s44(1): 12 months starting with).
    clocks = by_kind(annual_review_due(date(2026, 1, 15), child_dob=date(2022, 6, 10)))
    early = clocks[ClockKind.UNDER_FIVE_REVIEW]
    assert early.window_opens == date(2026, 4, 15)
    assert early.due == date(2026, 7, 15)
    assert "Code of Practice (2015), paragraph 9.178" in early.source
    assert clocks[ClockKind.ANNUAL_REVIEW].due == date(2027, 1, 14)


def test_a_child_five_by_the_time_the_window_opens_has_no_under_five_consideration() -> None:
    # Born 1 March 2021: five on 1 March 2026, before the window opens on 15 April 2026.
    clocks = annual_review_due(date(2026, 1, 15), child_dob=date(2021, 3, 1))
    assert [c.kind for c in clocks] == [ClockKind.ANNUAL_REVIEW]


def test_a_review_before_the_child_was_born_is_refused() -> None:
    with pytest.raises(ValueError, match="before the child's date of birth"):
        annual_review_due(date(2020, 1, 1), child_dob=date(2021, 3, 1))


# --- After a review meeting ------------------------------------------------------------------------------

MEETING = date(2026, 3, 5)  # a Thursday


def test_a_review_meeting_starts_the_report_decision_and_twelve_week_clocks() -> None:
    clocks = by_kind(after_review_meeting(MEETING))
    # Thu 5 March 2026 + 2 weeks = Thu 19 March; + 4 weeks = Thu 2 April; + 12 weeks = Thu 28 May.
    assert clocks[ClockKind.REVIEW_REPORT].due == date(2026, 3, 19)
    assert clocks[ClockKind.REVIEW_DECISION].due == date(2026, 4, 2)
    assert clocks[ClockKind.AMENDED_PLAN_AFTER_MEETING].due == date(2026, 5, 28)
    assert clocks[ClockKind.AMENDED_PLAN_AFTER_MEETING].source == (
        "L, M and P v Devon County Council [2022] EWHC 493 (Admin): within 12 weeks of the meeting"
    )
    assert ClockKind.AMENDED_PLAN_AFTER_PROPOSALS not in clocks


def test_proposals_start_the_eight_week_clock_and_meet_the_decision_clock() -> None:
    # Proposals sent Mon 30 March 2026 + 8 weeks = Mon 25 May 2026 (Spring bank holiday; weeks are not moved).
    clocks = by_kind(after_review_meeting(MEETING, proposals_sent=date(2026, 3, 30)))
    eight = clocks[ClockKind.AMENDED_PLAN_AFTER_PROPOSALS]
    assert eight.due == date(2026, 5, 25)
    assert eight.source.startswith("Regulation 22(3), Special Educational Needs and Disability Regulations 2014")
    assert clocks[ClockKind.REVIEW_DECISION].met_on == date(2026, 3, 30)
    assert clock_status(clocks[ClockKind.REVIEW_DECISION], date(2026, 4, 20)) is ClockStatus.MET


def test_a_decision_to_maintain_drops_the_amendment_clocks() -> None:
    clocks = after_review_meeting(MEETING, decision_date=date(2026, 3, 20), outcome=ReviewOutcome.MAINTAIN)
    assert [c.kind for c in clocks] == [ClockKind.REVIEW_REPORT, ClockKind.REVIEW_DECISION]


def test_proposals_before_the_meeting_are_refused() -> None:
    with pytest.raises(ValueError, match=r"proposed amendments .* is before the review meeting"):
        after_review_meeting(MEETING, proposals_sent=date(2026, 3, 1))


def test_amendments_after_a_decision_to_cease_are_refused() -> None:
    with pytest.raises(ValueError, match="decided to cease the plan"):
        after_review_meeting(
            MEETING,
            decision_date=date(2026, 3, 20),
            outcome=ReviewOutcome.CEASE,
            proposals_sent=date(2026, 3, 25),
        )


# --- Phase transfer ------------------------------------------------------------------------------------------


def test_most_phase_transfers_are_due_by_15_february_of_the_year_of_transfer() -> None:
    clock = phase_transfer_deadline(2026, TransferKind.MOST)
    assert clock.due == date(2026, 2, 15)
    assert clock.start is None
    assert clock.source == "Regulation 18, Special Educational Needs and Disability Regulations 2014"


def test_secondary_to_post16_is_due_by_31_march() -> None:
    assert phase_transfer_deadline(2026, TransferKind.SECONDARY_TO_POST16).due == date(2026, 3, 31)


def test_post16_to_post16_is_due_five_months_before_the_move() -> None:
    # Move on 1 September 2026 − 5 months = 1 April 2026; on 31 July 2026 − 5 months = 28 February 2026.
    assert phase_transfer_deadline(2026, TransferKind.POST16_TO_POST16, transfer_date=date(2026, 9, 1)).due == date(
        2026, 4, 1
    )
    assert phase_transfer_deadline(2026, TransferKind.POST16_TO_POST16, transfer_date=date(2026, 7, 31)).due == date(
        2026, 2, 28
    )


def test_post16_to_post16_without_a_transfer_date_is_refused() -> None:
    with pytest.raises(ValueError, match="give it"):
        phase_transfer_deadline(2026, TransferKind.POST16_TO_POST16)


def test_a_transfer_date_outside_the_year_of_transfer_is_refused() -> None:
    with pytest.raises(ValueError, match=r"not in the year of transfer \(2026\)"):
        phase_transfer_deadline(2026, TransferKind.MOST, transfer_date=date(2027, 9, 1))


# --- Appeals and letters --------------------------------------------------------------------------------------


def test_the_appeal_deadline_is_two_months_from_the_decision_letter() -> None:
    # Decision letter 10 March 2026 + 2 months = 10 May 2026.
    clock = tribunal_appeal_deadline(date(2026, 3, 10))
    assert clock.due == date(2026, 5, 10)
    assert clock.party is Party.PARENT


def test_a_later_mediation_certificate_gives_one_month_from_it() -> None:
    # Certificate 20 April 2026 + 1 month = 20 May 2026, later than 10 May, so 20 May.
    clock = tribunal_appeal_deadline(date(2026, 3, 10), mediation_certificate_date=date(2026, 4, 20))
    assert clock.due == date(2026, 5, 20)
    assert clock.runs_from == "the mediation certificate"


def test_an_early_mediation_certificate_leaves_the_two_months() -> None:
    # Certificate 1 April 2026 + 1 month = 1 May 2026, earlier than 10 May, so 10 May.
    assert tribunal_appeal_deadline(date(2026, 3, 10), mediation_certificate_date=date(2026, 4, 1)).due == date(
        2026, 5, 10
    )


def test_a_mediation_certificate_before_the_decision_is_refused() -> None:
    with pytest.raises(ValueError, match=r"mediation certificate .* is before the decision letter"):
        tribunal_appeal_deadline(date(2026, 3, 10), mediation_certificate_date=date(2026, 3, 1))


def test_the_mediation_certificate_is_due_three_working_days_on_across_easter() -> None:
    # Declined Thu 2 April 2026: Fri 3 and Mon 6 are bank holidays; Tue 7 (1), Wed 8 (2), Thu 9 (3).
    assert mediation_certificate_clock(date(2026, 4, 2)).due == date(2026, 4, 9)


def test_the_la_reply_is_requested_within_five_working_days_across_early_may() -> None:
    # Sent Thu 30 April 2026: Fri 1 May (1); Mon 4 May bank holiday; Tue 5 (2), Wed 6 (3), Thu 7 (4), Fri 8 (5).
    clock = la_reply_clock(date(2026, 4, 30))
    assert clock.due == date(2026, 5, 8)
    assert clock.source == "The reply date your letter asked for (5 working days): a request, not a time limit in law"
    assert not clock.statutory


# --- Which clocks need attention ---------------------------------------------------------------------------------


def test_the_due_date_itself_is_in_time_and_the_day_after_is_overdue() -> None:
    clock = la_reply_clock(date(2026, 4, 30))  # due Fri 8 May 2026
    assert clock_status(clock, date(2026, 5, 8)) is ClockStatus.DUE_SOON
    assert clock_status(clock, date(2026, 5, 9)) is ClockStatus.ASKED_DATE_PASSED  # asked for, so never "overdue"
    assert clock_status(clock, date(2026, 4, 1), soon_days=3) is ClockStatus.RUNNING
    # A statutory limit is overdue the day after: the 6-week decision due Tue 14 April 2026.
    decision = ehc_assessment_clocks(REQUEST)[0]
    assert clock_status(decision, date(2026, 4, 14)) is ClockStatus.DUE_SOON
    assert clock_status(decision, date(2026, 4, 15)) is ClockStatus.OVERDUE


def test_overdue_clocks_come_first_then_those_due_soon() -> None:
    clocks = (*ehc_assessment_clocks(REQUEST), la_reply_clock(date(2026, 6, 15)))
    # On Mon 15 June 2026: the decision (14 April) is overdue by 62 days; the 16-week notice (Tue 23 June) is
    # due within 14 days; the final plan (21 July) is not. The reply the letter asked for (Mon 22 June) is no
    # time limit in law, so it never needs attention as one.
    checks = clocks_needing_attention(clocks, date(2026, 6, 15))
    assert [(c.clock.kind, c.status, c.days_left) for c in checks] == [
        (ClockKind.DECISION_TO_ASSESS, ClockStatus.OVERDUE, -62),
        (ClockKind.NOTICE_NOT_TO_ISSUE, ClockStatus.DUE_SOON, 8),
    ]
