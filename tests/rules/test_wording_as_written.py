"""The checker and extraction on wording as people write it: roles in any case and with their training, roles offered
as alternatives, statements that say how much but not what, ranges wherever the unit falls, and totals of hours."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provision_ledger.rules.extraction import Role, delivering_role, extract
from provision_ledger.rules.wording import REDBRIDGE, FindingKind, check_statement


def kinds(text: str) -> list[FindingKind]:
    return [f.kind for f in check_statement(text).findings]


@pytest.mark.parametrize(
    ("text", "role", "qualification"),
    [
        ("Phonics for 20 minutes daily with a ta.", Role.TA, ""),
        (
            "Talk Boost for 30 minutes twice a week by a TA trained to deliver Talk Boost.",
            Role.TA,
            "TA trained to deliver Talk Boost",
        ),
        (
            "Lego therapy for 45 minutes weekly from an adult trained in Lego-based therapy.",
            Role.OTHER,
            "adult trained in Lego-based therapy",
        ),
        (
            "Signing for 15 minutes daily from a Makaton-trained teaching assistant.",
            Role.TA,
            "Makaton-trained teaching assistant",
        ),
        ("Emotional literacy for 30 minutes weekly with an ELSA-trained TA.", Role.TA, "ELSA-trained TA"),
        ("Reading for 20 minutes daily with the senco.", Role.SENCO, ""),
        ("Maths for 30 minutes three times a week with an hlta.", Role.HLTA, ""),
    ],
)
def test_who_delivers_is_read_in_any_case_and_with_the_training_as_written(text, role, qualification):
    who = delivering_role(text)
    assert who is not None
    assert (who.role, who.qualification) == (role, qualification)
    assert FindingKind.MISSING_WHO not in kinds(text)


def test_an_adult_with_no_training_named_is_still_not_who_delivers():
    assert kinds("Reading for 20 minutes daily with an adult.") == [FindingKind.MISSING_WHO, FindingKind.HEDGE]


def test_two_roles_offered_as_alternatives_leave_the_expertise_open():
    check = check_statement("Precision teaching for 10 minutes daily by a TA or an HLTA.")
    (finding,) = check.findings
    assert (finding.kind, finding.words, finding.source) == (
        FindingKind.EXPERTISE_OPEN,
        "TA or an HLTA",
        "SEND Code of Practice 9.69",
    )


@pytest.mark.parametrize(
    "text",
    [
        "One hour a week of support from an educational psychologist.",
        "Help from a teaching assistant for 30 minutes each day.",
    ],
)
def test_time_from_a_kind_of_professional_with_no_content_is_flagged_citing_redbridge(text):
    (finding,) = check_statement(text).findings
    assert (finding.kind, finding.source) == (FindingKind.NO_CONTENT, REDBRIDGE)
    assert REDBRIDGE == "LB Redbridge v HO [2020] UKUT 323"


@pytest.mark.parametrize(
    "text",
    [
        "15 hours per week of 1:1 support from a teaching assistant.",
        "A teaching assistant will support him in all lessons.",
        "One hour a week of support from an educational psychologist to deliver a precision teaching programme.",
    ],
)
def test_hours_of_in_class_support_and_support_that_names_its_content_are_not_flagged(text):
    assert FindingKind.NO_CONTENT not in kinds(text)


def test_a_range_is_caught_when_its_unit_comes_later():
    text = "4-6 fortnightly 45-minute sessions of speech and language therapy from a SALT."
    check = check_statement(text)
    assert [(f.kind, f.words) for f in check.findings] == [(FindingKind.RANGE, "4-6 fortnightly 45-minute sessions")]


def test_extraction_never_proposes_the_upper_bound_of_a_range_and_says_why():
    proposal = extract("4-6 fortnightly 45-minute sessions of speech and language therapy from a SALT.")
    assert proposal is not None
    assert (proposal.sessions, proposal.minutes_per_session) == (None, 45)
    assert proposal.notes == (
        "“4-6 fortnightly 45-minute sessions” is a range: nothing is proposed for it, because a range promises "
        "only its least (4). Ask for one amount.",
    )
    timed = extract("20-30 minutes of phonics 3 times a week with a TA.")
    assert timed is not None
    assert (timed.sessions, timed.minutes_per_session) == (3, None)


def _weekly_minutes(text: str) -> float:
    """What a proposal promises a week, at most: a missing term proposes nothing (0)."""
    line = extract(text)
    if line is None:
        return 0
    if line.weekly_minutes is not None:
        return line.weekly_minutes
    if line.sessions is None or line.minutes_per_session is None or line.period is None:
        return 0
    per_week = {"day": 5, "week": 1, "term": 1 / 13, "year": 1 / 38}[line.period.value]
    return line.sessions * line.minutes_per_session * per_week


@settings(max_examples=150, deadline=None)
@given(
    low=st.integers(1, 5),
    extra=st.integers(1, 4),
    minutes=st.sampled_from([10, 15, 20, 30, 45, 60]),
    more=st.sampled_from([5, 10, 15]),
    joiner=st.sampled_from(["-", " to ", " or ", "–"]),
    shape=st.integers(0, 3),
)
def test_extraction_never_proposes_more_minutes_than_the_statements_smallest_reading(
    low, extra, minutes, more, joiner, shape
):
    high = low + extra
    statements = [
        f"{low}{joiner}{high} sessions a week of {minutes} minutes of phonics with a teaching assistant.",
        f"{low} sessions a week of {minutes}{joiner}{minutes + more} minutes of phonics with a teaching assistant.",
        f"{low}{joiner}{high} weekly {minutes}-minute sessions of phonics with a teaching assistant.",
        f"Phonics with a teaching assistant for {minutes}{joiner}{minutes + more} minutes, {low} times a week.",
    ]
    smallest = [low * minutes, low * minutes, low * minutes, low * minutes][shape]
    text = statements[shape]
    assert _weekly_minutes(text) <= smallest
    assert FindingKind.RANGE in kinds(text)


def test_a_total_of_hours_a_week_is_read_as_hours_a_week_however_it_is_worded():
    proposal = extract("12 hours support per week from a teaching assistant.")
    assert proposal is not None
    assert (proposal.weekly_minutes, proposal.sessions, proposal.minutes_per_session) == (720, None, None)


def test_hours_with_no_period_are_not_proposed_as_one_long_session():
    proposal = extract("27.5 hours of 1:1 support from a teaching assistant.")
    assert proposal is not None
    assert (proposal.weekly_minutes, proposal.minutes_per_session) == (None, None)
    assert proposal.notes == ("“27.5 hours” has no period: enter the hours a week it comes to.",)
    assert kinds("27.5 hours of 1:1 support from a teaching assistant.") == [FindingKind.MISSING_HOURS]
