"""Expected delivery laid on the 2025/26 calendar (see conftest: INSET 24 Oct and 5 Jan, closure 20 Nov)."""

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from provision_ledger.rules.calendar import ChildCalendar, SchoolCalendar, Stint, Term
from provision_ledger.rules.delivery import (
    ZERO,
    Expected,
    LineTerms,
    Period,
    expected_by_day,
    expected_delivery,
    terms_in_force,
)

# The project-wide conftest adds a harmless function-scoped autouse fixture; the calendar is immutable.
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

SEPT_1 = date(2025, 9, 1)
FULL_WEEK = (date(2025, 9, 8), date(2025, 9, 12))
EARLY_MAY_BANK_HOLIDAY_WEEK = (date(2026, 5, 4), date(2026, 5, 8))


def weekly(sessions: int = 2, minutes: int = 30, start: date = SEPT_1, end: date | None = None) -> LineTerms:
    return LineTerms(sessions, Period.WEEK, minutes, start, end)


def only(terms: LineTerms) -> list[tuple[date, LineTerms]]:
    return [(terms.start, terms)]


def expect(sessions: Fraction | int, minutes: Fraction | int) -> Expected:
    return Expected(Fraction(sessions), Fraction(minutes))


# Weekly lines


def test_weekly_line_expects_its_full_count_in_a_full_school_week(cal: SchoolCalendar) -> None:
    assert expected_delivery(only(weekly()), cal, *FULL_WEEK) == expect(2, 60)


def test_bank_holiday_monday_prorates_a_weekly_line_to_four_fifths(cal: SchoolCalendar) -> None:
    assert expected_delivery(only(weekly()), cal, *EARLY_MAY_BANK_HOLIDAY_WEEK) == expect(Fraction(8, 5), 48)


def test_an_inset_day_prorates_a_weekly_line(cal: SchoolCalendar) -> None:
    assert expected_delivery(only(weekly()), cal, date(2026, 1, 5), date(2026, 1, 9)) == expect(Fraction(8, 5), 48)


def test_a_closure_day_prorates_a_weekly_line(cal: SchoolCalendar) -> None:
    assert expected_delivery(only(weekly()), cal, date(2025, 11, 17), date(2025, 11, 21)) == expect(Fraction(8, 5), 48)


def test_the_first_week_of_term_starting_on_a_wednesday_carries_three_fifths(cal: SchoolCalendar) -> None:
    assert expected_delivery(only(weekly()), cal, date(2025, 9, 1), date(2025, 9, 7)) == expect(Fraction(6, 5), 36)


def test_a_window_ending_midweek_carries_its_share_of_the_week(cal: SchoolCalendar) -> None:
    assert expected_delivery(only(weekly()), cal, date(2025, 9, 10), date(2025, 9, 12)) == expect(Fraction(6, 5), 36)


def test_a_half_term_week_expects_nothing(cal: SchoolCalendar) -> None:
    assert expected_delivery(only(weekly()), cal, date(2025, 10, 25), date(2025, 11, 2)) == ZERO


def test_a_line_starting_midweek_expects_only_its_own_days(cal: SchoolCalendar) -> None:
    line = weekly(start=date(2025, 9, 10))
    assert expected_delivery(only(line), cal, *FULL_WEEK) == expect(Fraction(6, 5), 36)


def test_a_line_ending_midweek_expects_nothing_after_its_end(cal: SchoolCalendar) -> None:
    line = weekly(end=date(2025, 9, 9))
    assert expected_delivery(only(line), cal, *FULL_WEEK) == expect(Fraction(4, 5), 24)


def test_an_empty_window_expects_nothing(cal: SchoolCalendar) -> None:
    assert expected_delivery(only(weekly()), cal, date(2025, 9, 12), date(2025, 9, 8)) == ZERO


def test_a_line_with_no_versions_expects_nothing(cal: SchoolCalendar) -> None:
    assert expected_delivery([], cal, *FULL_WEEK) == ZERO


# Daily, timetabled and in-class support lines


def test_a_daily_line_expects_its_sessions_on_every_school_day(cal: SchoolCalendar) -> None:
    line = LineTerms(1, Period.DAY, 15, SEPT_1, None)
    assert expected_delivery(only(line), cal, *FULL_WEEK) == expect(5, 75)
    assert expected_delivery(only(line), cal, *EARLY_MAY_BANK_HOLIDAY_WEEK) == expect(4, 60)


def test_a_timetabled_line_expects_one_session_on_each_timetabled_school_day(cal: SchoolCalendar) -> None:
    monday_and_thursday = LineTerms(2, Period.WEEK, 30, SEPT_1, None, weekdays=frozenset({0, 3}))
    assert expected_delivery(only(monday_and_thursday), cal, *FULL_WEEK) == expect(2, 60)


def test_a_bank_holiday_on_a_timetabled_day_removes_that_session(cal: SchoolCalendar) -> None:
    monday_and_thursday = LineTerms(2, Period.WEEK, 30, SEPT_1, None, weekdays=frozenset({0, 3}))
    assert expected_by_day(only(monday_and_thursday), cal, *EARLY_MAY_BANK_HOLIDAY_WEEK) == {
        date(2026, 5, 7): expect(1, 30)
    }


def test_a_closure_on_a_timetabled_day_removes_that_session(cal: SchoolCalendar) -> None:
    monday_and_thursday = LineTerms(2, Period.WEEK, 30, SEPT_1, None, weekdays=frozenset({0, 3}))
    assert expected_by_day(only(monday_and_thursday), cal, date(2025, 11, 17), date(2025, 11, 21)) == {
        date(2025, 11, 17): expect(1, 30)
    }


def test_in_class_support_expects_its_weekly_minutes_in_five_daily_sessions(cal: SchoolCalendar) -> None:
    twenty_hours = LineTerms(1, Period.DAY, 240, SEPT_1, None, weekly_minutes=1200)
    assert expected_delivery(only(twenty_hours), cal, *FULL_WEEK) == expect(5, 1200)
    assert expected_delivery(only(twenty_hours), cal, *EARLY_MAY_BANK_HOLIDAY_WEEK) == expect(4, 960)


# Per-term and per-year lines


def test_a_termly_line_expects_exactly_its_sessions_over_the_whole_term(cal: SchoolCalendar) -> None:
    line = LineTerms(6, Period.TERM, 60, SEPT_1, None)
    assert expected_delivery(only(line), cal, date(2025, 9, 3), date(2025, 12, 19)) == expect(6, 360)


def test_a_termly_line_spreads_its_sessions_over_the_terms_school_days(cal: SchoolCalendar) -> None:
    # Autumn 2025 has 71 school days; the first week of term has 3 of them.
    line = LineTerms(6, Period.TERM, 60, SEPT_1, None)
    assert expected_delivery(only(line), cal, date(2025, 9, 1), date(2025, 9, 7)) == expect(
        Fraction(18, 71), Fraction(1080, 71)
    )


def test_a_termly_line_expects_its_sessions_once_per_term_over_the_year(cal: SchoolCalendar) -> None:
    line = LineTerms(6, Period.TERM, 60, SEPT_1, None)
    assert expected_delivery(only(line), cal, date(2025, 9, 1), date(2026, 8, 31)) == expect(18, 1080)


def test_a_yearly_line_expects_exactly_its_sessions_over_the_school_year(cal: SchoolCalendar) -> None:
    line = LineTerms(38, Period.YEAR, 30, SEPT_1, None)
    assert expected_delivery(only(line), cal, date(2025, 9, 1), date(2026, 8, 31)) == expect(38, 1140)


def test_a_yearly_line_spreads_its_sessions_over_the_years_school_days(cal: SchoolCalendar) -> None:
    # 192 school days in 2025/26.
    line = LineTerms(38, Period.YEAR, 30, SEPT_1, None)
    assert expected_delivery(only(line), cal, *FULL_WEEK) == expect(Fraction(190, 192), Fraction(5700, 192))


# Amendments


V1 = weekly(sessions=2)
V2 = weekly(sessions=3)
AMENDED_ON = date(2025, 9, 10)  # a Wednesday
HISTORY = [(SEPT_1, V1), (AMENDED_ON, V2)]


def test_an_amendment_applies_from_its_effective_date_only(cal: SchoolCalendar) -> None:
    # Monday and Tuesday at 2 a week, Wednesday to Friday at 3 a week.
    assert expected_delivery(HISTORY, cal, *FULL_WEEK) == expect(Fraction(13, 5), 78)


def test_an_amendment_does_not_change_what_was_expected_before_it(cal: SchoolCalendar) -> None:
    before = (date(2025, 9, 1), date(2025, 9, 9))
    assert expected_delivery(HISTORY, cal, *before) == expected_delivery([(SEPT_1, V1)], cal, *before)


@pytest.mark.parametrize(
    "terms",
    [
        weekly(sessions=3),
        LineTerms(1, Period.DAY, 15, SEPT_1, None),
        LineTerms(6, Period.TERM, 40, SEPT_1, None),
        LineTerms(7, Period.YEAR, 50, SEPT_1, None),
        LineTerms(2, Period.WEEK, 25, SEPT_1, None, weekdays=frozenset({1, 3})),
        LineTerms(5, Period.WEEK, 60, SEPT_1, None, weekly_minutes=300),
    ],
    ids=["weekly", "daily", "termly", "yearly", "timetabled", "in-class support"],
)
def test_a_week_cut_on_the_day_of_an_amendment_adds_up_to_the_whole_week(cal: SchoolCalendar, terms: LineTerms) -> None:
    # What stored months rely on: a month with an amendment in it is laid as each version's days apart.
    history = [(SEPT_1, terms), (AMENDED_ON, V2)]
    monday, friday = FULL_WEEK
    before = expected_delivery(history, cal, monday, AMENDED_ON - timedelta(days=1))
    after = expected_delivery(history, cal, AMENDED_ON, friday)
    assert before == expected_delivery([(SEPT_1, terms)], cal, monday, AMENDED_ON - timedelta(days=1))
    assert after == expect(Fraction(9, 5), 54)  # three fifths of the amended 3 × 30 minutes a week
    assert before + after == expected_delivery(history, cal, *FULL_WEEK)


def test_the_terms_in_force_on_a_day(cal: SchoolCalendar) -> None:
    assert terms_in_force(HISTORY, date(2025, 8, 31)) is None
    assert terms_in_force(HISTORY, date(2025, 9, 9)) == V1
    assert terms_in_force(HISTORY, AMENDED_ON) == V2
    assert terms_in_force([], AMENDED_ON) is None


def test_no_terms_are_in_force_outside_the_lines_dates() -> None:
    line = weekly(start=date(2025, 9, 8), end=date(2025, 12, 19))
    history = [(SEPT_1, line)]
    assert terms_in_force(history, date(2025, 9, 5)) is None
    assert terms_in_force(history, date(2025, 12, 19)) == line
    assert terms_in_force(history, date(2026, 1, 5)) is None


def test_of_two_versions_on_the_same_day_the_later_one_wins(cal: SchoolCalendar) -> None:
    history = [(SEPT_1, V1), (SEPT_1, V2)]
    assert terms_in_force(history, date(2025, 9, 10)) == V2
    assert expected_delivery(history, cal, *FULL_WEEK) == expect(3, 90)


def test_a_history_out_of_order_is_read_by_effective_date(cal: SchoolCalendar) -> None:
    assert expected_delivery(list(reversed(HISTORY)), cal, *FULL_WEEK) == expected_delivery(HISTORY, cal, *FULL_WEEK)


def test_expected_by_day_lists_only_days_that_carry_delivery(cal: SchoolCalendar) -> None:
    assert expected_by_day(only(weekly()), cal, date(2025, 9, 12), date(2025, 9, 15)) == {
        date(2025, 9, 12): expect(Fraction(2, 5), 12),
        date(2025, 9, 15): expect(Fraction(2, 5), 12),
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sessions": 0}, "at least one session"),
        ({"minutes_per_session": 0}, "at least one minute"),
        ({"end": date(2025, 8, 31)}, "ends .* before it starts"),
        ({"weekdays": frozenset({5})}, "Monday .* to Friday"),
        ({"weekly_minutes": 0}, "Weekly minutes"),
    ],
)
def test_an_impossible_promise_is_refused(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "sessions": 2,
        "period": Period.WEEK,
        "minutes_per_session": 30,
        "start": SEPT_1,
        "end": None,
    }
    with pytest.raises(ValueError, match=message):
        LineTerms(**{**fields, **kwargs})  # type: ignore[arg-type]


# Properties


# 1 August 2025 to 30 September 2026, one integer per date (quicker to draw than st.dates).
# Offsets from 1 September, so the small numbers Hypothesis favours fall in term, not in the summer holiday.
DAYS = st.integers(min_value=-31, max_value=394).map(lambda n: SEPT_1 + timedelta(days=n))
HOLIDAYS = (
    (date(2025, 10, 24), date(2025, 11, 2)),  # INSET Friday, half-term and both weekends
    (date(2025, 12, 20), date(2026, 1, 5)),  # Christmas, then an INSET day
    (date(2026, 5, 23), date(2026, 5, 31)),  # Spring bank holiday and half-term
    (date(2026, 7, 23), date(2026, 9, 30)),  # summer holiday, beyond the calendar's last term
)


# Strategies are built once here: building them inside a composite on every draw is slow.
SESSIONS = st.integers(min_value=1, max_value=10)
MINUTES = st.integers(min_value=1, max_value=120)
LENGTH_IN_DAYS = st.none() | st.integers(min_value=0, max_value=400)
WEEKDAYS = st.frozensets(st.integers(min_value=0, max_value=4))
# Two None branches of three: most lines are sessions, some are in-class support.
WEEKLY_MINUTES = st.none() | st.none() | st.integers(min_value=1, max_value=1800)

PERIODS = st.sampled_from(Period)


def _line_terms(
    start: date,
    length: int | None,
    sessions: int,
    period: Period,
    minutes: int,
    weekdays: frozenset[int],
    weekly_minutes: int | None,
) -> LineTerms:
    end = None if length is None else start + timedelta(days=length)
    return LineTerms(sessions, period, minutes, start, end, weekdays, weekly_minutes)


def _by_effective_date(versions: list[tuple[date, LineTerms]]) -> list[tuple[date, LineTerms]]:
    return sorted(versions, key=lambda v: v[0])


def _window(start: date, length: int) -> tuple[date, date]:
    return start, start + timedelta(days=length)


def _holiday_window(holiday: tuple[date, date], skip: int, length: int) -> tuple[date, date]:
    first, last = holiday
    start = min(first + timedelta(days=skip), last)
    return start, min(start + timedelta(days=length), last)


LINE_TERMS = st.builds(_line_terms, DAYS, LENGTH_IN_DAYS, SESSIONS, PERIODS, MINUTES, WEEKDAYS, WEEKLY_MINUTES)
HISTORIES = st.lists(st.tuples(DAYS, LINE_TERMS), min_size=1, max_size=3).map(_by_effective_date)
WINDOWS = st.builds(_window, DAYS, st.integers(min_value=-3, max_value=200))
HOLIDAY_WINDOWS = st.builds(
    _holiday_window,
    st.sampled_from(HOLIDAYS),
    st.integers(min_value=0, max_value=70),
    st.integers(min_value=0, max_value=70),
)


@PROPERTY
@given(history=HISTORIES, window=WINDOWS, cut=st.integers(min_value=-1, max_value=201))
def test_expected_delivery_is_additive_over_adjacent_windows(
    cal: SchoolCalendar, history: list[tuple[date, LineTerms]], window: tuple[date, date], cut: int
) -> None:
    start, end = window
    assume(start <= end)
    mid = min(start + timedelta(days=cut), end)
    whole = expected_delivery(history, cal, start, end)
    parts = expected_delivery(history, cal, start, mid) + expected_delivery(history, cal, mid + timedelta(days=1), end)
    assert whole == parts


@PROPERTY
@given(history=HISTORIES, window=WINDOWS)
def test_expected_delivery_is_never_negative_and_is_the_sum_of_its_days(
    cal: SchoolCalendar, history: list[tuple[date, LineTerms]], window: tuple[date, date]
) -> None:
    total = expected_delivery(history, cal, *window)
    assert total.sessions >= 0
    assert total.minutes >= 0
    by_day = expected_by_day(history, cal, *window)
    assert sum(by_day.values(), ZERO) == total
    assert all(cal.is_school_day(d) and terms_in_force(history, d) is not None for d in by_day)


@PROPERTY
@given(line=LINE_TERMS, window=HOLIDAY_WINDOWS)
def test_a_window_with_no_school_days_expects_nothing(
    cal: SchoolCalendar, line: LineTerms, window: tuple[date, date]
) -> None:
    assert cal.count_school_days(*window) == 0
    assert expected_delivery(only(line), cal, *window) == ZERO


@PROPERTY
@given(
    history=HISTORIES,
    window=WINDOWS,
    earlier=st.integers(min_value=0, max_value=60),
    later=st.integers(min_value=0, max_value=60),
)
def test_expected_delivery_never_shrinks_as_the_window_grows(
    cal: SchoolCalendar,
    history: list[tuple[date, LineTerms]],
    window: tuple[date, date],
    earlier: int,
    later: int,
) -> None:
    start, end = window
    inner = expected_delivery(history, cal, start, end)
    outer = expected_delivery(history, cal, start - timedelta(days=earlier), end + timedelta(days=later))
    assert outer.sessions >= inner.sessions
    assert outer.minutes >= inner.minutes


@PROPERTY
@given(
    term_index=st.integers(min_value=0, max_value=2),
    sessions=st.integers(min_value=1, max_value=30),
    minutes=st.integers(min_value=1, max_value=120),
    lead=st.integers(min_value=0, max_value=30),
    margin=st.integers(min_value=0, max_value=10),
)
def test_a_full_term_carries_exactly_the_sessions_of_a_termly_line(
    cal: SchoolCalendar, term_index: int, sessions: int, minutes: int, lead: int, margin: int
) -> None:
    term = cal.terms[term_index]
    line = LineTerms(sessions, Period.TERM, minutes, term.start - timedelta(days=lead), None)
    # Holidays either side of the term add nothing.
    window = (term.start - timedelta(days=margin), term.end + timedelta(days=margin))
    assert expected_delivery(only(line), cal, *window) == expect(sessions, sessions * minutes)


@PROPERTY
@given(history=HISTORIES, amendment=LINE_TERMS, effective_from=DAYS, window=WINDOWS)
def test_a_new_version_never_alters_expected_delivery_before_its_effective_date(
    cal: SchoolCalendar,
    history: list[tuple[date, LineTerms]],
    amendment: LineTerms,
    effective_from: date,
    window: tuple[date, date],
) -> None:
    start, end = window
    before = min(end, effective_from - timedelta(days=1))
    amended = sorted([*history, (effective_from, amendment)], key=lambda v: v[0])
    assert expected_delivery(amended, cal, start, before) == expected_delivery(history, cal, start, before)


def test_a_moved_childs_termly_line_weighs_each_day_by_the_term_of_the_school_they_were_at():
    oak = SchoolCalendar(terms=(Term("Spring", date(2026, 1, 5), date(2026, 3, 27)),))
    elm = SchoolCalendar(terms=(Term("Spring", date(2026, 1, 6), date(2026, 3, 31)),))
    moved = ChildCalendar((Stint(oak, None, date(2026, 1, 13)), Stint(elm, date(2026, 1, 14), None)))
    line = [(date(2026, 1, 5), LineTerms(6, Period.TERM, 60, date(2026, 1, 5), None))]
    whole_term = expected_delivery(line, moved, date(2026, 1, 5), date(2026, 3, 31))
    # Oak's 7 days of its 60-day term, then Elm's 55 of its 61 days (each term's 6 sessions spread on its own days).
    assert whole_term.sessions == Fraction(6 * 7, 60) + Fraction(6 * 55, 61)
    assert whole_term == expected_delivery(line, oak, date(2026, 1, 5), date(2026, 1, 13)) + expected_delivery(
        line, elm, date(2026, 1, 14), date(2026, 3, 31)
    )
