"""A provision line's wording with its terms, parent hints, Section F in a whole plan and its areas of need."""

from hypothesis import given, settings
from hypothesis import strategies as st

from provision_ledger.rules.delivery import Period
from provision_ledger.rules.wording import (
    FindingKind,
    ProvisionFields,
    area_of_need,
    check_line,
    check_statement,
    parent_hint,
    section_f,
    split_statements,
)

TERMS = ProvisionFields(sessions=2, period=Period.WEEK, minutes_per_session=30, delivered_by="ta", group_size=1)


def test_a_line_whose_terms_are_set_is_specific_when_its_words_are() -> None:
    assert check_line("Motor Skills programme", "", TERMS).specific is True


def test_a_lines_terms_do_not_excuse_vague_words_in_its_description_or_qualification() -> None:
    check = check_line("Access to a sensory room", "appropriately trained staff", TERMS)
    assert [(f.kind, f.words) for f in check.description.findings] == [(FindingKind.HEDGE, "Access to")]
    assert [(f.kind, f.words) for f in check.qualification.findings] == [(FindingKind.HEDGE, "appropriately")]
    assert check.specific is False


def test_a_qualification_is_not_asked_how_often_or_how_long() -> None:
    check = check_line("Phonics", "trained in Read Write Inc", ProvisionFields())
    assert {f.kind for f in check.qualification.findings} == set()
    assert {f.kind for f in check.description.findings} == {
        FindingKind.MISSING_FREQUENCY,
        FindingKind.MISSING_DURATION,
        FindingKind.MISSING_WHO,
    }


def test_parent_hints_say_what_to_ask_for_in_plain_words() -> None:
    hints = [parent_hint(f) for f in check_statement("Speech therapy with a SALT for 30 minutes.").findings]
    assert hints == ["This line does not say how often it happens. Ask the school to write how many sessions a week."]


def test_every_kind_of_finding_has_a_parent_hint() -> None:
    statement = "Up to 2 or 3 sessions of regular small group work, funding band C, determined by the school."
    findings = [
        *check_statement(statement).findings,
        *check_statement("Daily phonics. " * 200).findings,
        *check_statement("Precision teaching for 10 minutes daily by a TA or an HLTA.").findings,
        *check_statement("Help from a teaching assistant for 30 minutes each day.").findings,
        *check_statement("27.5 hours of 1:1 support from a teaching assistant.").findings,
        *check_statement("A radio aid.").findings,
        *check_statement("Extra time in all tests.").findings,
    ]
    assert {f.kind for f in findings} == set(FindingKind)
    assert all(parent_hint(f).startswith(("This line", "This part", "The words", "“")) for f in findings)


PLAN = """Contents
Section F page 4
Section G page 6

Section A: All about me
I like trains.

Section F: Special educational provision
Communication and interaction
• 2 x 30 minute sessions per week of speech and language therapy by a SALT.
Social, emotional and mental health
• ELSA for 30 minutes every Monday with a trained ELSA.
Preparing for adulthood
• Travel training for 60 minutes weekly with a teaching assistant.

Section G: Health provision
• Regular hearing checks.
"""


def test_section_f_is_found_in_a_whole_plan_past_its_contents_list() -> None:
    text = section_f(PLAN)
    assert len(text) == PLAN.index("Section G: Health")
    assert [s.text for s in split_statements(text)] == [
        "2 x 30 minute sessions per week of speech and language therapy by a SALT.",
        "ELSA for 30 minutes every Monday with a trained ELSA.",
        "Travel training for 60 minutes weekly with a teaching assistant.",
    ]


def test_text_without_a_section_f_heading_is_read_whole() -> None:
    assert section_f("• Phonics daily for 10 minutes with a TA.") == "• Phonics daily for 10 minutes with a TA."


def test_each_statement_takes_the_area_of_need_it_sits_under() -> None:
    text = section_f(PLAN)
    assert [area_of_need(text, s.start) for s in split_statements(text)] == ["communication", "semh", None]


@settings(max_examples=100, deadline=None)
@given(st.text(), st.text())
def test_checking_a_line_never_crashes_on_any_text(description: str, qualification: str) -> None:
    check = check_line(description, qualification, TERMS)
    for finding in check.description.findings:
        assert description[finding.start : finding.end] == finding.words
    for finding in check.qualification.findings:
        assert qualification[finding.start : finding.end] == finding.words


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_finding_section_f_keeps_every_position(text: str) -> None:
    found = section_f(text)
    assert len(found) <= len(text)
    # Before the section, every character but a line break is a space; from it on, the plan's own text.
    assert all(a == b or (a == " " and b != "\n") for a, b in zip(found, text, strict=False))
