"""The school calendar: which days a school in England teaches (academic year 2025/26)."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provision_ledger.rules.calendar import (
    ChildCalendar,
    SchoolCalendar,
    Stint,
    Term,
    academic_year_bounds,
    bank_holidays,
)

# The project-wide conftest adds a harmless function-scoped autouse fixture; the calendar is immutable.
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# 1 August 2025 to 30 September 2026, one integer per date (quicker to draw than st.dates).
YEAR_DAYS = st.integers(min_value=0, max_value=425).map(lambda n: date(2025, 8, 1) + timedelta(days=n))


def test_an_ordinary_weekday_in_term_is_a_school_day(cal: SchoolCalendar) -> None:
    assert cal.is_school_day(date(2025, 9, 10))


def test_weekends_are_not_school_days(cal: SchoolCalendar) -> None:
    assert not cal.is_school_day(date(2025, 9, 13))
    assert not cal.is_school_day(date(2025, 9, 14))


def test_the_half_term_break_is_not_school_days(cal: SchoolCalendar) -> None:
    assert cal.count_school_days(date(2025, 10, 27), date(2025, 10, 31)) == 0


def test_an_inset_day_is_not_a_school_day(cal: SchoolCalendar) -> None:
    assert not cal.is_school_day(date(2025, 10, 24))
    assert not cal.is_school_day(date(2026, 1, 5))


def test_a_closure_day_is_not_a_school_day(cal: SchoolCalendar) -> None:
    assert not cal.is_school_day(date(2025, 11, 20))


def test_the_early_may_bank_holiday_in_term_is_not_a_school_day(cal: SchoolCalendar) -> None:
    assert not cal.is_school_day(date(2026, 5, 4))
    assert cal.is_school_day(date(2026, 5, 5))


def test_days_between_terms_are_not_school_days(cal: SchoolCalendar) -> None:
    assert cal.count_school_days(date(2025, 12, 20), date(2026, 1, 4)) == 0
    assert cal.count_school_days(date(2026, 7, 23), date(2026, 8, 31)) == 0


def test_bank_holidays_of_england_and_wales_2026() -> None:
    assert bank_holidays([2026]) == frozenset(
        {
            date(2026, 1, 1),
            date(2026, 4, 3),
            date(2026, 4, 6),
            date(2026, 5, 4),
            date(2026, 5, 25),
            date(2026, 8, 31),
            date(2026, 12, 25),
            date(2026, 12, 26),  # Boxing Day falls on a Saturday...
            date(2026, 12, 28),  # ...so the substitute bank holiday is the Monday
        }
    )


def test_bank_holidays_over_several_years_are_the_union_of_each_year() -> None:
    assert bank_holidays([2025, 2026]) == bank_holidays([2025]) | bank_holidays([2026])
    assert bank_holidays([]) == frozenset()


def test_school_days_in_each_term_of_2025_26(cal: SchoolCalendar) -> None:
    # Autumn: 78 weekdays from Wed 3 Sep, less 5 half-term days, 1 INSET day and 1 closure.
    assert cal.count_school_days(date(2025, 9, 3), date(2025, 12, 19)) == 71
    # Spring: 60 weekdays, less 5 half-term days and 1 INSET day.
    assert cal.count_school_days(date(2026, 1, 5), date(2026, 3, 27)) == 54
    # Summer: 73 weekdays to Wed 22 Jul, less 5 half-term days and the Early May bank holiday.
    assert cal.count_school_days(date(2026, 4, 13), date(2026, 7, 22)) == 67
    assert cal.count_school_days(date(2025, 9, 1), date(2026, 8, 31)) == 192


def test_school_days_are_inclusive_and_in_order(cal: SchoolCalendar) -> None:
    assert cal.school_days(date(2025, 9, 5), date(2025, 9, 9)) == [
        date(2025, 9, 5),
        date(2025, 9, 8),
        date(2025, 9, 9),
    ]


def test_an_empty_window_has_no_school_days(cal: SchoolCalendar) -> None:
    assert cal.school_days(date(2025, 9, 9), date(2025, 9, 8)) == []
    assert cal.count_school_days(date(2025, 9, 9), date(2025, 9, 8)) == 0


def test_a_term_has_two_halves_either_side_of_its_break() -> None:
    autumn = Term("Autumn 2025", date(2025, 9, 3), date(2025, 12, 19), date(2025, 10, 27), date(2025, 10, 31))
    assert autumn.halves() == (
        (date(2025, 9, 3), date(2025, 10, 26)),
        (date(2025, 11, 1), date(2025, 12, 19)),
    )


def test_a_term_without_a_break_is_one_half() -> None:
    term = Term("Summer 2026", date(2026, 4, 13), date(2026, 5, 22))
    assert term.halves() == ((date(2026, 4, 13), date(2026, 5, 22)),)


def test_the_term_containing_a_day_includes_its_half_term_break(cal: SchoolCalendar) -> None:
    term = cal.term_containing(date(2025, 10, 29))
    assert term is not None
    assert term.name == "Autumn 2025"
    assert cal.term_containing(date(2025, 12, 25)) is None


def test_the_half_term_containing_a_day(cal: SchoolCalendar) -> None:
    assert cal.half_term_containing(date(2026, 6, 1)) == (date(2026, 5, 30), date(2026, 7, 22))
    assert cal.half_term_containing(date(2026, 5, 27)) is None
    assert cal.half_term_containing(date(2026, 8, 3)) is None


@pytest.mark.parametrize(
    ("day", "bounds"),
    [
        (date(2025, 9, 1), (date(2025, 9, 1), date(2026, 8, 31))),
        (date(2026, 8, 31), (date(2025, 9, 1), date(2026, 8, 31))),
        (date(2025, 8, 31), (date(2024, 9, 1), date(2025, 8, 31))),
        (date(2026, 1, 1), (date(2025, 9, 1), date(2026, 8, 31))),
    ],
)
def test_the_academic_year_runs_from_1_september_to_31_august(
    cal: SchoolCalendar, day: date, bounds: tuple[date, date]
) -> None:
    assert cal.academic_year_bounds(day) == bounds
    assert academic_year_bounds(day) == bounds


@pytest.mark.parametrize(
    ("start", "end", "break_start", "break_end"),
    [
        (date(2025, 9, 3), date(2025, 9, 2), None, None),
        (date(2025, 9, 3), date(2025, 12, 19), date(2025, 10, 27), None),
        (date(2025, 9, 3), date(2025, 12, 19), date(2025, 10, 31), date(2025, 10, 27)),
        (date(2025, 9, 3), date(2025, 12, 19), date(2025, 9, 3), date(2025, 9, 5)),
        (date(2025, 9, 3), date(2025, 12, 19), date(2025, 12, 15), date(2025, 12, 19)),
    ],
)
def test_an_inconsistent_term_is_refused(
    start: date, end: date, break_start: date | None, break_end: date | None
) -> None:
    with pytest.raises(ValueError, match="Autumn 2025"):
        Term("Autumn 2025", start, end, break_start, break_end)


@PROPERTY
@given(day=YEAR_DAYS)
def test_a_school_day_is_a_weekday_in_term_outside_every_holiday(cal: SchoolCalendar, day: date) -> None:
    term = cal.term_containing(day)
    expected = (
        day.weekday() < 5
        and term is not None
        and cal.half_term_containing(day) is not None
        and day not in cal.inset_days
        and day not in cal.closures
        and day not in bank_holidays([day.year])
    )
    assert cal.is_school_day(day) == expected


@PROPERTY
@given(start=YEAR_DAYS, length=st.integers(min_value=0, max_value=400))
def test_counting_school_days_agrees_with_listing_them(cal: SchoolCalendar, start: date, length: int) -> None:
    end = start + timedelta(days=length)
    days = cal.school_days(start, end)
    assert cal.count_school_days(start, end) == len(days)
    assert days == sorted(days)
    assert all(cal.is_school_day(d) and start <= d <= end for d in days)


def _two_schools() -> ChildCalendar:
    """Oak until Tuesday 13 January 2026, Elm from the 14th; Oak's spring term starts on the 5th, Elm's on the 6th."""
    oak = SchoolCalendar(
        terms=(Term("Autumn 2025", date(2025, 9, 3), date(2025, 12, 19)), Term("Spring 2026", date(2026, 1, 5),
               date(2026, 3, 27), date(2026, 2, 16), date(2026, 2, 20))),
        closures=frozenset({date(2026, 1, 9)}),
    )  # fmt: skip
    elm = SchoolCalendar(
        terms=(Term("Spring term", date(2026, 1, 6), date(2026, 3, 31), date(2026, 2, 9), date(2026, 2, 13)),),
        inset_days=frozenset({date(2026, 1, 15)}),
    )
    return ChildCalendar((Stint(oak, None, date(2026, 1, 13)), Stint(elm, date(2026, 1, 14), None)))


def test_a_moved_childs_days_are_each_on_the_calendar_of_the_school_they_were_at():
    calendar = _two_schools()
    # Oak's closure on the 9th and Elm's INSET day on the 15th both count; Elm's own first day, the 6th, does not.
    assert calendar.school_days(date(2026, 1, 5), date(2026, 1, 16)) == [
        date(2026, 1, 5), date(2026, 1, 6), date(2026, 1, 7), date(2026, 1, 8), date(2026, 1, 12),
        date(2026, 1, 13), date(2026, 1, 14), date(2026, 1, 16),
    ]  # fmt: skip
    assert calendar.count_school_days(date(2026, 1, 5), date(2026, 1, 16)) == 8
    assert (calendar.is_school_day(date(2026, 1, 9)), calendar.is_school_day(date(2026, 1, 15))) == (False, False)
    assert calendar.is_school_day(date(2026, 1, 16)) is True


def test_a_moved_childs_terms_and_half_terms_are_the_schools_they_were_at_and_the_term_they_moved_in_is_the_new_one():
    calendar = _two_schools()
    assert [t.name for t in calendar.terms] == ["Autumn 2025", "Spring term"]
    assert calendar.term_containing(date(2026, 1, 12)).name == "Spring 2026"
    assert calendar.term_containing(date(2026, 1, 14)).name == "Spring term"
    # Half-term at Elm is 9 to 13 February, Oak's a week later.
    assert calendar.half_term_containing(date(2026, 2, 17)) == (date(2026, 2, 14), date(2026, 3, 31))
    assert calendar.half_term_containing(date(2026, 2, 10)) is None
    assert calendar.academic_year_bounds(date(2026, 1, 14)) == (date(2025, 9, 1), date(2026, 8, 31))


def test_before_the_first_school_and_after_the_last_there_are_no_days():
    elm = SchoolCalendar(terms=(Term("Spring", date(2026, 1, 6), date(2026, 3, 31)),))
    calendar = ChildCalendar((Stint(elm, date(2026, 1, 14), date(2026, 2, 27)),))
    assert calendar.is_school_day(date(2026, 1, 13)) is False
    assert calendar.term_containing(date(2026, 3, 2)) is None
    assert calendar.half_term_containing(date(2026, 3, 2)) is None
    assert calendar.count_school_days(date(2026, 3, 2), date(2026, 3, 6)) == 0
