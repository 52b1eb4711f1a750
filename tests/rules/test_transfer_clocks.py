"""An EHC plan moving with the child to another local authority (reg 15 SEND Regulations 2014), worked by hand."""

from __future__ import annotations

from datetime import date

from provision_ledger.rules.clocks import ClockKind, ClockStatus, clock_status, plan_transfer_clocks, plan_transfer_date


def _limits(clocks):
    return {c.kind: c.limit for c in clocks}


def test_with_enough_notice_the_plan_transfers_on_the_day_of_the_move():
    # Learned Monday 1 December 2025 of a move on Wednesday 14 January 2026: many more than 15 working days before.
    assert plan_transfer_date(date(2026, 1, 14), date(2025, 12, 1)) == date(2026, 1, 14)
    # Without the day it learned, the day of the move, as reg 15(2) first says.
    assert plan_transfer_date(date(2026, 1, 14)) == date(2026, 1, 14)


def test_exactly_fifteen_working_days_notice_is_enough():
    # Counting 15 working days on from Wednesday 17 December 2025, skipping Christmas Day, Boxing Day and New Year's
    # Day: 18, 19, 22, 23, 24, 29, 30, 31 December, 2, 5, 6, 7, 8, 9, 12 January. The 15th is Monday 12 January.
    assert plan_transfer_date(date(2026, 1, 12), date(2025, 12, 17)) == date(2026, 1, 12)
    # Two working days later it is not enough: 15 working days beginning with Friday 19 December (day 1) are 19, 22,
    # 23, 24, 29, 30, 31 December, 2, 5, 6, 7, 8, 9, 12, 13 January: the plan transfers by Tuesday 13 January.
    assert plan_transfer_date(date(2026, 1, 12), date(2025, 12, 19)) == date(2026, 1, 13)


def test_with_less_notice_the_plan_transfers_within_fifteen_working_days_beginning_with_the_day_it_learned():
    # Learned Thursday 8 January 2026 (day 1) of a move on Wednesday 14 January: 8, 9, 12–16, 19–23, 26, 27, 28.
    assert plan_transfer_date(date(2026, 1, 14), date(2026, 1, 8)) == date(2026, 1, 28)


def test_the_new_authority_writes_within_six_weeks_of_the_transfer():
    clocks = plan_transfer_clocks(date(2026, 1, 14), date(2025, 9, 1))
    assert _limits(clocks)[ClockKind.TRANSFER_NOTICE] == date(2026, 2, 25)
    late = plan_transfer_clocks(date(2026, 1, 14), date(2025, 9, 1), old_authority_aware_on=date(2026, 1, 8))
    assert _limits(late)[ClockKind.TRANSFER_NOTICE] == date(2026, 3, 11)  # six weeks from 28 January


def test_the_first_review_is_due_by_the_later_of_twelve_months_from_the_last_review_and_three_from_the_transfer():
    # Plan made 1 September 2025: 12 months beginning with it end on 31 August 2026, later than 13 April 2026.
    made = plan_transfer_clocks(date(2026, 1, 14), date(2025, 9, 1))
    assert _limits(made)[ClockKind.TRANSFER_REVIEW] == date(2026, 8, 31)
    # Last reviewed 20 February 2025: 12 months end on 19 February 2026, earlier than 3 months from the transfer.
    reviewed = plan_transfer_clocks(date(2026, 1, 14), date(2025, 2, 20))
    assert _limits(reviewed)[ClockKind.TRANSFER_REVIEW] == date(2026, 4, 13)


def test_each_clock_cites_regulation_fifteen_and_a_review_held_in_time_meets_the_last():
    clocks = plan_transfer_clocks(date(2026, 1, 14), date(2025, 2, 20), reviewed_on=date(2026, 3, 30))
    assert [c.source.split(",")[0] for c in clocks] == ["Regulation 15"] * 3
    assert clock_status(clocks[2], date(2026, 5, 1)) is ClockStatus.MET
    assert clock_status(clocks[1], date(2026, 3, 1)) is ClockStatus.OVERDUE
