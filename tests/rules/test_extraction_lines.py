"""Extraction that never overstates: two provisions in one statement are two lines, a block of weeks is an end,
and across every line a statement proposes, no more minutes than its smallest reading."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from provision_ledger.rules.delivery import Period
from provision_ledger.rules.extraction import Role, block, extract, extract_lines

MIXED = "1:1 support from a teaching assistant for 20 hours a week and 10 minutes of precision teaching daily."


def test_hours_a_week_and_daily_sessions_in_one_statement_are_two_lines():
    first, second = extract_lines(MIXED)
    assert (first.weekly_minutes, first.sessions, first.delivered_by) == (1200, None, Role.TA)
    assert (second.sessions, second.minutes_per_session, second.period, second.weekly_minutes) == (
        1,
        10,
        Period.DAY,
        None,
    )
    assert second.description == "precision teaching"
    assert second.delivered_by is Role.TA  # the statement's deliverer, as the part names none


def test_a_statement_of_one_provision_is_one_line_and_a_review_clause_is_not_a_second():
    text = "2 x 30 minute sessions per week of speech and language therapy delivered by a SALT and reviewed termly."
    lines = extract_lines(text)
    assert lines == [extract(text)]


def test_a_statement_with_no_amount_proposes_no_line():
    assert extract_lines("Access to a sensory room.") == []


def test_a_block_of_weeks_or_terms_gives_the_weeks_the_line_runs():
    assert extract("Precision teaching for 10 minutes daily with a TA for 10 weeks.").weeks == 10
    termly = extract("Lego therapy for 45 minutes weekly for one term from an adult trained in Lego-based therapy.")
    assert termly.weeks == 12
    assert termly.notes == (
        "“for one term” is taken as 12 weeks from the start: check the end date against the school's term dates.",
    )
    assert block("Phonics daily for 2 half-terms.")[1] == 12
    assert extract("Phonics for 20 minutes daily with a TA.").weeks is None


def test_term_time_is_not_a_block():
    assert block("Phonics for 20 minutes daily with a TA for one term time only.") is None


_PER_WEEK = {"day": 5, "week": 1, "term": 1 / 13, "year": 1 / 38}


def _weekly(text: str) -> float:
    total = 0.0
    for line in extract_lines(text):
        if line.weekly_minutes is not None:
            total += line.weekly_minutes
        elif line.sessions and line.minutes_per_session and line.period:
            total += line.sessions * line.minutes_per_session * _PER_WEEK[line.period.value]
    return total


@settings(max_examples=120, deadline=None)
@given(
    hours=st.integers(2, 30),
    low=st.integers(1, 4),
    extra=st.integers(1, 3),
    minutes=st.sampled_from([10, 15, 20, 30]),
    joiner=st.sampled_from(["-", " to ", " or "]),
    ranged=st.booleans(),
)
def test_every_line_of_a_mixed_statement_together_never_exceed_its_smallest_reading(
    hours, low, extra, minutes, joiner, ranged
):
    count = f"{low}{joiner}{low + extra}" if ranged else str(low)
    text = (
        f"1:1 support from a teaching assistant for {hours} hours a week and {count} sessions a week of "
        f"{minutes} minutes of precision teaching."
    )
    assert _weekly(text) <= hours * 60 + low * minutes


def test_a_statement_proposes_at_most_four_lines_however_many_it_joins():
    text = ("10 minutes of phonics daily with a TA and " * 40).rstrip(" and")
    assert len(extract_lines(text)) == 4
