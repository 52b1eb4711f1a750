"""The dates a parent acts by once a decision is made: comments on a draft or on amendments, mediation and appeals.

Every date below is worked by hand from a calendar; each test names the provision it follows.
"""

from __future__ import annotations

from datetime import date

import pytest

from provision_ledger.rules.clocks import (
    MEDIATION_STEP,
    AppealableDecision,
    ClockKind,
    ClockStatus,
    ExceptionKind,
    Party,
    RecordedException,
    ReviewOutcome,
    after_review_meeting,
    amendment_comments,
    appeal_clock,
    clock_status,
    clocks_needing_attention,
    draft_plan_comments,
    ehc_assessment_clocks,
    mediation_certificate_clock,
    time_left,
)


def test_reg_13_1_fifteen_days_on_a_draft_plan_begin_with_the_day_it_is_served() -> None:
    """Reg 13(1) SEND Regulations 2014, ss38(2)(b) and 39 CFA 2014: served Monday 7 December 2026, day 1 is that
    Monday, so the 15th day, the last for comments and for asking for a school, is Monday 21 December 2026."""
    clock = draft_plan_comments(date(2026, 12, 7))
    assert (clock.kind, clock.limit, clock.party) == (ClockKind.DRAFT_PLAN_COMMENTS, date(2026, 12, 21), Party.PARENT)
    assert "ask for a particular school or college to be named" in clock.measures
    assert clock.source.startswith("Regulation 13(1), Special Educational Needs and Disability Regulations 2014")


def test_reg_22_2_c_fifteen_days_on_proposed_amendments_run_into_christmas_eve() -> None:
    """Reg 22(2)(c): proposals sent Thursday 10 December 2026; the 15th day counting that Thursday is Thursday 24
    December 2026. Days, not working days: Christmas does not move it."""
    clock = amendment_comments(date(2026, 12, 10))
    assert clock.limit == date(2026, 12, 24)
    assert (
        clock.source
        == "Regulation 22(2)(c), Special Educational Needs and Disability Regulations 2014: at least 15 days to comment"
    )


def test_s55_the_mediation_certificate_across_christmas_skips_both_bank_holidays() -> None:
    """s55(4) CFA 2014, reg 34(1) SEND Regulations 2014: certificate within 3 working days of declining mediation.
    Declined Wednesday 23 December 2026: Thursday 24 is day 1;
    Friday 25 (Christmas Day) and Monday 28 (Boxing Day's substitute, 26 December being a Saturday) are bank
    holidays; Tuesday 29 is day 2 and Wednesday 30 December 2026 day 3."""
    clock = mediation_certificate_clock(date(2026, 12, 23))
    assert clock.limit == date(2026, 12, 30)
    assert clock.party is Party.MEDIATION_ADVISER
    assert clock.source.startswith(
        "Section 55(4), Children and Families Act 2014, and regulation 34(1), Special Educational Needs and "
        "Disability Regulations 2014"
    )


def test_rule_20_a_refusal_to_assess_can_be_appealed_for_two_months_from_the_letter() -> None:
    """Rule 20 of the Tribunal's procedure rules: decision letter Wednesday 23 December 2026, 2 months on is
    Tuesday 23 February 2027; the mediation step is shown with it."""
    clock = appeal_clock(AppealableDecision.REFUSAL_TO_ASSESS, date(2026, 12, 23))
    assert clock.kind is ClockKind.TRIBUNAL_APPEAL
    assert clock.name == "Last day to appeal the decision not to carry out an EHC needs assessment"
    assert clock.limit == date(2027, 2, 23)
    assert clock.party is Party.PARENT
    assert MEDIATION_STEP in clock.measures
    assert "section 55, Children and Families Act 2014" in clock.measures
    # Reg 33 SEND Regulations 2014: the adviser is contacted within the same 2 months.
    assert "Contact them within 2 months of the decision letter and say whether you want mediation" in clock.measures


def test_rule_20_a_later_mediation_certificate_gives_one_month_from_its_date() -> None:
    """Letter 23 December 2026 (2 months: 23 February 2027); certificate Saturday 30 January 2027, 1 month on is
    Sunday 28 February 2027 (February 2027 has 28 days), later, so it wins and is not moved off the weekend."""
    clock = appeal_clock(
        AppealableDecision.REFUSAL_TO_ASSESS,
        date(2026, 12, 23),
        mediation_contacted_on=date(2027, 1, 4),
        certificate_on=date(2027, 1, 30),
    )
    assert (clock.limit, clock.runs_from) == (date(2027, 2, 28), "the mediation certificate")


def test_rule_20_an_early_certificate_leaves_the_two_months_from_the_letter() -> None:
    # Certificate Tuesday 5 January 2027 + 1 month = 5 February 2027, before 23 February 2027.
    clock = appeal_clock(
        AppealableDecision.CEASE,
        date(2026, 12, 23),
        mediation_contacted_on=date(2027, 1, 4),
        certificate_on=date(2027, 1, 5),
    )
    assert clock.limit == date(2027, 2, 23)
    assert clock.name == "Last day to appeal the decision to stop maintaining the EHC plan"


def test_a_certificate_before_the_mediation_contact_is_refused() -> None:
    refused = r"The mediation certificate \(Tuesday 5 January 2027\) is before the contact with the mediation"
    with pytest.raises(ValueError, match=refused):
        appeal_clock(
            AppealableDecision.REFUSAL_TO_ASSESS,
            date(2026, 12, 23),
            mediation_contacted_on=date(2027, 1, 10),
            certificate_on=date(2027, 1, 5),
        )


def test_mediation_before_the_decision_is_refused() -> None:
    with pytest.raises(ValueError, match="is before the decision"):
        appeal_clock(AppealableDecision.FINAL_PLAN, date(2026, 12, 23), mediation_contacted_on=date(2026, 12, 1))


def test_an_appeal_date_gone_by_is_passed_not_overdue_and_an_appeal_sent_meets_it() -> None:
    clock = appeal_clock(AppealableDecision.REFUSAL_TO_ISSUE, date(2026, 12, 23))
    assert clock_status(clock, date(2027, 2, 24)) is ClockStatus.PASSED
    assert clocks_needing_attention([clock], date(2027, 2, 24)) == ()
    sent = appeal_clock(AppealableDecision.REFUSAL_TO_ISSUE, date(2026, 12, 23), appealed_on=date(2027, 2, 1))
    assert clock_status(sent, date(2027, 3, 1)) is ClockStatus.MET


def test_two_weeks_before_the_appeal_date_it_needs_attention() -> None:
    # 23 February 2027 less 14 days is Tuesday 9 February 2027.
    clock = appeal_clock(AppealableDecision.REFUSAL_TO_ASSESS, date(2026, 12, 23))
    (check,) = clocks_needing_attention([clock], date(2027, 2, 9))
    assert (check.status, check.days_left) == (ClockStatus.DUE_SOON, 14)
    assert time_left(check.days_left) == "2 weeks left"
    assert [time_left(n) for n in (0, 1, 7, 9)] == ["Last day today", "1 day left", "1 week left", "9 days left"]


def test_reg_5_4_a_dated_absence_that_touches_the_six_weeks_suspends_the_decision() -> None:
    """Reg 5(4)(c) SEND Regulations 2014: request Tuesday 3 November 2026, 6 weeks on is Tuesday 15 December 2026.
    The family away Tuesday 1 December 2026 to Monday 4 January 2027 (35 days, at least 4 weeks) touches it, so the
    decision has no due date; an absence from Wednesday 16 December 2026 begins after the limit and excuses
    nothing."""
    away = RecordedException(ExceptionKind.ABSENCE_FROM_AREA, date(2026, 12, 1), date(2027, 1, 4), "Away in Ghana")
    decision = ehc_assessment_clocks(date(2026, 11, 3), exceptions=[away])[0]
    assert (decision.kind, decision.limit, decision.due) == (ClockKind.DECISION_TO_ASSESS, date(2026, 12, 15), None)
    later = RecordedException(ExceptionKind.ABSENCE_FROM_AREA, date(2026, 12, 16), date(2027, 1, 31))
    assert ehc_assessment_clocks(date(2026, 11, 3), exceptions=[later])[0].due == date(2026, 12, 15)


@pytest.mark.parametrize("outcome", [ReviewOutcome.MAINTAIN, ReviewOutcome.CEASE])
def test_reg_22_a_decision_to_maintain_or_cease_ends_the_amendment_clocks(outcome: ReviewOutcome) -> None:
    """The 8- and 12-week limits for a final amended plan apply only to a decision to amend (reg 22; L, M and P v
    Devon). Meeting Thursday 1 October 2026; decided Thursday 22 October 2026."""
    kinds = [c.kind for c in after_review_meeting(date(2026, 10, 1), decision_date=date(2026, 10, 22), outcome=outcome)]
    assert kinds == [ClockKind.REVIEW_REPORT, ClockKind.REVIEW_DECISION]
