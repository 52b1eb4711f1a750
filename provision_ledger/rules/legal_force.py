"""The legal force of each kind of plan: who must secure the provision, and whether a parent can enforce it.

Facts and citations are those of the project's domain sheet; nothing here goes beyond it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PlanKind(StrEnum):
    IEP_SCHOOL_ACTION = "iep_school_action"
    IEP_SCHOOL_ACTION_PLUS = "iep_school_action_plus"
    SEN_SUPPORT = "sen_support"
    STATEMENT = "statement"
    EHC_PLAN = "ehc_plan"

    @property
    def label(self) -> str:
        return _PLAN_KIND_LABELS[self]


_PLAN_KIND_LABELS: dict[PlanKind, str] = {
    PlanKind.IEP_SCHOOL_ACTION: "IEP at School Action",
    PlanKind.IEP_SCHOOL_ACTION_PLUS: "IEP at School Action Plus",
    PlanKind.SEN_SUPPORT: "SEN Support plan",
    PlanKind.STATEMENT: "Statement of special educational needs",
    PlanKind.EHC_PLAN: "Education, health and care (EHC) plan",
}


@dataclass(frozen=True)
class LegalForce:
    enforceable: bool  # whether a parent (or young person) can enforce the provision in the plan
    duty_holder: str
    duty: str
    citation: str
    summary: str  # one plain-English sentence for a parent

    @property
    def duty_statement(self) -> str:
        """The duty as staff and officers read it: who must do what, without the parent's "your child"."""
        return f"{self.duty_holder} {self.duty}."


# Section 42(2) Children and Families Act 2014. The duty is absolute: no "best endeavours" defence (R (BA) v
# Nottinghamshire CC [2021] EWHC 1579 (Admin)); resources are no answer to the duty to arrange the provision in a
# statement, the duty s42 replaced (R v Harrow LBC ex p M [1997] ELR 62). ex p Tandy (1998) concerned the education
# of sick children (s298 EA 1993) and is not cited for it. A judicial review to enforce the duty is normally brought in
# the child's name, with the parent as litigation friend, so the page never says only the parent can enforce it.
_EHC_PLAN = LegalForce(
    enforceable=True,
    duty_holder="The local authority",
    duty="must secure the special educational provision specified in the plan",
    citation=(
        "Section 42(2), Children and Families Act 2014; the duty is absolute, with no best-endeavours "
        "defence (R (BA) v Nottinghamshire CC, 2021), and a lack of resources is no answer to it (R v Harrow "
        "LBC ex p M, 1997). It can be enforced by judicial review, normally brought in the child's name with a "
        "parent as litigation friend, or by the young person; a head teacher cannot enforce it."
    ),
    summary=(
        "This is an EHC plan: the local authority must make sure your child gets every part of the "
        "provision it describes (section 42, Children and Families Act 2014), whatever its budget."
    ),
)

# Section 324(5)(a) Education Act 1996. Statements were transferred to EHC plans by 1 April 2018;
# the duty applies to records from before the transfer.
_STATEMENT = LegalForce(
    enforceable=True,
    duty_holder="The local authority",
    duty="shall arrange the special educational provision specified in the statement",
    citation=(
        "Section 324(5)(a), Education Act 1996. Statements were transferred to EHC plans by "
        "1 April 2018; the duty applies to records from before the transfer."
    ),
    summary=(
        "This is a statement of special educational needs: the local authority had to arrange all the "
        "provision it set out (section 324, Education Act 1996) until it was replaced by an EHC plan."
    ),
)

# Section 66 Children and Families Act 2014 (best endeavours); section 36 for an EHC needs assessment.
_SCHOOL_DUTY = "must use its best endeavours to secure the special educational provision the child needs"
_SCHOOL_DUTY_HOLDER = "The school’s governing body (or the academy’s proprietor)"
_SCHOOL_CITATION = (
    "Section 66, Children and Families Act 2014. The plan itself is not legally binding and a parent "
    "cannot enforce it; a parent can ask the school to reinstate provision, complain to the governors, "
    "and ask the local authority for an EHC needs assessment (section 36, Children and Families Act 2014)."
)
_LEGACY_NOTE = " School Action and School Action Plus were replaced by SEN Support in 2014."

_SEN_SUPPORT = LegalForce(
    enforceable=False,
    duty_holder=_SCHOOL_DUTY_HOLDER,
    duty=_SCHOOL_DUTY,
    citation=_SCHOOL_CITATION,
    summary=(
        "This SEN Support plan is not legally binding, but the school must do its best to give your child "
        "the help they need (section 66, Children and Families Act 2014), and you can ask the local "
        "authority for an EHC needs assessment."
    ),
)

# An IEP at School Action or School Action Plus (SEN Code of Practice 2001) rested on the governing body's
# best-endeavours duty in s317(1)(a) Education Act 1996; s66 CFA 2014 replaced it from 1 September 2014.
_IEP = LegalForce(
    enforceable=False,
    duty_holder=_SCHOOL_DUTY_HOLDER,
    duty=_SCHOOL_DUTY,
    citation=(
        "Section 317(1)(a), Education Act 1996, until 1 September 2014; since then section 66, Children and "
        "Families Act 2014. The plan itself is not legally binding and a parent cannot enforce it; a parent can "
        "ask the school to reinstate provision, complain to the governors, and ask the local authority for an EHC "
        "needs assessment (section 36, Children and Families Act 2014)." + _LEGACY_NOTE
    ),
    summary=(
        "This IEP is not legally binding, but the school had to do its best to give your child the help "
        "they needed (section 317, Education Act 1996; since 1 September 2014 section 66, Children and "
        "Families Act 2014), and you can ask the local authority for an EHC needs assessment."
    ),
)

_LEGAL_FORCE: dict[PlanKind, LegalForce] = {
    PlanKind.EHC_PLAN: _EHC_PLAN,
    PlanKind.STATEMENT: _STATEMENT,
    PlanKind.SEN_SUPPORT: _SEN_SUPPORT,
    PlanKind.IEP_SCHOOL_ACTION: _IEP,
    PlanKind.IEP_SCHOOL_ACTION_PLUS: _IEP,
}


def legal_force(kind: PlanKind) -> LegalForce:
    """Who must secure a plan's provision, under which law, and whether a parent can enforce it."""
    return _LEGAL_FORCE[kind]
