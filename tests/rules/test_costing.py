"""Costs worked by hand on the 2025/26 calendar (see conftest: INSET 24 Oct and 5 Jan, closure 20 Nov)."""

from datetime import date, time, timedelta
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
    Payer,
    Pot,
    Rate,
    RateBook,
    RateError,
    delivered_cost,
    financial_year,
    financial_year_label,
    hours_for,
    pennies,
    planned_cost,
    pounds_for,
)
from provision_ledger.rules.delivery import LineTerms, Period
from provision_ledger.rules.support_time import Activity, Block, BlockError, check_day, week_accounts

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SEPT_1 = date(2025, 9, 1)
NAMES = {"ta": "Teaching assistant", "hlta": "Higher level teaching assistant", "teacher": "Teacher"}
# Contact-hour rates of £18, £20 and £45 (the annual cost of an hour a week ÷ 38 weeks of contact).
RATES = RateBook(
    {
        ("ta", 2025): Rate.per_contact_hour_of(Decimal(18)),
        ("ta", 2026): Rate.per_contact_hour_of(Decimal(20)),
        ("teacher", 2025): Rate.per_contact_hour_of(Decimal(45)),
    },
    NAMES,
)
# The default: £750 a year for an hour a week of a TA, for 2025-26 only.
DEFAULT = RateBook({("ta", 2025): Rate(Decimal(750))}, NAMES, {"ta": 2025})


def line(
    sessions: int = 2,
    minutes: int = 30,
    role: str = "ta",
    group: int = 1,
    start: date = SEPT_1,
    adults: int = 1,
    non_contact: int = 0,
    weekly: int | None = None,
) -> CostVersion:
    terms = LineTerms(sessions, Period.WEEK, minutes, start, None, weekly_minutes=weekly)
    return CostVersion(start, terms, role, group, adults, non_contact)


# A school year of one hour a week: 38 hours, delivered here on 38 days of 2025-26 (Mondays and Thursdays from
# 8 September), so the one financial year's rate applies.
MONDAYS = [date(2025, 9, 8) + timedelta(weeks=n // 2, days=3 * (n % 2)) for n in range(38)]


def test_one_hour_a_week_one_to_one_for_a_school_year_costs_750_pounds_at_the_default():
    # 38 hours × (£750 ÷ 38 weeks = £19.7368… an hour with the child) = £750.00, not 38 × £16.67 = £633.46.
    cost = delivered_cost([line(1, 60)], [(day, 60) for day in MONDAYS], DEFAULT)
    assert cost.total == Decimal("750.00")
    assert cost.parts[0].working == "38.0 hours × £19.74 an hour (2025-26) = £750.00"
    assert cost.parts[0].rate.working == (
        "£750.00 a year for an hour a week ÷ 38 weeks of contact = £19.74 an hour with the child"
    )


def test_a_group_of_4_shares_the_year_so_each_child_carries_187_pounds_50():
    # £750 ÷ 4 children = £187.50.
    cost = delivered_cost([line(1, 60, group=4)], [(day, 60) for day in MONDAYS], DEFAULT)
    assert cost.total == Decimal("187.50")
    assert cost.parts[0].working == "38.0 hours × £19.74 an hour ÷ 4 children (2025-26) = £187.50"


@pytest.mark.parametrize(("group", "total"), [(1, "1500.00"), (4, "375.00")])
def test_two_adults_double_the_cost_of_the_group(group: int, total: str):
    # 38 hours × 2 adults × £19.7368… = £1,500.00; in a group of 4, £1,500 ÷ 4 = £375.00.
    cost = delivered_cost([line(1, 60, group=group, adults=2)], [(day, 60) for day in MONDAYS], DEFAULT)
    assert cost.total == Decimal(total)
    assert "× 2 adults" in cost.parts[0].working


def test_non_contact_minutes_are_costed_beside_the_contact_time(cal: SchoolCalendar):
    # 10 hours a week in class plus 1 hour a week of records and liaison, over the full week of 8 September:
    # (10 + 1) hours × £750 ÷ 38 = £217.105… → £217.11.
    cost = planned_cost([line(weekly=600, non_contact=60)], cal, date(2025, 9, 8), date(2025, 9, 12), DEFAULT)
    assert cost.total == Decimal("217.11")
    assert cost.parts[0].working == (
        "(10.0 hours with the child + 1.0 hours non-contact) × £19.74 an hour (2025-26) = £217.11"
    )


def test_a_rate_change_on_1_april_costs_each_week_at_its_years_contact_rate(cal: SchoolCalendar):
    # One hour a week; the card gives £750 a year for 2025-26 and £780 for 2026-27. Week of 23 March 2026:
    # £750 ÷ 38 = £19.7368…; week of 13 April 2026: £780 ÷ 38 = £20.5263…; together £40.263… → £40.26.
    rates = RateBook({("ta", 2025): Rate(Decimal(750)), ("ta", 2026): Rate(Decimal(780))}, NAMES)
    cost = planned_cost([line(1, 60)], cal, date(2026, 3, 23), date(2026, 4, 17), rates)
    assert [(p.year, p.cost) for p in cost.parts] == [(2025, Decimal("19.74")), (2026, Decimal("20.53"))]
    assert cost.total == Decimal("40.26")


def test_a_year_with_no_card_says_so_instead_of_reusing_the_default(cal: SchoolCalendar):
    with pytest.raises(RateError) as refused:
        planned_cost([line(1, 60)], cal, date(2026, 4, 13), date(2026, 4, 17), DEFAULT)
    assert str(refused.value) == (
        "There is no rate for Teaching assistant in 2026-27. The default rate is for 2025-26 only. "
        "Set one on the rate card for 2026-27."
    )


def test_a_paid_hour_rate_is_turned_into_a_contact_hour_rate_by_paid_and_contact_weeks():
    # £16.67 × 45 paid weeks = £750.15 a year; ÷ 38 weeks of contact = £19.7408 an hour with the child.
    rate = Rate.from_paid_hour(Decimal("16.67"), 45, 38)
    assert (rate.annual, pennies(rate.per_contact_hour)) == (Decimal("750.15"), Decimal("19.74"))
    assert rate.working == (
        "£16.67 a paid hour × 45 paid weeks = £750.15 a year for an hour a week ÷ 38 weeks of contact "
        "= £19.74 an hour with the child"
    )


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
    assert [(p.year, p.minutes, p.contact_rate, p.cost) for p in cost.parts] == [
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
        "There is no rate for Higher level teaching assistant in 2025-26. Set one on the rate card for 2025-26."
    )


def test_a_negative_rate_is_refused_naming_the_role_and_year():
    rates = RateBook({("ta", 2025): Rate(Decimal("-5"))}, {"ta": "Teaching assistant"})
    with pytest.raises(RateError) as refused:
        delivered_cost([line()], [(date(2025, 9, 8), 30)], rates)
    assert str(refused.value) == (
        "The rate for Teaching assistant in 2025-26 is negative (£-5.00 a year for an hour a week). "
        "A rate cannot be below £0."
    )


def test_6000_pounds_buys_8_hours_a_week_of_a_ta_on_the_annual_cost_not_12():
    # £6,000 ÷ £750 a year for an hour a week = 8.0 hours a week.
    bought = hours_for(Decimal(6000), Rate(Decimal(750)))
    assert (bought.hours_per_week, bought.cost_of_one_hour_a_week) == (Decimal("8.0"), Decimal("750.00"))
    assert bought.working == "£6,000.00 ÷ £750.00 a year for an hour a week = 8.0 hours a week"


def test_12_hours_a_week_of_a_ta_costs_9000_pounds_a_year():
    # 12 × £750 = £9,000.00; the contact weeks do not enter a year's cost.
    assert pounds_for(Decimal(12), Rate(Decimal(750))).pounds == Decimal("9000.00")


def _pots(school: str, la: str, health: str = "0", delivered_school: str = "0") -> tuple[Pot, ...]:
    return (
        Pot(Payer.SCHOOL, 2, Decimal(school), Decimal(school) / 2, Decimal(delivered_school)),
        Pot(Payer.LA, 1, Decimal(la), Decimal(la) / 2, Decimal(la) / 4),
        Pot(Payer.HEALTH, 1 if Decimal(health) else 0, Decimal(health), Decimal(0), Decimal(0)),
    )


def test_each_line_counts_in_its_payers_pot_and_no_other():
    # School lines £7,000 against £6,000: £1,000 over; LA lines £3,000 against a £4,000 top-up: none short.
    funding = Funding(Decimal(6000), Decimal(4000), Decimal(0), _pots("7000", "3000", "500", "6500"))
    assert (funding.planned_year, funding.school_contribution, funding.unfunded) == (
        Decimal(10000),
        Decimal(6000),
        Decimal(1000),
    )
    assert funding.threshold_shown_spent == Decimal(6000)
    assert [p.payer for p in funding.others] == [Payer.HEALTH]


def test_when_the_authority_pays_every_line_nothing_is_shown_spent_of_the_schools_threshold():
    funding = Funding(Decimal(6000), Decimal(5000), Decimal(0), _pots("0", "5809"))
    assert (funding.school.planned_year, funding.threshold_shown_spent, funding.top_up_short) == (
        Decimal(0),
        Decimal(0),
        Decimal(809),
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
@given(tenths=st.integers(0, 400), annual=st.decimals(Decimal(40), Decimal(5000), places=2))
def test_hours_to_pounds_and_back_is_the_same_hours(tenths, annual):
    hours = Decimal(tenths) / 10
    rate = Rate(annual)
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


def test_time_at_an_hourly_rate_is_rounded_once_to_the_penny_half_up_for_owed_time_too():
    from provision_ledger.rules.costing import at_hourly_rate
    from provision_ledger.rules.money import indicative_value

    # 30 minutes at 5p an hour is 2.5p: half a penny goes up, never to the even penny.
    assert at_hourly_rate(30, Decimal("0.05")) == Decimal("0.03")
    assert at_hourly_rate(25, Decimal("19.00")) == Decimal("7.92")
    assert indicative_value(30, Decimal("0.05")) == Decimal("0.03")
