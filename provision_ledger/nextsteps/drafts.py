"""The wording of each letter. A parent edits it before sending; the evidence schedule beside it is not editable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from provision_ledger.nextsteps.advice import untagged
from provision_ledger.nextsteps.evidence import Evidence
from provision_ledger.people.models import Child, User
from provision_ledger.rules.advisor import DISCLAIMER, Step, StepKind
from provision_ledger.rules.clocks import long_date
from provision_ledger.rules.reporting import whole

NOT_LEGAL_ADVICE = "This letter was prepared with Provision Ledger. " + DISCLAIMER

# What each letter asks for, in the parent's voice.
ASKS = {
    StepKind.ASK_SCHOOL_TO_REINSTATE: (
        "I ask the school to reinstate the provision in full, to tell me in writing when it will restart and who "
        "will deliver it, and to say how the time missed will be made up."
    ),
    StepKind.COMPLAIN_TO_GOVERNORS: (
        "I am making a formal complaint under the school's complaints policy. I ask the governing body to "
        "investigate why the provision has not been made, to secure it without further delay, and to arrange for "
        "the time missed to be made up."
    ),
    StepKind.REQUEST_EHC_NEEDS_ASSESSMENT: (
        "I am writing to request an EHC needs assessment for my child under section 36(1) of the Children and "
        "Families Act 2014. I set out below the evidence for each part of the test in section 36(8)."
    ),
    StepKind.WRITE_TO_LA_S42: (
        "The special educational provision in my child's EHC plan is not being made. The local authority is in "
        "breach of its duty to secure it. I ask you to confirm, in writing, the steps you will take to put the "
        "provision in place and to make up the provision missed."
    ),
    StepKind.COMPLAIN_TO_COUNCIL: (
        "I am making a formal complaint under the council's complaints procedure. The special educational provision "
        "in my child's EHC plan is not being made, and the council has not put this right since I wrote to it. I "
        "ask the council to investigate, to secure the provision without further delay and to make up the "
        "provision missed."
    ),
    StepKind.REQUEST_REVIEW_OR_REASSESSMENT: (
        "The provision in my child's EHC plan no longer meets their needs. I ask the local authority to hold an "
        "early review of the plan, or to carry out a re-assessment of my child's needs under section 44(2) of the "
        "Children and Families Act 2014, and to tell me its decision in writing."
    ),
    StepKind.PRE_ACTION_PROTOCOL_LETTER: (
        "This is a letter before claim under the pre-action protocol for judicial review. The local authority has "
        "not secured the special educational provision specified in my child's EHC plan, and has not remedied this "
        "since I wrote to it. I ask the local authority to secure the provision in full and to make up the "
        "provision missed."
    ),
}


@dataclass(frozen=True)
class Draft:
    addressee: str
    subject: str
    body: str


def _reply_line(step: Step, sent_on: date) -> str:
    if step.reply_period is None:
        return ""
    due = step.reply_period.period.after(sent_on)
    return f"Please reply by {long_date(due)}."


def draft_letter(step: Step, child: Child, evidence: Evidence, parent: User, sent_on: date, school_name: str) -> Draft:
    """The letter for a step, citing the law as the step gives it, with the evidence in summary."""
    summary = [
        f"- {e.line}: promised {e.promise}; {e.overall.delivered_sessions} of {whole(e.overall.expected.sessions)} "
        f"sessions delivered since {evidence.start:%-d %B %Y}; {e.owed_hours} hours owed."
        for e in evidence.lines
    ]
    limbs = [f"{untagged(limb.test)}\n" + "\n".join(f"- {untagged(x)}" for x in limb.evidence) for limb in step.limbs]
    paragraphs = [
        f"{child.full_name}, born {long_date(child.date_of_birth)}, {child.get_year_group_display()}, {school_name}",
        ASKS.get(step.kind, ""),
        "The school's own records, set out in the attached evidence schedule, show:\n" + "\n".join(summary),
        *limbs,
        f"The law: {untagged(step.law)}",
        _reply_line(step, sent_on),
        "Yours faithfully,\n\n" + (parent.get_full_name() or parent.email),
        NOT_LEGAL_ADVICE,
    ]
    body = "\n\n".join(p for p in paragraphs if p)
    subject = f"{child.full_name}: {step.title}"
    return Draft(addressee=untagged(step.addressee or ""), subject=subject, body=body)
