"""A provision statement has a kind, and each kind is asked only what it needs: sessions by staff how often, how
long, who and the group; in-class support the hours a week and who; equipment what, when it is used and (for kit
that is worn or powered) who keeps it working; an access arrangement when it applies and exactly what it is."""

from __future__ import annotations

import pytest

from provision_ledger.rules.wording import (
    FindingKind,
    ProvisionFields,
    StatementKind,
    check_statement,
    statement_kind,
)


def kinds(text: str) -> list[FindingKind]:
    return [f.kind for f in check_statement(text).findings]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("A sloped writing board.", StatementKind.EQUIPMENT),
        ("A radio aid worn in all lessons.", StatementKind.EQUIPMENT),
        ("A wobble cushion for carpet time.", StatementKind.EQUIPMENT),
        ("25% extra time in all tests and examinations.", StatementKind.ACCESS),
        ("A seat at the front of the class in every lesson.", StatementKind.ACCESS),
        ("20 hours a week of 1:1 support from a teaching assistant in class.", StatementKind.IN_CLASS_HOURS),
        ("27.5 hours of 1:1 support from a teaching assistant.", StatementKind.IN_CLASS_HOURS),
        ("A teaching assistant in all lessons.", StatementKind.IN_CLASS_HOURS),
        ("Speech and language therapy for 30 minutes weekly from a qualified SALT.", StatementKind.STAFF),
        ("Touch typing for 15 minutes daily on a laptop, taught by a teaching assistant.", StatementKind.STAFF),
    ],
)
def test_each_statement_is_read_as_its_kind(text: str, kind: StatementKind) -> None:
    assert statement_kind(text) is kind
    assert check_statement(text).kind is kind


@pytest.mark.parametrize(
    "text",
    [
        "A sloped writing board.",
        "A wobble cushion for carpet time.",
        "Ear defenders for assemblies and PE.",
        "A radio aid worn in all lessons, checked daily by the Teacher of the Deaf.",
        "A laptop for all written work, charged and maintained by the school's IT technician.",
    ],
)
def test_equipment_is_not_vague_for_lacking_a_frequency_a_length_or_a_deliverer(text: str) -> None:
    assert kinds(text) == []


def test_equipment_says_when_it_is_used():
    assert kinds("A wobble cushion.") == [FindingKind.MISSING_WHEN]


def test_worn_or_powered_equipment_says_who_keeps_it_working():
    check = check_statement("A radio aid worn in all lessons.")
    assert [f.kind for f in check.findings] == [FindingKind.MISSING_MAINTAINER]
    assert check.findings[0].why.startswith("Read as equipment or an adaptation, which must say what it is, when")


def test_equipment_named_only_as_equipment_does_not_say_what():
    assert FindingKind.MISSING_EXACTLY in kinds("Specialist equipment in all lessons.")


def test_the_wording_rules_apply_to_every_kind():
    assert FindingKind.HEDGE in kinds("Access to a wobble cushion for carpet time.")
    assert FindingKind.HEDGE in kinds("A laptop will be made available for written work, maintained by IT staff.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25% extra time in all tests and examinations.", []),
        ("Extra time in all tests.", [FindingKind.MISSING_EXACTLY]),
        ("Access arrangements in examinations.", [FindingKind.MISSING_EXACTLY]),
        ("A seat at the front of the class.", [FindingKind.MISSING_WHEN]),
        ("A time out card to leave the classroom when anxious.", []),
    ],
)
def test_an_access_arrangement_says_when_and_exactly_what(text: str, expected: list[FindingKind]) -> None:
    assert kinds(text) == expected


def test_in_class_support_asks_for_the_hours_a_week_and_who_not_sessions():
    assert kinds("20 hours a week of 1:1 support from a teaching assistant in class.") == []
    assert kinds("20 hours a week of 1:1 support in class.") == [FindingKind.MISSING_WHO]
    check = check_statement("27.5 hours of 1:1 support from a teaching assistant.")
    assert [f.kind for f in check.findings] == [FindingKind.MISSING_HOURS]
    assert "in-class support in hours" in check.findings[0].why


def test_sessions_by_staff_are_still_asked_how_often_how_long_and_who():
    assert kinds("Speech and language therapy sessions.") == [
        FindingKind.MISSING_FREQUENCY,
        FindingKind.MISSING_DURATION,
    ]
    assert check_statement("Phonics in a small group.").kind is StatementKind.STAFF


def test_structured_terms_decide_the_kind():
    assert statement_kind("A wobble cushion.", ProvisionFields(weekly_minutes=600)) is StatementKind.IN_CLASS_HOURS
    assert statement_kind("A wobble cushion.", ProvisionFields(sessions=2)) is StatementKind.STAFF


def test_every_kind_has_a_label_and_says_what_it_asks():
    for kind in StatementKind:
        assert kind.label
        assert kind.asks
