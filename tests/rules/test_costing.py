"""Costs worked by hand on the 2025/26 calendar (see conftest: INSET 24 Oct and 5 Jan, closure 20 Nov)."""

from datetime import date, time
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provision_ledger.rules.calendar import SchoolCalendar
from provision_ledger.rules.costing import (
    Cost,
    CostVersion,
    Funding,
    RateBook,
    RateError,
    delivered_cost,
    financial_year,
    financial_year_label,
    hours_for,
    planned_cost,
    pounds_for,
)
from provision_ledger.rules.delivery import LineTerms, Period
from provision_ledger.rules.support_time import Activity, Block, BlockError, check_day, week_accounts

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SEPT_1 = date(2025, 9, 1)
RATES = RateBook(
    {("ta", 2025): Decimal(18), ("ta", 2026): Decimal(20), ("teacher", 2025): Decimal(45)},
    {"ta": "Teaching assistant", "hlta": "Higher level teaching assistant", "teacher": "Teacher"},
)


def line(sessions: int = 2, minutes: int = 30, role: str = "ta", group: int = 1, start: date = SEPT_1) -> CostVersion:
    return CostVersion(start, LineTerms(sessions, Period.WEEK, minutes, start, None), role, group)


def test_financial_year_runs_from_1_april_to_31_march():
    assert [financial_year(d) for d in (date(2026, 3, 31), date(2026, 4, 1))] == [2025, 2026]
    assert financial_year_label(2025) == "2025-26"


def test_a_full_week_one_to_one_costs_its_minutes_at_the_hourly_rate(cal: SchoolCalendar):
    # 2 sessions × 30 minutes = 60 minutes; 1 hour × £18 = £18.00.
    cost = planned_cost([line()], cal, date(2025, 9, 8), date(2025, 9, 12), RATES)
    assert (cost.minutes, cost.total) == (Fraction(60), Decimal("18.00"))


@pytest.mark.parametrize(("group", "total"), [(1, "18.00"), (2, "9.00"), (3, "6.00"), (4, "4.50"), (7, "2.57")])
def test_a_group_shares_the_adult_so_each_child_carries_a_share(cal: SchoolCalendar, group: int, total: str):
    # 60 minutes at £18 an hour, divided by the group: £18 ÷ 7 = £2.571… → £2.57.
    cost = planned_cost([line(group=group)], cal, date(2025, 9, 8), date(2025, 9, 12), RATES)
    assert cost.total == Decimal(total)


def test_a_part_week_carries_its_share_of_the_weekly_sessions(cal: SchoolCalendar):
    # Early May bank holiday week (Mon 4 May 2026 closed): 4 school days of 5 → 2 × 4/5 = 1.6 sessions
    # × 30 minutes = 48 minutes; 0.8 hours × £20 (the 2026-27 rate) = £16.00.
    cost = planned_cost([line()], cal, date(2026, 5, 4), date(2026, 5, 8), RATES)
    assert (cost.minutes, cost.total) == (Fraction(48), Decimal("16.00"))


def test_a_window_across_1_april_is_costed_at_each_years_rate(cal: SchoolCalendar):
    # One hour a week. Week of 23 March 2026 (2025-26, £18) and week of 13 April 2026 (2026-27, £20); the
    # Easter holiday between costs nothing. £18 + £20 = £38.00.
    cost = planned_cost([line(1, 60)], cal, date(2026, 3, 23), date(2026, 4, 17), RATES)
    assert [(p.year, p.minutes, p.rate, p.cost) for p in cost.parts] == [
        (2025, 60, Decimal(18), Decimal("18.00")),
        (2026, 60, Decimal(20), Decimal("20.00")),
    ]
    assert cost.total == Decimal("38.00")


def test_a_whole_school_year_of_one_hour_a_week_at_two_rates(cal: SchoolCalendar):
    # Autumn: Wed 3 Sep to Fri 19 Dec is 78 weekdays, less half-term (5), INSET 24 Oct and the closure on 20 Nov:
    # 71. Spring to 27 Mar: 60 weekdays less half-term (5) and INSET 5 Jan: 54. So 125 days to 31 March, 25 weeks:
    # 25 hours at £18 = £450. Summer from 13 Apr to Wed 22 Jul: 73 weekdays less half-term (5) and the early May
    # bank holiday: 67 days, 13.4 weeks: 13.4 hours at £20 = £268. Total £718.00.
    cost = planned_cost([line(1, 60)], cal, SEPT_1, date(2026, 8, 31), RATES)
    assert [(p.year, p.hours, p.cost) for p in cost.parts] == [
        (2025, Decimal("25.0"), Decimal("450.00")),
        (2026, Decimal("13.4"), Decimal("268.00")),
    ]
    assert cost.total == Decimal("718.00")


def test_an_amendment_changes_the_group_size_only_from_its_date(cal: SchoolCalendar):
    # Week of 8 Sep one-to-one: £18; week of 15 Sep in a pair: £9. Total £27.00.
    first = line()
    paired = CostVersion(date(2025, 9, 15), first.terms, "ta", 2)
    cost = planned_cost([first, paired], cal, date(2025, 9, 8), date(2025, 9, 19), RATES)
    assert cost.total == Decimal("27.00")


def test_delivered_minutes_are_costed_at_the_rate_in_force_on_their_day():
    # 45 minutes on 27 March 2026 at £18 = £13.50; 30 minutes on 14 April 2026 at £20 = £10.00.
    cost = delivered_cost([line()], [(date(2026, 3, 27), 45), (date(2026, 4, 14), 30)], RATES)
    assert [(p.year, p.cost) for p in cost.parts] == [(2025, Decimal("13.50")), (2026, Decimal("10.00"))]
    assert cost.total == Decimal("23.50")


def test_a_role_in_use_with_no_rate_is_refused_naming_the_role_and_year(cal: SchoolCalendar):
    with pytest.raises(RateError) as refused:
        planned_cost([line(role="hlta")], cal, date(2025, 9, 8), date(2025, 9, 12), RATES)
    assert str(refused.value) == (
        "There is no hourly rate for Higher level teaching assistant in 2025-26. Set one on the rate card for 2025-26."
    )


def test_a_negative_rate_is_refused_naming_the_role_and_year():
    rates = RateBook({("ta", 2025): Decimal("-5")}, {"ta": "Teaching assistant"})
    with pytest.raises(RateError) as refused:
        delivered_cost([line()], [(date(2025, 9, 8), 30)], rates)
    assert str(refused.value) == (
        "The hourly rate for Teaching assistant in 2025-26 is negative (£-5). A rate cannot be below £0."
    )


def test_6000_pounds_buys_8_hours_a_week_of_a_ta_at_the_domain_rate_not_12():
    # £16.67 an hour × 45 paid weeks = £750.15 for one hour a week; £6,000 ÷ £750.15 = 7.998… → 8.0.
    bought = hours_for(Decimal(6000), Decimal("16.67"))
    assert (bought.hours_per_week, bought.cost_of_one_hour_a_week) == (Decimal("8.0"), Decimal("750.15"))
    assert bought.working == "£6,000.00 ÷ (£16.67 an hour × 45 weeks) = 8.0 hours a week"


def test_12_hours_a_week_of_a_ta_costs_about_9000_pounds_a_year():
    # 12 × £16.67 × 45 = £9,001.80.
    assert pounds_for(Decimal(12), Decimal("16.67")).pounds == Decimal("9001.80")


def test_funding_shows_the_schools_part_the_top_up_and_the_variance():
    funding = Funding(
        threshold=Decimal(6000),
        top_up=Decimal(4000),
        personal_budget=Decimal(0),
        planned_year=Decimal(12000),
        planned_to_date=Decimal(5000),
        delivered_to_date=Decimal(3000),
    )
    assert (funding.school_contribution, funding.unfunded, funding.variance, funding.threshold_shown_spent) == (
        Decimal(6000),
        Decimal(2000),
        Decimal(-2000),
        Decimal(3000),
    )


days = st.dates(min_value=date(2025, 9, 1), max_value=date(2026, 8, 31))


@PROPERTY
@given(a=days, b=days, c=days, group=st.integers(1, 8))
def test_planned_cost_over_adjacent_windows_adds_up_to_the_whole(cal: SchoolCalendar, a, b, c, group):
    start, middle, end = sorted((a, b, c))
    history = [line(3, 20, group=group)]
    split = planned_cost(history, cal, start, middle, RATES) + planned_cost(
        history, cal, middle.fromordinal(middle.toordinal() + 1), end, RATES
    )
    assert abs(split.total - planned_cost(history, cal, start, end, RATES).total) <= Decimal("0.01")


@PROPERTY
@given(a=days, b=days, group=st.integers(1, 8))
def test_a_group_of_n_costs_each_child_one_nth_of_one_to_one(cal: SchoolCalendar, a, b, group):
    start, end = sorted((a, b))
    alone = planned_cost([line()], cal, start, end, RATES).total
    shared = planned_cost([line(group=group)], cal, start, end, RATES).total
    assert abs(shared * group - alone) <= Decimal("0.01") * group


@PROPERTY
@given(tenths=st.integers(0, 400), rate=st.decimals(Decimal(1), Decimal(120), places=2))
def test_hours_to_pounds_and_back_is_the_same_hours(tenths, rate):
    hours = Decimal(tenths) / 10
    assert hours_for(pounds_for(hours, rate).pounds, rate).hours_per_week == hours


@PROPERTY
@given(minutes=st.lists(st.tuples(days, st.integers(0, 240)), max_size=30))
def test_delivered_cost_is_never_negative_and_adds_up_by_day(minutes):
    whole = delivered_cost([line()], minutes, RATES)
    by_day = sum((delivered_cost([line()], [m], RATES) for m in minutes), Cost())
    assert whole.total >= 0
    assert abs(whole.total - by_day.total) <= Decimal("0.01") * max(len(minutes), 1)


def block(start: str, end: str, activity: Activity = Activity.WITH_CHILD) -> Block:
    return Block(time.fromisoformat(start), time.fromisoformat(end), activity)


def test_blocks_that_overlap_are_refused_naming_both():
    with pytest.raises(BlockError) as refused:
        check_day([block("09:00", "10:30"), block("10:00", "11:00", Activity.CLASS_COVER)], 390)
    assert refused.value.args[0] == ["The blocks 09:00 to 10:30 and 10:00 to 11:00 overlap."]


def test_blocks_longer_than_the_school_day_are_refused():
    with pytest.raises(BlockError) as refused:
        check_day([block("08:00", "12:00"), block("12:30", "15:30")], 390)
    assert refused.value.args[0] == ["The blocks add up to 7 hours, longer than the school day of 6 hours 30 minutes."]


def test_a_block_ending_before_it_starts_is_refused():
    with pytest.raises(BlockError) as refused:
        check_day([block("11:00", "10:00")], 390)
    assert refused.value.args[0] == ["The block 11:00 to 10:00 ends before it starts."]


def test_blocks_that_touch_end_to_start_stand():
    check_day([block("09:00", "10:00"), block("10:00", "11:00", Activity.ADMIN)], 390)


def test_a_weeks_account_splits_time_with_the_child_from_the_rest():
    # 20 hours a week allocated; a bank holiday week has 4 school days, so 16 hours are allocated.
    logged = [
        (date(2026, 5, 5), Activity.WITH_CHILD, 180),
        (date(2026, 5, 5), Activity.GROUP, 30),
        (date(2026, 5, 6), Activity.CLASS_COVER, 120),
        (date(2026, 5, 7), Activity.ADMIN, 45),
    ]
    (week,) = week_accounts(1200, {date(2026, 5, 4): 4}, logged)
    assert (week.allocated, week.with_child, week.elsewhere, week.short_of_allocation) == (960, 210, 165, 750)
