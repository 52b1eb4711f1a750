"""The legal force of each kind of plan."""

import pytest

from provision_ledger.rules.legal_force import PlanKind, legal_force


def test_plan_kinds_read_as_plain_english() -> None:
    assert [k.label for k in PlanKind] == [
        "IEP at School Action",
        "IEP at School Action Plus",
        "SEN Support plan",
        "Statement of special educational needs",
        "Education, health and care (EHC) plan",
    ]


def test_an_ehc_plan_binds_the_local_authority_absolutely() -> None:
    force = legal_force(PlanKind.EHC_PLAN)
    assert force.enforceable
    assert force.duty_holder == "The local authority"
    assert force.duty == "must secure the special educational provision specified in the plan"
    assert "Section 42(2), Children and Families Act 2014" in force.citation
    assert "R (BA) v Nottinghamshire CC, 2021" in force.citation
    # Resources are no answer: cited to an SEN case on the duty itself, not to Tandy (the education of sick children).
    assert "a lack of resources is no answer to it (R v Harrow LBC ex p M, 1997)" in force.citation
    assert "Tandy" not in force.citation
    # A judicial review is normally in the child's name: the page never says only the parent can enforce it.
    assert "normally brought in the child's name with a parent as litigation friend" in force.citation
    assert "Only the parent" not in force.citation
    assert "whatever its budget" in force.summary


def test_a_statement_binds_the_local_authority_to_arrange_its_provision() -> None:
    force = legal_force(PlanKind.STATEMENT)
    assert force.enforceable
    assert force.duty_holder == "The local authority"
    assert force.duty == "shall arrange the special educational provision specified in the statement"
    assert "Section 324(5)(a), Education Act 1996" in force.citation
    assert "1 April 2018" in force.citation


@pytest.mark.parametrize("kind", [PlanKind.SEN_SUPPORT, PlanKind.IEP_SCHOOL_ACTION, PlanKind.IEP_SCHOOL_ACTION_PLUS])
def test_school_level_plans_carry_only_a_best_endeavours_duty(kind: PlanKind) -> None:
    force = legal_force(kind)
    assert not force.enforceable
    assert force.duty_holder.startswith("The school’s governing body")
    assert "best endeavours" in force.duty
    assert "ection 66, Children and Families Act 2014" in force.citation
    assert "section 36, Children and Families Act 2014" in force.citation
    assert "not legally binding" in force.summary


@pytest.mark.parametrize("kind", [PlanKind.IEP_SCHOOL_ACTION, PlanKind.IEP_SCHOOL_ACTION_PLUS])
def test_legacy_ieps_say_they_were_replaced_by_sen_support(kind: PlanKind) -> None:
    assert "replaced by SEN Support in 2014" in legal_force(kind).citation


@pytest.mark.parametrize("kind", [PlanKind.IEP_SCHOOL_ACTION, PlanKind.IEP_SCHOOL_ACTION_PLUS])
def test_school_action_ieps_rest_on_s317_of_the_education_act_1996_until_september_2014(kind: PlanKind) -> None:
    """School Action and School Action Plus: the governing body's duty was s317(1)(a) EA 1996, not s66 CFA 2014."""
    force = legal_force(kind)
    assert force.citation.startswith("Section 317(1)(a), Education Act 1996, until 1 September 2014")
    assert "section 317, Education Act 1996" in force.summary


@pytest.mark.parametrize("kind", list(PlanKind))
def test_every_summary_is_one_plain_sentence(kind: PlanKind) -> None:
    summary = legal_force(kind).summary
    assert summary.endswith(".")
    assert ". " not in summary
    assert summary[0].isupper()
