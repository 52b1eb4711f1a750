"""The family's count and the records request's deadlines, worked by hand."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from provision_ledger.rules.delivery import LineTerms, Period, expected_delivery
from provision_ledger.rules.family_record import (
    Report,
    Source,
    count_told,
    family_saw_sentence,
    is_maintained,
    one_month_after,
    records_deadlines,
    school_days_after,
    school_said_sentence,
    told_sentence,
    typical_english_calendar,
)

SCHOOL = Source.SCHOOL_WRITING
CALENDAR = typical_english_calendar(2025, 2026)


def test_one_motor_skills_session_told_of_49_leaves_48_unknown():
    count = count_told(49, [Report(SCHOOL, 1, True)])
    assert (count.school_told, count.unknown) == (1, 48)
    assert told_sentence(count, "October") == (
        "The school has told you about 1 of the 49 sessions the plan promised since October; "
        "you have no information about the other 48."
    )
    assert school_said_sentence(count) == "It said 1 took place and 0 did not."


def test_what_the_child_or_parent_saw_is_never_counted_as_the_schools_word():
    count = count_told(
        10, [Report(Source.CHILD, 2, True), Report(Source.PARENT, 1, False), Report(Source.DIARY, 3, False)]
    )
    assert (count.school_took_place, count.school_did_not, count.unknown) == (0, 3, 7)
    assert (count.family_took_place, count.family_did_not) == (2, 1)
    assert family_saw_sentence(count) == (
        "From your child and your own observations: 2 took place and 1 did not. "
        "These are not counted as the school’s word."
    )


def test_nothing_told_and_everything_told_read_plainly():
    assert told_sentence(count_told(12, []), "September") == (
        "The school has not told you about any of the 12 sessions the plan promised since September; "
        "you have no information about them."
    )
    assert told_sentence(count_told(2, [Report(SCHOOL, 3, True)]), "May") == (
        "The school has told you about all 2 sessions the plan promised since May."
    )
    assert count_told(2, [Report(SCHOOL, 3, True)]).unknown == 0


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="fewer than no sessions"):
        count_told(3, [Report(SCHOOL, -1, True)])


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 9, 3), date(2026, 10, 3)),
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2024, 1, 31), date(2024, 2, 29)),
        (date(2026, 12, 15), date(2027, 1, 15)),
    ],
)
def test_subject_access_is_due_on_the_same_date_next_month_or_that_months_last_day(received, due):
    assert one_month_after(received) == due


def test_fifteen_school_days_skip_the_autumn_half_term():
    # Typical 2025 autumn term: Tuesday 2 September; half term Monday 27 to Friday 31 October.
    # Received Monday 6 October: 7-10 Oct (4), 13-17 (9), 20-24 (14), half term, Monday 3 November (15).
    assert school_days_after(date(2025, 10, 6), 15, CALENDAR) == date(2025, 11, 3)


def test_fifteen_school_days_skip_the_easter_holiday():
    # Spring 2026 ends Friday 27 March; summer starts Monday 13 April. 23-27 Mar (5), 13-17 Apr (10), 20-24 Apr (15).
    assert school_days_after(date(2026, 3, 20), 15, CALENDAR) == date(2026, 4, 24)


def test_an_academy_has_no_educational_record_deadline_but_the_month_still_runs():
    deadlines = records_deadlines(date(2025, 10, 6), False, CALENDAR)
    assert (deadlines.educational_record, deadlines.subject_access) == (None, date(2025, 11, 6))
    assert records_deadlines(date(2025, 10, 6), True, CALENDAR).educational_record == date(2025, 11, 3)
    assert records_deadlines(date(2025, 10, 6), None, CALENDAR).educational_record == date(2025, 11, 3)


@pytest.mark.parametrize(
    ("kind", "maintained"),
    [
        ("Community school", True),
        ("Voluntary aided school", True),
        ("Academy converter", False),
        ("Free schools", False),
        ("Other independent school", False),
        ("Pupil referral unit", None),
    ],
)
def test_maintained_schools_by_their_gias_type(kind, maintained):
    assert is_maintained(kind) is maintained


def test_one_session_a_week_over_two_typical_school_weeks_is_two():
    terms = LineTerms(sessions=1, period=Period.WEEK, minutes_per_session=20, start=date(2025, 10, 6), end=None)
    expected = expected_delivery([(terms.start, terms)], CALENDAR, date(2025, 10, 6), date(2025, 10, 17))
    assert expected.sessions == Fraction(2)
