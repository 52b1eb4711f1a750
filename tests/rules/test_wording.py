"""The Section F wording checker: findings, verdicts, the plan score and splitting a pasted Section F."""

from hypothesis import given, settings
from hypothesis import strategies as st

from provision_ledger.rules.delivery import Period
from provision_ledger.rules.wording import (
    CLARKE,
    CODE_9_69,
    CUMBRIA,
    GREENWICH,
    HEREFORDSHIRE,
    REDBRIDGE,
    UKUT_187,
    FindingKind,
    ProvisionFields,
    Statement,
    Verdict,
    check_section,
    check_statement,
    findings_in_section,
    plan_score,
    split_statements,
)

PROPERTY = settings(max_examples=100, deadline=None)

SPECIFIC = "2 x 30 minute sessions per week of speech and language therapy delivered by a qualified SALT"


def kinds(text: str, fields: ProvisionFields | None = None) -> list[FindingKind]:
    return [f.kind for f in check_statement(text, fields).findings]


def flagged(text: str) -> list[tuple[FindingKind, str]]:
    """The findings on particular words (not the missing-item findings, which cover the whole statement)."""
    missing = {FindingKind.MISSING_FREQUENCY, FindingKind.MISSING_DURATION, FindingKind.MISSING_WHO}
    return [(f.kind, f.words) for f in check_statement(text).findings if f.kind not in missing]


# Verdicts


def test_a_statement_giving_sessions_length_frequency_and_who_is_specific() -> None:
    check = check_statement(SPECIFIC)
    assert check.verdict is Verdict.SPECIFIC
    assert check.findings == ()


def test_hours_a_week_of_support_from_a_named_role_is_specific() -> None:
    assert (
        kinds("15 hours per week of 1:1 support from a teaching assistant trained in autism-specific strategies") == []
    )


def test_whole_timetable_cover_says_how_often_and_how_long() -> None:
    assert kinds("A teaching assistant will provide in-class support in all core subject lessons.") == []


def test_access_to_as_appropriate_is_vague_with_each_hedge_and_each_missing_item() -> None:
    text = "Access to speech and language therapy as appropriate"
    check = check_statement(text)
    assert check.verdict is Verdict.VAGUE
    assert [(f.kind, f.start, f.end, f.words) for f in check.findings] == [
        (FindingKind.HEDGE, 0, 9, "Access to"),
        (FindingKind.MISSING_FREQUENCY, 0, 52, text),
        (FindingKind.MISSING_DURATION, 0, 52, text),
        (FindingKind.HEDGE, 38, 52, "as appropriate"),
    ]


def test_direct_therapy_names_its_therapist_so_who_is_not_missing() -> None:
    assert FindingKind.MISSING_WHO not in kinds("Access to speech and language therapy as appropriate")


def test_a_statement_with_no_role_is_missing_who() -> None:
    assert kinds("Daily phonics for 20 minutes.") == [FindingKind.MISSING_WHO]


def test_a_role_named_only_as_writing_the_programme_is_not_who_delivers_it() -> None:
    text = "A social skills programme devised by a qualified speech and language therapist, one hour each week."
    assert kinds(text) == [FindingKind.MISSING_WHO]


def test_a_review_frequency_is_not_how_often_the_provision_is_delivered() -> None:
    assert FindingKind.MISSING_FREQUENCY in kinds("A literacy programme with a teaching assistant, reviewed termly.")


def test_each_hedge_term_from_the_brief_is_flagged() -> None:
    hedges = [
        "access to",
        "regular",
        "regularly",
        "as appropriate",
        "as required",
        "as needed",
        "when needed",
        "if needed",
        "opportunities for",
        "opportunities to",
        "support with",
        "would benefit from",
        "where possible",
        "e.g.",
        "such as",
        "etc.",
        "key adult",
        "or equivalent",
        "frequent",
        "input",
        "encouraged to",
        "subject to review",
        "a level of",
    ]
    for hedge in hedges:
        text = f"{SPECIFIC}, {hedge} x"
        assert (FindingKind.HEDGE, hedge) in [(k, w.lower()) for k, w in flagged(text)], hedge


def test_each_hedge_cites_its_source() -> None:
    regular, access = check_statement(f"Regular access to {SPECIFIC}").findings
    assert (regular.words, access.words) == ("Regular", "access to")
    assert "; sendadvocacy.com/post/why-specify-and-quantify;" in access.source
    assert "[K7]" not in access.source
    assert CODE_9_69 in regular.source
    assert "twice a week" in regular.fix


def test_a_level_of_support_cites_the_2025_upper_tribunal_decision() -> None:
    (finding,) = check_statement("A level of 1:1 support from a TA for all lessons").findings
    assert (finding.kind, finding.words, finding.source) == (FindingKind.HEDGE, "A level of", UKUT_187)


def test_support_with_a_named_role_is_who_not_a_hedge() -> None:
    assert kinds("A 30-minute session of emotional literacy support with a trained ELSA every Friday.") == []


def test_support_with_a_task_is_a_hedge() -> None:
    assert flagged("Support with handwriting for 20 minutes daily from a TA.") == [(FindingKind.HEDGE, "Support with")]


# Hard cases, decided once


def test_an_example_inside_a_description_still_makes_the_statement_vague() -> None:
    text = "A 30-minute social skills session weekly with a TA, using games e.g. turn-taking."
    assert check_statement(text).verdict is Verdict.VAGUE
    assert flagged(text) == [(FindingKind.HEDGE, "e.g.")]


def test_a_small_group_of_four_is_specific_about_size() -> None:
    assert kinds("Phonics three times a week for 20 minutes in a small group of 4, led by a TA.") == []


def test_a_small_group_without_a_number_is_a_group_without_size() -> None:
    (finding,) = check_statement("Phonics three times a week for 20 minutes in a small group, led by a TA.").findings
    assert (finding.kind, finding.words, finding.source.split(";")[0]) == (
        FindingKind.GROUP_WITHOUT_SIZE,
        "small group",
        HEREFORDSHIRE,
    )


def test_a_maximum_group_size_is_a_size() -> None:
    text = "Martin will have 2 hours per week of small group (maximum 6 pupils) literacy work provided by an HLTA."
    assert kinds(text) == []


def test_up_to_three_sessions_is_a_range() -> None:
    assert flagged("Up to 3 sessions a week of 30 minutes with an OT.") == [(FindingKind.RANGE, "Up to")]


def test_a_group_of_up_to_six_is_flagged_as_a_range() -> None:
    assert flagged("Nurture group for an hour daily, a small group of up to 6, led by an HLTA.") == [
        (FindingKind.RANGE, "up to")
    ]


def test_a_range_of_minutes_is_a_range() -> None:
    assert flagged("10 SLT sessions a term of 20-45 mins") == [(FindingKind.RANGE, "20-45 mins")]


def test_a_range_in_words_is_a_range() -> None:
    assert flagged("A nurture group of six to ten pupils twice a week for an hour with two TAs.") == [
        (FindingKind.RANGE, "six to ten pupils")
    ]


def test_one_to_one_written_1_1_is_not_a_range() -> None:
    assert kinds("1-1 sessions daily for 20 minutes with a TA") == []


def test_twenty_five_hours_is_one_amount_not_a_range() -> None:
    assert kinds("Twenty-five hours per week of individual support from a teaching assistant.") == []


def test_at_least_is_a_minimum_not_a_hedge() -> None:
    assert kinds("At least 20 hours per week of 1:1 support from a TA.") == []


# Delegation and money


def test_support_to_be_determined_by_the_setting_is_delegation() -> None:
    (finding,) = [
        f for f in check_statement("Support to be determined by the setting").findings if f.kind == "delegation"
    ]
    assert finding.words == "to be determined by the setting"
    assert finding.source.startswith(GREENWICH)


def test_at_the_discretion_of_is_delegation() -> None:
    assert (FindingKind.DELEGATION, "at the discretion") in flagged("TA support at the discretion of the head")


def test_the_setting_will_decide_is_delegation() -> None:
    assert (FindingKind.DELEGATION, "the setting will decide") in flagged("Hours as the setting will decide")


def test_a_funding_band_in_place_of_provision_is_money() -> None:
    text = "Band 12 top-up funding of £4,179.40 to meet his needs"
    money = [f.words for f in check_statement(text).findings if f.kind is FindingKind.MONEY]
    assert money == ["Band 12", "top-up", "funding", "£4,179.40"]
    assert next(f for f in check_statement(text).findings if f.kind is FindingKind.MONEY).source == CUMBRIA


def test_funding_mentioned_beside_specified_provision_is_not_a_finding() -> None:
    assert kinds("15 hours per week of 1:1 TA support, funded by top-up") == []


# Structured fields


def test_structured_fields_answer_how_often_how_long_and_who() -> None:
    fields = ProvisionFields(sessions=2, period=Period.WEEK, minutes_per_session=30, delivered_by="salt")
    assert check_statement("Speech and language programme", fields).verdict is Verdict.SPECIFIC


def test_structured_fields_do_not_excuse_a_hedge() -> None:
    fields = ProvisionFields(sessions=2, period=Period.WEEK, minutes_per_session=30, delivered_by="salt")
    assert kinds("Speech and language programme as required", fields) == [FindingKind.HEDGE]


def test_a_group_size_field_answers_group_without_size() -> None:
    assert kinds("Small group phonics", ProvisionFields(1, Period.DAY, 20, delivered_by="ta", group_size=4)) == []


def test_missing_item_findings_cite_the_code_and_clarke() -> None:
    finding = check_statement("Phonics with a TA daily").findings[0]
    assert (finding.kind, finding.source) == (FindingKind.MISSING_DURATION, f"{CODE_9_69}; {CLARKE}; {REDBRIDGE}")
    assert "30 minutes" in finding.fix


def test_an_empty_statement_is_missing_everything() -> None:
    assert [(f.kind, f.start, f.end) for f in check_statement("  ").findings] == [
        (FindingKind.MISSING_FREQUENCY, 0, 0),
        (FindingKind.MISSING_DURATION, 0, 0),
        (FindingKind.MISSING_WHO, 0, 0),
    ]


# The plan score


def test_a_plan_with_no_statements_scores_zero() -> None:
    assert plan_score([]) == 0


def test_a_plan_scores_the_share_of_specific_statements_rounded_down() -> None:
    checks = [check_statement(SPECIFIC), check_statement(SPECIFIC), check_statement("Regular input")]
    assert plan_score(checks) == 66


def test_a_plan_scores_100_only_when_every_statement_is_specific() -> None:
    assert plan_score([check_statement(SPECIFIC)] * 3) == 100


# Splitting a pasted Section F

SECTION_F = """Section F: Special educational provision

Communication and interaction
• 2 x 30 minute sessions per week of speech and language therapy
  delivered by a qualified SALT.
• Access to a sensory room as required.

Cognition and learning
1. Daily phonics for 10 minutes with a TA.
2) Regular input.
Precision teaching every morning for 10 minutes with a trained TA.
Touch typing twice a week for 15 minutes with his teacher.
"""


def test_a_section_f_splits_into_statements_without_headings_or_bullets() -> None:
    assert [s.text for s in split_statements(SECTION_F)] == [
        "2 x 30 minute sessions per week of speech and language therapy\n  delivered by a qualified SALT.",
        "Access to a sensory room as required.",
        "Daily phonics for 10 minutes with a TA.",
        "Regular input.",
        "Precision teaching every morning for 10 minutes with a trained TA.",
        "Touch typing twice a week for 15 minutes with his teacher.",
    ]


def test_each_statement_span_indexes_the_section() -> None:
    for statement in split_statements(SECTION_F):
        assert SECTION_F[statement.start : statement.end] == statement.text


def test_a_wrapped_line_joins_the_statement_it_continues() -> None:
    assert split_statements("Phonics daily with a TA\nfor 10 minutes.\nRegular input.") == [
        Statement(0, 39, "Phonics daily with a TA\nfor 10 minutes."),
        Statement(40, 54, "Regular input."),
    ]


def test_paragraphs_are_separate_statements() -> None:
    assert [s.text for s in split_statements("Phonics daily\n\nSALT weekly")] == ["Phonics daily", "SALT weekly"]


def test_text_with_no_words_has_no_statements() -> None:
    assert split_statements("\n  •  \n---\n\n") == []


def test_findings_in_a_section_are_placed_in_the_whole_text() -> None:
    pairs = check_section(SECTION_F)
    spans = [(start, end, f.words) for start, end, f in findings_in_section(pairs) if f.kind is FindingKind.HEDGE]
    assert [(SECTION_F[start:end], words) for start, end, words in spans] == [
        ("Access to", "Access to"),
        ("as required", "as required"),
        ("Regular", "Regular"),
        ("input", "input"),
    ]


# Properties

HEDGES = (
    "access to",
    "regularly",
    "as appropriate",
    "as required",
    "when needed",
    "where possible",
    "up to",
    "such as",
    "etc.",
    "e.g.",
    "would benefit from",
    "or equivalent",
    "subject to review",
    "a level of",
    "key adult",
    "encouraged to",
    "opportunities for",
)
ROLES = (
    "a teaching assistant",
    "a qualified SALT",
    "an HCPC-registered occupational therapist",
    "the SENCO",
    "an HLTA",
)
WHAT = ("speech and language therapy", "phonics", "touch typing", "precision teaching", "social skills")


@st.composite
def specific_statements(draw: st.DrawFn) -> str:
    sessions = draw(st.integers(1, 5))
    minutes = draw(st.sampled_from([10, 15, 20, 30, 45, 60]))
    period = draw(st.sampled_from(["per week", "a day", "each term", "every week"]))
    return (
        f"{sessions} x {minutes} minute sessions {period} of {draw(st.sampled_from(WHAT))} "
        f"delivered by {draw(st.sampled_from(ROLES))}"
    )


@PROPERTY
@given(specific_statements(), st.sampled_from(HEDGES), st.integers(0, 40))
def test_adding_a_hedge_never_makes_a_statement_more_specific(statement: str, hedge: str, at: int) -> None:
    before = check_statement(statement)
    assert before.verdict is Verdict.SPECIFIC
    boundaries = [0] + [i + 1 for i, ch in enumerate(statement) if ch == " "] + [len(statement)]
    cut = boundaries[at % len(boundaries)]
    hedged = f"{statement[:cut]} {hedge} {statement[cut:]}"
    after = check_statement(hedged)
    assert after.verdict is Verdict.VAGUE
    assert plan_score([after]) <= plan_score([before])


@PROPERTY
@given(
    specific_statements(), st.sampled_from(HEDGES), st.lists(st.sampled_from([SPECIFIC, "Regular input"]), max_size=4)
)
def test_adding_a_hedge_to_one_statement_never_raises_the_plan_score(
    statement: str, hedge: str, others: list[str]
) -> None:
    plan = [check_statement(s) for s in others]
    assert plan_score([*plan, check_statement(f"{statement} {hedge}")]) <= plan_score(
        [*plan, check_statement(statement)]
    )


PROVISION_WORDS = st.sampled_from(
    [
        "2 x 30",
        "minutes",
        "per week",
        "twice",
        "fortnightly",
        "half-termly",
        "TA",
        "SALT",
        "small group",
        "of 4",
        "up to",
        "£6,000",
        "band D",
        "e.g.",
        "1:1",
        "•",
        "\n",
        "1.",
        "hours",
        "every Monday and",
        "–",
        "ſix",
        "İ",
    ]
)
ANY_TEXT = st.one_of(st.text(), st.lists(st.one_of(PROVISION_WORDS, st.text(max_size=5))).map(" ".join))


@PROPERTY
@given(ANY_TEXT)
def test_the_checker_never_crashes_and_its_spans_index_the_text(text: str) -> None:
    check = check_statement(text)
    for finding in check.findings:
        assert text[finding.start : finding.end] == finding.words
    assert check.verdict in (Verdict.SPECIFIC, Verdict.VAGUE)


@PROPERTY
@given(ANY_TEXT)
def test_the_splitter_never_crashes_and_its_spans_index_the_text(text: str) -> None:
    pairs = check_section(text)
    for statement, _ in pairs:
        assert text[statement.start : statement.end] == statement.text
        assert statement.text.strip() == statement.text
    for start, end, finding in findings_in_section(pairs):
        assert text[start:end] == finding.words
    assert 0 <= plan_score(c for _, c in pairs) <= 100
