"""The wording of each letter. A parent edits it before sending; the evidence schedule beside it is not editable.

Every letter is addressed to the body that holds the duty, dated, names the child (name, date of birth, school,
year), states the duty and the facts with their dates from the ledger, says what is asked and by when, and ends with
a not-legal-advice line. The letter before claim follows the Pre-Action Protocol for Judicial Review, Annex A; the
request for an assessment follows IPSEA's model letter 1 (s36(1) and both limbs of s36(8) CFA 2014).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from provision_ledger.nextsteps.advice import untagged
from provision_ledger.nextsteps.evidence import Evidence, LineEvidence
from provision_ledger.nextsteps.models import Letter
from provision_ledger.outcomes.queries import outcome_progress
from provision_ledger.people.models import Child, User
from provision_ledger.rules.advisor import DISCLAIMER, Step, StepKind, school_type
from provision_ledger.rules.advisor import SchoolType as SchoolKind
from provision_ledger.rules.clocks import LA_REPLY_PERIOD, long_date
from provision_ledger.rules.legal_force import PlanKind
from provision_ledger.rules.reporting import whole
from provision_ledger.rules.units import hours

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
        "This is a letter before claim under the Pre-Action Protocol for Judicial Review. The local authority has "
        "not secured the special educational provision specified in my child's EHC plan, and has not remedied this "
        "since I wrote to it."
    ),
}


# A complaint to the council before any letter to it says only what is wrong, never that it was told.
_COUNCIL_COMPLAINT_FIRST = (
    "I am making a formal complaint under the council's complaints procedure. The special educational provision "
    "in my child's EHC plan is not being made. I ask the council to investigate, to secure the provision without "
    "further delay and to make up the provision missed."
)


def ask_for(kind: StepKind, letters: Sequence[SentLetter]) -> str:
    """What the letter asks for, true to the letters already sent."""
    if kind is StepKind.COMPLAIN_TO_COUNCIL and not any(x.kind == StepKind.WRITE_TO_LA_S42 for x in letters):
        return _COUNCIL_COMPLAINT_FIRST
    return ASKS.get(kind, "")


# The subject line, as the recipient files it: what the letter is, then the child.
SUBJECTS = {
    StepKind.ASK_SCHOOL_TO_REINSTATE: "Provision in my child's plan not being delivered",
    StepKind.COMPLAIN_TO_GOVERNORS: "Formal complaint: provision in my child's plan not being delivered",
    StepKind.REQUEST_EHC_NEEDS_ASSESSMENT: "Request for an EHC needs assessment (section 36, Children and Families "
    "Act 2014)",
    StepKind.WRITE_TO_LA_S42: "Provision in my child's EHC plan not being made (section 42, Children and Families "
    "Act 2014)",
    StepKind.COMPLAIN_TO_COUNCIL: "Formal complaint: provision in my child's EHC plan not being made",
    StepKind.PRE_ACTION_PROTOCOL_LETTER: "Letter before claim: failure to secure the provision in an EHC plan",
    StepKind.REQUEST_REVIEW_OR_REASSESSMENT: "Request for an early review or a re-assessment of my child's EHC plan",
}
_PLAN_WORDS = {
    PlanKind.EHC_PLAN: "EHC plan",
    PlanKind.STATEMENT: "statement of special educational needs",
    PlanKind.SEN_SUPPORT: "SEN Support plan",
}


def plan_words(kind: str) -> str:
    plan_kind = PlanKind(kind)
    return _PLAN_WORDS.get(plan_kind, plan_kind.label)


class SentLetter(Protocol):
    """A letter already sent, as the drafts read it: the school's record's letters and the family's alike."""

    kind: str
    sent_on: date
    replied_on: date | None


@dataclass(frozen=True)
class Draft:
    addressee: str
    subject: str
    body: str


@dataclass(frozen=True)
class _To:
    address: str
    salutation: str  # "Dear Sir or Madam" is signed "Yours faithfully"; a named office "Yours sincerely"


def recipient(kind: StepKind, child: Child) -> _To:
    """The body that holds the duty the letter is about, addressed as a professional would address it."""
    return recipient_for(
        kind, child.school.name, child.local_authority.name, school_type(child.school.establishment_type)
    )


def recipient_for(kind: StepKind, school: str, la: str, kind_of_school: SchoolKind) -> _To:
    """As `recipient`, from the names alone: for a record that holds the school and its authority by name only."""
    if kind is StepKind.ASK_SCHOOL_TO_REINSTATE:
        return _To(f"The Headteacher (copy to the SENCO)\n{school}", "Dear Headteacher")
    if kind is StepKind.COMPLAIN_TO_GOVERNORS:
        if kind_of_school is SchoolKind.INDEPENDENT:
            return _To(f"The Proprietor\n{school}", "Dear Sir or Madam")
        return _To(f"The Chair of Governors\n{school}", "Dear Chair of Governors")
    if kind is StepKind.WRITE_TO_LA_S42:
        return _To(
            f"The Director of Children's Services\nc/o the Special Educational Needs team\n{la}",
            "Dear Director of Children's Services",
        )
    if kind is StepKind.COMPLAIN_TO_COUNCIL:
        return _To(f"The Complaints team\n{la}", "Dear Sir or Madam")
    if kind is StepKind.PRE_ACTION_PROTOCOL_LETTER:
        return _To(f"Legal Services\n{la}", "Dear Sir or Madam")
    return _To(f"The Special Educational Needs team\n{la}", "Dear Sir or Madam")


def _child_details(child: Child) -> str:
    return (
        f"Child: {child.full_name}\nDate of birth: {long_date(child.date_of_birth)}\nSchool: {child.school.name}\n"
        f"Year group: {child.get_year_group_display()}"
    )


def line_facts(e: LineEvidence, start: date, end: date) -> str:
    """One line's facts from the ledger: the same figures its rules give, with what was never recorded kept apart
    from what was recorded as missed."""
    a = e.overall
    start, end = e.start or start, e.end or end
    # A line of a plan the one in force replaced is given as what that plan specified, over the days it was in force.
    specifies = " (under the earlier plan): the plan specified" if e.under_earlier_plan else ": the plan specifies"
    return (
        f"- {e.line}{specifies} {e.promise}. From {long_date(start)} to {long_date(end)}: "
        f"{whole(a.expected.sessions)} sessions due, {a.delivered_sessions} delivered, {a.missed_sessions} recorded "
        f"as missed, {a.not_recorded_sessions} with no record at all (nobody has recorded whether they happened). "
        f"In hours: {hours(a.expected.minutes)} due, {hours(a.delivered_minutes)} delivered (sessions cut short are "
        f"counted above as delivered).{_reasons(e)} Time owed: {e.owed_hours} hours."
    )


def _reasons(e: LineEvidence) -> str:
    """The reasons the school gave for the sessions missed or cut short, most frequent first (IPSEA's model letter 6
    itemises them): the council's first answer is often the reason, so the letter states it from the record."""
    counts = Counter(m.reason.lower() or "no reason recorded" for m in e.missed)
    if not counts:
        return ""
    given = ", ".join(f"{reason} ({n})" for reason, n in sorted(counts.items(), key=lambda rn: (-rn[1], rn[0])))
    return f" Reasons the school recorded for the sessions missed or cut short: {given}."


def _facts(evidence: Evidence) -> str:
    plan = evidence.plan
    kind = plan_words(plan.kind) if plan is not None else "plan"
    opening = (
        f"My child's {kind}, in force from {long_date(plan.start_date)}, specifies the provision below. "
        if plan is not None
        else ""
    )
    return (
        opening
        + "The school's own records, set out in the enclosed evidence schedule, show:\n"
        + "\n".join(line_facts(e, evidence.start, evidence.end) for e in evidence.lines)
        + f"\nIn all, {evidence.owed_hours} hours of provision are owed."
    )


def last_sender_address(letters: Sequence[Letter], by: User) -> str:
    """The postal address this person gave on their latest letter for the child, to offer again."""
    mine = [x for x in letters if x.written_by_id == by.pk and len(x.evidence.get("sender", [])) > 2]
    if not mine:
        return ""
    latest = max(mine, key=lambda x: (x.sent_on, x.pk))
    return "\n".join(latest.evidence["sender"][1:-1])


def s42_history(letters: Sequence[SentLetter]) -> str:
    sent = [x for x in letters if x.kind == StepKind.WRITE_TO_LA_S42]
    if not sent:
        return "I have not yet written to the local authority about this."
    last = max(sent, key=lambda x: x.sent_on)
    asked = LA_REPLY_PERIOD.after(last.sent_on)
    reply = (
        f"It replied on {long_date(last.replied_on)}, but the provision has still not been made."
        if last.replied_on
        else "I have had no reply."
    )
    return (
        f"On {long_date(last.sent_on)} I wrote to the local authority, setting out its duty under section 42(2) "
        f"and the provision missed, and asked it to confirm by {long_date(asked)} the steps it would take. {reply}"
    )


def _limb_one(child: Child, evidence: Evidence) -> list[str]:
    needs = child.get_primary_need_display()
    if child.secondary_need:
        needs += f" and {child.get_secondary_need_display()}"
    found = [f"The school records my child's primary need as {needs}."]
    plan = evidence.plan
    if plan is not None:
        label = "a SEN Support plan" if plan.kind == PlanKind.SEN_SUPPORT else f"an {PlanKind(plan.kind).label}"
        found.append(
            f"The school identified special educational needs and has recorded special educational provision for "
            f"them in {label} since {long_date(plan.start_date)}."
        )
    return found


def _limb_two(evidence: Evidence, today: date) -> list[str]:
    found = ["The provision the school itself put in place (the provision tried) is not being delivered:"]
    found += [line_facts(e, evidence.start, evidence.end) for e in evidence.lines]
    plan = evidence.plan
    if plan is not None:
        progress = outcome_progress(list(plan.outcomes.all()), plan.start_date, today)
        shown = [p.independence_sentence for p in progress if p.independence_sentence]
        if shown:
            found.append("Progress with and without support, from the school's records:")
            found += [f"- {sentence}" for sentence in shown]
        elif progress:
            found.append(
                "The school's records of progress towards the plan's outcomes: "
                + "; ".join(
                    f"{p.outcome.description}: "
                    + (
                        f"{p.percent_of_way} % of the way to the target"
                        if p.percent_of_way is not None
                        else "no measured progress recorded"
                    )
                    for p in progress
                )
                + "."
            )
        else:
            found.append("The school has recorded no measured progress towards the plan's outcomes.")
    found.append(without_a_plan(school_type(evidence.child.school.establishment_type)))
    return found


def without_a_plan(kind_of_school: SchoolKind) -> str:
    """Why an EHC plan may be necessary: what the school's own duty is without one (s66 CFA 2014 binds mainstream
    schools only, s66(1) and (5))."""
    if kind_of_school in (SchoolKind.MAINTAINED, SchoolKind.ACADEMY):
        return (
            "Without an EHC plan nobody can be made to deliver this provision: the school's duty is only to use its "
            "best endeavours (section 66, Children and Families Act 2014)."
        )
    return (
        "Without an EHC plan nobody can be made to deliver this provision: as "
        f"{kind_of_school.with_article} the school has no duty even to use its best endeavours (section 66, Children "
        "and Families Act 2014, binds mainstream schools only)."
    )


def _assessment_body(child: Child, evidence: Evidence, parent: User, today: date) -> list[str]:
    return assessment_paragraphs(
        f"{parent.get_full_name() or parent.email}, the parent of {child.full_name}, who attends {child.school.name}",
        _limb_one(child, evidence),
        _limb_two(evidence, today),
    )


def assessment_paragraphs(who: str, limb_one: list[str], limb_two: list[str]) -> list[str]:
    # IPSEA model letter 1: who is writing; the s36(1) request; the school; both limbs of s36(8) with evidence;
    # a higher local threshold is unlawful; the decision within 6 weeks of receipt (reg 5(1)) and the appeal.
    return [
        f"I am {who}. I am writing to ask the local authority to carry out an education, health and care "
        "(EHC) needs assessment for my child under section 36(1) of the Children and Families Act 2014.",
        "Under section 36(8) the local authority must secure an EHC needs assessment if my child has or may have "
        "special educational needs, and it may be necessary for special educational provision to be made for them "
        "in accordance with an EHC plan. Both parts of the test are met.",
        "1. My child has or may have special educational needs.\n" + "\n".join(limb_one),
        "2. It may be necessary for special educational provision to be made through an EHC plan.\n"
        + "\n".join(limb_two),
        "The test in section 36(8) is the only legal test: a local threshold set higher than it would be unlawful.",
        "The local authority must tell me its decision within 6 weeks of receiving this request (regulation 5(1), "
        "Special Educational Needs and Disability Regulations 2014). If it decides not to assess, I can appeal to "
        "the SEND Tribunal. Please confirm in writing the date on which the local authority received this request.",
    ]


def _pre_action_body(
    child: Child, evidence: Evidence, parent: User, letters: Sequence[Letter], reply_by: str
) -> list[str]:
    return pre_action_paragraphs(
        child=f"{child.full_name} (born {long_date(child.date_of_birth)})",
        child_name=child.full_name,
        la=child.local_authority.name,
        school=child.school.name,
        name=parent.get_full_name() or parent.email,
        email=parent.email,
        since=evidence.start,
        facts=_facts(evidence) + "\n" + s42_history(letters),
        owed=f"{evidence.owed_hours} hours",
        reply_by=reply_by,
    )


def pre_action_paragraphs(
    *,
    child: str,
    child_name: str,
    la: str,
    school: str,
    name: str,
    email: str,
    since: date,
    facts: str,
    owed: str,
    reply_by: str,
) -> list[str]:
    # Pre-Action Protocol for Judicial Review, Annex A: the letter states the claim, in the protocol's order, and
    # proposes a reply within 14 days.
    return [
        "Letter before claim: Pre-Action Protocol for Judicial Review",
        "1. Proposed claim: a claim for judicial review of the local authority's continuing failure to secure the "
        f"special educational provision specified in {child_name}'s EHC plan.",
        f"2. The defendant: {la}, for the attention of its legal services department. Reference: the EHC plan of "
        f"{child}; please give the council's own reference for it in your reply.",
        f"3. The claimant: {child}, by their parent and litigation friend, {name}.",
        f"4. The matter being challenged: the failure, from {long_date(since)} to date, to secure the "
        "special educational provision in Section F of the EHC plan.",
        "5. The details of the matter being challenged:\n" + facts,
        "6. The issues (the claim in law): the local authority is in breach of its duty under section 42(2), "
        "Children and Families Act 2014, to secure the special educational provision specified in the plan. "
        "The duty is absolute: there is no best-endeavours defence (R (BA) v Nottinghamshire County Council "
        "[2021] EWHC 1579 (Admin)), and a lack of resources is no answer to it (R v Harrow London Borough "
        "Council ex p M [1997] ELR 62).",
        "7. The action the defendant is expected to take: to secure the provision in Section F in full without "
        "further delay; to confirm in writing who will deliver it and from what date; and to make up the "
        f"{owed} of provision missed.",
        "8. Alternative dispute resolution: the claimant is willing to consider the council's complaints "
        "procedure or mediation, provided it does not delay the provision or the claim, which must be brought "
        "promptly.",
        f"9. Interested parties: {school}, where the provision is to be delivered; a copy of this "
        "letter goes to its headteacher.",
        "10. Information and documents sought: the local authority's records of the arrangements it has made to "
        "secure the provision since the date above, and any decision it has made about it.",
        "11. Legal advisers: none at present.",
        f"12. Address for reply and service of documents: {name}, at the address at the head of this letter; "
        f"by email to {email}.",
        f"13. Proposed reply date: {reply_by}, 14 days from the date of this letter.",
    ]


def reply_line(step: Step, sent_on: date) -> str:
    if step.kind is StepKind.REQUEST_EHC_NEEDS_ASSESSMENT or step.reply_period is None:
        return ""
    due = step.reply_period.period.after(sent_on)
    return f"Please reply by {long_date(due)}."


def draft_letter(
    step: Step,
    child: Child,
    evidence: Evidence,
    parent: User,
    sent_on: date,
    letters: Sequence[Letter] = (),
) -> Draft:
    """The letter for a step, addressed, dated, citing the law as the step gives it, with the ledger's facts."""
    to = recipient(step.kind, child)
    signed = "Yours faithfully" if to.salutation == "Dear Sir or Madam" else "Yours sincerely"
    name = parent.get_full_name() or parent.email
    if step.kind is StepKind.REQUEST_EHC_NEEDS_ASSESSMENT:
        middle = _assessment_body(child, evidence, parent, sent_on)
    elif step.kind is StepKind.PRE_ACTION_PROTOCOL_LETTER:
        due = step.reply_period.period.after(sent_on) if step.reply_period else sent_on
        middle = _pre_action_body(child, evidence, parent, letters, long_date(due))
    else:
        middle = [
            ask_for(step.kind, letters),
            _facts(evidence),
            s42_history(letters) if step.kind is StepKind.COMPLAIN_TO_COUNCIL else "",
            f"The law: {untagged(step.law)}.",
            reply_line(step, sent_on),
        ]
    paragraphs = [
        f"{to.salutation},",
        _child_details(child),
        *middle,
        f"{signed},\n\n{name}\n{parent.email}",
        NOT_LEGAL_ADVICE,
    ]
    body = "\n\n".join(p for p in paragraphs if p)
    subject = f"{SUBJECTS.get(step.kind, step.title)}: {child.full_name}, born {long_date(child.date_of_birth)}"
    return Draft(addressee=to.address, subject=subject, body=body)
