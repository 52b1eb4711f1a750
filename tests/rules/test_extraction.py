"""Reading a provision line's terms out of a statement: sessions, minutes, period, who and group size."""

import pytest

from provision_ledger.rules.delivery import Period
from provision_ledger.rules.extraction import ProposedLine, Role, extract


def terms(text: str) -> tuple[int | None, int | None, Period | None]:
    line = extract(text)
    assert line is not None
    return line.sessions, line.minutes_per_session, line.period


def test_the_brief_example_proposes_the_whole_line() -> None:
    text = "2 x 30 minute sessions per week of speech and language therapy delivered by a qualified SALT"
    assert extract(text) == ProposedLine(
        description="speech and language therapy",
        sessions=2,
        minutes_per_session=30,
        period=Period.WEEK,
        weekly_minutes=None,
        delivered_by=Role.SALT,
        qualification="qualified SALT",
        group_size=1,
        notes=(),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("one hour of speech and language therapy a week", (1, 60, Period.WEEK)),
        ("an hour a week", (1, 60, Period.WEEK)),
        ("half an hour, twice weekly", (2, 30, Period.WEEK)),
        ("three times a week for 20 minutes", (3, 20, Period.WEEK)),
        ("twice a day for 10 mins", (2, 10, Period.DAY)),
        ("15 minutes daily", (1, 15, Period.DAY)),
        ("for 15 minutes every morning", (1, 15, Period.DAY)),
        ("a 30-minute session weekly", (1, 30, Period.WEEK)),
        ("2 x 30 mins per week", (2, 30, Period.WEEK)),
        ("2 × 45 minutes each week", (2, 45, Period.WEEK)),
        ("three 20-minute sessions a week", (3, 20, Period.WEEK)),
        ("two individual speech and language therapy sessions per week of 30 minutes", (2, 30, Period.WEEK)),
        ("an hour and a half each week", (1, 90, Period.WEEK)),
        ("one and a half hours once a week", (1, 90, Period.WEEK)),
        ("three quarters of an hour on Tuesdays", (1, 45, Period.WEEK)),
        ("20 minutes every Monday and Thursday", (2, 20, Period.WEEK)),
        ("15 minutes on four days a week", (4, 15, Period.WEEK)),
        ("one hour termly", (1, 60, Period.TERM)),
        ("6 sessions of 45 minutes per term", (6, 45, Period.TERM)),
        ("once a year for 60 minutes", (1, 60, Period.YEAR)),
        ("forty-five minutes per week", (1, 45, Period.WEEK)),
        ("thirty minutes, once per week during term time", (1, 30, Period.WEEK)),
    ],
)
def test_numbers_and_frequencies_in_figures_or_words(text: str, expected: tuple[int, int, Period]) -> None:
    assert terms(text) == expected


def test_fortnightly_is_19_a_year_with_a_note_to_confirm() -> None:
    line = extract("A 45-minute occupational therapy session fortnightly")
    assert line is not None
    assert (line.sessions, line.minutes_per_session, line.period) == (19, 45, Period.YEAR)
    assert line.notes == (
        "“fortnightly” read as 19 a year for each one a fortnight (a 38-week school year); "
        "please confirm against the school's calendar.",
    )


def test_every_two_weeks_is_fortnightly() -> None:
    assert terms("30 minutes every two weeks") == (19, 30, Period.YEAR)


def test_two_sessions_a_fortnight_are_38_a_year() -> None:
    assert terms("2 x 30 minutes fortnightly") == (38, 30, Period.YEAR)


def test_half_termly_is_six_a_year_with_a_note_to_confirm() -> None:
    line = extract("One hour of speech and language therapy half-termly")
    assert line is not None
    assert (line.sessions, line.minutes_per_session, line.period) == (6, 60, Period.YEAR)
    assert line.notes == ("“half-termly” read as 6 a year for each one a half-term; please confirm.",)


def test_monthly_has_no_period_and_says_so() -> None:
    line = extract("A 60-minute visit monthly from the educational psychologist")
    assert line is not None
    assert (line.sessions, line.minutes_per_session, line.period) == (None, 60, None)
    assert line.notes == ("“monthly”: the ledger has no monthly period; enter it per term.",)
    assert line.missing == ("description", "sessions", "period")


def test_hours_a_week_of_support_are_weekly_minutes_with_no_session_count() -> None:
    line = extract("15 hours per week of 1:1 support from a teaching assistant")
    assert line is not None
    assert (line.sessions, line.minutes_per_session, line.period, line.weekly_minutes) == (None, None, None, 900)
    assert line.missing == ()


def test_one_hour_a_week_is_one_session_not_weekly_minutes() -> None:
    line = extract("One hour a week of social skills with a TA")
    assert line is not None
    assert (line.sessions, line.minutes_per_session, line.weekly_minutes) == (1, 60, None)


def test_a_review_frequency_is_not_the_delivery_frequency() -> None:
    assert terms("Handwriting for 10 minutes daily with a TA, reviewed termly by the OT") == (1, 10, Period.DAY)


def test_whole_timetable_cover_asks_for_the_weekly_minutes() -> None:
    line = extract("A teaching assistant will support him in all lessons")
    assert line is not None
    assert (line.sessions, line.minutes_per_session, line.weekly_minutes) == (None, None, None)
    assert line.notes == ("“in all lessons”: set the weekly minutes from the school's timetable.",)


def test_a_statement_saying_neither_how_often_nor_how_long_proposes_nothing() -> None:
    assert extract("Access to speech and language therapy") is None


def test_a_proposal_lists_what_it_could_not_find() -> None:
    line = extract("Phonics weekly with a TA")
    assert line is not None
    assert line.missing == ("minutes_per_session",)
    assert not line.complete


# Who


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("with a teaching assistant", Role.TA),
        ("with an LSA", Role.TA),
        ("with a learning support assistant", Role.TA),
        ("with the ELSA", Role.TA),
        ("with an HLTA", Role.HLTA),
        ("with a higher level teaching assistant", Role.HLTA),
        ("with the class teacher", Role.TEACHER),
        ("with a specialist teacher", Role.SPECIALIST_TEACHER),
        ("with a qualified teacher of the deaf", Role.SPECIALIST_TEACHER),
        ("with the SENCO", Role.SENCO),
        ("with a speech and language therapist", Role.SALT),
        ("with a SALT", Role.SALT),
        ("with an occupational therapist", Role.OT),
        ("with the OT", Role.OT),
        ("with a physiotherapist", Role.PHYSIO),
        ("with an educational psychologist", Role.EP),
        ("with a school counsellor", Role.OTHER),
    ],
)
def test_the_delivering_role_maps_to_its_code(text: str, role: Role) -> None:
    line = extract(f"30 minutes weekly {text}")
    assert line is not None
    assert line.delivered_by is role


def test_qualification_is_the_role_with_its_training() -> None:
    line = extract("20 minutes daily with a teaching assistant trained in Makaton")
    assert line is not None
    assert line.qualification == "teaching assistant trained in Makaton"


def test_a_registration_before_the_role_is_its_qualification() -> None:
    line = extract("Weekly 1:1 counselling (50 minutes) with a BACP-registered counsellor")
    assert line is not None
    assert (line.delivered_by, line.qualification, line.description) == (
        Role.OTHER,
        "BACP-registered counsellor",
        "counselling",
    )


def test_the_role_that_writes_the_programme_is_not_the_one_who_delivers_it() -> None:
    text = (
        "15 minutes every day on a speech programme written and monitored by a qualified SALT, "
        "with a classroom assistant"
    )
    line = extract(text)
    assert line is not None
    assert line.delivered_by is Role.TA


def test_direct_therapy_is_delivered_by_its_therapist() -> None:
    line = extract("A 45-minute occupational therapy session every week")
    assert line is not None
    assert (line.delivered_by, line.qualification) == (Role.OT, "")


def test_a_therapy_programme_does_not_say_who_delivers_it() -> None:
    line = extract("An occupational therapy programme for 10 minutes daily")
    assert line is not None
    assert line.delivered_by is None


# Group size


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("30 minutes weekly with a TA", 1),
        ("30 minutes weekly 1:1 with a TA", 1),
        ("30 minutes weekly one-to-one with a TA", 1),
        ("30 minutes weekly in a group of 4 with a TA", 4),
        ("30 minutes weekly in a group of no more than 3 learners", 3),
        ("2 hours per week of small group (maximum 6 pupils) literacy", 6),
        ("30 minutes weekly in a small group of up to 6", 6),
        ("30 minutes weekly at a ratio of 1 adult to 3 pupils", 3),
        ("30 minutes weekly in a 1:4 group", 4),
        ("30 minutes weekly in pairs", 2),
        ("30 minutes weekly with the rest of the Year 6 pupils", 1),
    ],
)
def test_group_size_is_one_unless_a_group_is_stated(text: str, size: int) -> None:
    line = extract(text)
    assert line is not None
    assert line.group_size == size
