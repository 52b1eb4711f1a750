"""Next steps: what a parent can do when the provision in a child's plan is not being delivered.

The rule (each source is named in the wording it supports; what reaches a parent is a readable citation):

- Nothing behind (no line with owed time): no escalation steps.
- SEN Support: the plan cannot be enforced as a right; the school's governing body or proprietor
  must use its best endeavours (s66 CFA 2014). An IEP at School Action or School Action Plus
  (before 1 September 2014) rested on the same kind of duty in s317(1)(a) Education Act 1996.
  Steps: ask the SENCO or head to reinstate the provision; then a formal complaint to the
  governors under the school's complaints procedure (the Ombudsman cannot investigate most
  complaints about what happens inside schools); alongside, a request to the local authority for
  an EHC needs assessment (s36(1)) with evidence for each limb of the s36(8) test; and what the
  SEND Tribunal can decide.
- EHC plan: ask the school; write to the local authority citing its absolute s42(2) duty
  (IPSEA model letter 6); after that, a pre-action letter before judicial review and a
  complaint to the Ombudsman, once the council's own complaints procedure has had its chance
  (Local Government Act 1974 s26(5)); and what the SEND Tribunal can and cannot decide.
- Statement of SEN: as an EHC plan for current records; for records from before the transfer to
  EHC plans by 1 April 2018, the duty is s324(5)(a) Education Act 1996.

Progress. A step whose letter was sent waits for its reply until the reply period ends; when it
ends without a recorded reply the step is "reply overdue" and the steps that follow it open. A
recorded reply opens them too, because the record still shows the provision behind. The
recommended step is the first one, in order, that can be taken now.

This is information, never legal advice: every result carries DISCLAIMER.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from provision_ledger.rules.clocks import LA_REPLY_PERIOD, Period, Unit, long_date
from provision_ledger.rules.compliance import MissReason
from provision_ledger.rules.legal_force import PlanKind

DISCLAIMER = (
    "This is general information drawn from public sources, not legal advice. For advice on your "
    "child's situation, speak to an independent adviser such as IPSEA or your local SENDIASS, or to "
    "a solicitor."
)

_SCHOOL_LEVEL = frozenset({PlanKind.IEP_SCHOOL_ACTION, PlanKind.IEP_SCHOOL_ACTION_PLUS, PlanKind.SEN_SUPPORT})


class StepKind(StrEnum):
    ASK_SCHOOL_TO_REINSTATE = "ask_school_to_reinstate"
    COMPLAIN_TO_GOVERNORS = "complain_to_governors"
    REQUEST_EHC_NEEDS_ASSESSMENT = "request_ehc_needs_assessment"
    WRITE_TO_LA_S42 = "write_to_la_s42"
    PRE_ACTION_PROTOCOL_LETTER = "pre_action_protocol_letter"
    COMPLAIN_TO_LGSCO = "complain_to_lgsco"
    SEND_TRIBUNAL_INFO = "send_tribunal_info"


class StepStatus(StrEnum):
    AVAILABLE = "available"
    NOT_YET = "not_yet"
    AWAITING_REPLY = "awaiting_reply"
    REPLY_OVERDUE = "reply_overdue"
    DONE = "done"
    SENT = "sent"
    INFORMATION = "information"


# --- Input ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineBehind:
    """One provision line, as the ledger assesses it to date.

    promised_sessions: sessions due so far, as a whole number (round the ledger's exact figure).
    missed: sessions missed per recorded reason, e.g. ((MissReason.STAFF_ABSENT, 20),).
    """

    description: str
    promised_sessions: int
    delivered_sessions: int
    owed_minutes: int
    missed: tuple[tuple[MissReason, int], ...] = ()

    def __post_init__(self) -> None:
        if min(self.promised_sessions, self.delivered_sessions, self.owed_minutes) < 0:
            raise ValueError(f"{self.description}: sessions and owed minutes cannot be negative.")
        if any(count < 0 for _, count in self.missed):
            raise ValueError(f"{self.description}: a count of missed sessions cannot be negative.")

    @property
    def behind(self) -> bool:
        """Behind means time is owed; a shortfall the make-up policy excuses is not escalated."""
        return self.owed_minutes > 0


@dataclass(frozen=True)
class StepTaken:
    """A step the parent has already taken: the date it was sent and, if any, the date of the reply."""

    kind: StepKind
    sent_on: date
    replied_on: date | None = None


@dataclass(frozen=True)
class Situation:
    """Everything the advisor needs.

    legacy_statement_records: the ledger holds records from before the statement's transfer to an
    EHC plan (before 1 April 2018).
    steps_taken: in any order; for a step taken more than once the latest sending counts. Steps
    that do not apply to the plan kind (e.g. from before the plan changed) are ignored.
    """

    plan_kind: PlanKind
    today: date
    lines: tuple[LineBehind, ...] = ()
    steps_taken: tuple[StepTaken, ...] = ()
    legacy_statement_records: bool = False

    def __post_init__(self) -> None:
        for taken in self.steps_taken:
            if taken.sent_on > self.today:
                raise ValueError(
                    f'"{_TITLES[taken.kind]}": it is recorded as sent on {long_date(taken.sent_on)}, '
                    f"after today ({long_date(self.today)})."
                )
            if taken.replied_on is not None:
                if taken.replied_on < taken.sent_on:
                    raise ValueError(
                        f'"{_TITLES[taken.kind]}": the reply ({long_date(taken.replied_on)}) is before the '
                        f"letter was sent ({long_date(taken.sent_on)})."
                    )
                if taken.replied_on > self.today:
                    raise ValueError(
                        f'"{_TITLES[taken.kind]}": the reply is recorded on {long_date(taken.replied_on)}, '
                        f"after today ({long_date(self.today)})."
                    )


# Our suggested waits. Frozen, so one shared default is safe.
_SCHOOL_WAIT = Period(10, Unit.WORKING_DAYS)
_GOVERNORS_WAIT = Period(20, Unit.WORKING_DAYS)


@dataclass(frozen=True)
class AdvisorSettings:
    """How long to wait for a reply where no law sets a time limit: our suggestion, said to be one."""

    school_reply: Period = _SCHOOL_WAIT
    governors_reply: Period = _GOVERNORS_WAIT


# --- Output -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplyPeriod:
    period: Period
    basis: str  # the source, or that it is only our suggested wait
    statutory: bool  # whether a regulation or the cited template sets it


@dataclass(frozen=True)
class Limb:
    """One limb of a legal test, with the evidence for it from the record."""

    test: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Step:
    kind: StepKind
    title: str
    why: tuple[str, ...]
    law: str
    is_letter: bool
    addressee: str | None
    reply_period: ReplyPeriod | None
    status: StepStatus
    sent_on: date | None = None
    reply_due: date | None = None
    replied_on: date | None = None
    not_yet_because: str | None = None
    limbs: tuple[Limb, ...] = ()
    recommended: bool = False

    @property
    def status_text(self) -> str:
        if self.status is StepStatus.AVAILABLE:
            return "You can do this now"
        if self.status is StepStatus.NOT_YET:
            return f"Not yet: {self.not_yet_because}"
        if self.status is StepStatus.AWAITING_REPLY and self.reply_due is not None:
            return f"Sent, awaiting a reply until {long_date(self.reply_due)}"
        if self.status is StepStatus.REPLY_OVERDUE and self.reply_due is not None:
            return f"Reply overdue since {long_date(self.reply_due)}: move on to the next step"
        if self.status is StepStatus.DONE and self.replied_on is not None:
            return f"Reply received on {long_date(self.replied_on)}"
        if self.status is StepStatus.SENT and self.sent_on is not None:
            return f"Sent on {long_date(self.sent_on)}"
        return "For your information"


@dataclass(frozen=True)
class Advice:
    legal_position: str  # always said, whether or not anything is behind
    summary: str
    steps: tuple[Step, ...]
    disclaimer: str = field(default=DISCLAIMER)

    @property
    def recommended(self) -> Step | None:
        return next((s for s in self.steps if s.recommended), None)

    @property
    def awaiting(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.status is StepStatus.AWAITING_REPLY)


# --- Wording and citations: each cites the statute; the comment above it says where it comes from ----

_TITLES: dict[StepKind, str] = {
    StepKind.ASK_SCHOOL_TO_REINSTATE: "Ask the school to reinstate the provision",
    StepKind.COMPLAIN_TO_GOVERNORS: "Make a formal complaint to the school's governors",
    StepKind.REQUEST_EHC_NEEDS_ASSESSMENT: "Ask the local authority for an EHC needs assessment",
    StepKind.WRITE_TO_LA_S42: "Write to the local authority: it must secure the provision",
    StepKind.PRE_ACTION_PROTOCOL_LETTER: "Send a pre-action protocol letter before judicial review",
    StepKind.COMPLAIN_TO_LGSCO: "Complain to the Local Government and Social Care Ombudsman",
    StepKind.SEND_TRIBUNAL_INFO: "What the SEND Tribunal can and cannot decide",
}

# Section 66 CFA 2014 binds the "appropriate authority" of a mainstream school, maintained nursery, 16-19 academy,
# FE institution or pupil referral unit; not a special or independent school.
S66 = (
    "Section 66, Children and Families Act 2014: the school's governing body (or academy proprietor) must "
    "use its best endeavours to secure the special educational provision the pupil's special educational needs "
    "call for; it does not apply to special or independent schools"
)
# s42(2) CFA 2014; absolute: R (BA) v Nottinghamshire CC [2021] EWHC 1579 (Admin), R (L) v Hampshire CC (2024);
# resources are no answer to the duty to arrange provision in a statement: R v Harrow LBC ex p M [1997] ELR 62.
S42 = (
    "Section 42(2), Children and Families Act 2014: where an EHC plan is maintained the local authority "
    "must secure the special educational provision specified in it. The duty is absolute: there is no "
    "best-endeavours defence (R (BA) v Nottinghamshire County Council, 2021), and a lack of resources is no "
    "answer to it (R v Harrow London Borough Council ex p M, 1997)"
)
S324 = (
    'Section 324(5)(a), Education Act 1996: the local authority "shall arrange" the special educational '
    "provision specified in the statement; statements were transferred to EHC plans by 1 April 2018"
)
# School Action and School Action Plus (SEN Code of Practice 2001) ended with Part 3 CFA 2014 on 1 September 2014;
# the governing body's duty then was s317(1)(a) Education Act 1996, not s66 CFA 2014.
S317 = (
    "Section 317(1)(a), Education Act 1996: the governing body had to use its best endeavours to secure the "
    "special educational provision a pupil's needs called for (the duty behind School Action and School Action "
    "Plus until 1 September 2014); since then the duty is section 66, Children and Families Act 2014"
)
# s36(1) and (8) CFA 2014; the decision within 6 weeks of the LA receiving the request (reg 5(1) SEND Regs 2014).
S36 = (
    "Section 36(1), Children and Families Act 2014: a parent may request an EHC needs assessment; "
    "section 36(8): the local authority must assess if the child has or may have special educational needs and "
    "it may be necessary for special educational provision to be made through an EHC plan; a local threshold "
    "higher than that is unlawful. The decision is due within 6 weeks of the local authority receiving the "
    "request (regulation 5(1), Special Educational Needs and Disability Regulations 2014)"
)
_GOVERNORS_LAW = (
    "A formal complaint to the governors under the school's complaints procedure: the best-endeavours duty "
    "sits with the governing body or proprietor, which manages the SENCO and head. "
)  # the duty itself (S66 or S317) is added for the plan kind
# The claim in a letter before claim is stated in the letter itself (see drafts.py); this is the route.
_PAP_LAW = (
    "Pre-Action Protocol for Judicial Review: before a claim, a letter before claim states the decision or "
    "failure challenged, the legal duty breached and what the public body must do to put it right. " + S42
)
# Local Government Act 1974 s26(5) (the council's own procedure first), s26B (12 months), s26(6) (no
# investigation where there is a right of appeal to a tribunal).
_LGSCO_LAW = (
    "Local Government Act 1974: the Ombudsman normally investigates only after the council has had the chance "
    "to deal with the complaint through its own complaints procedure (section 26(5)); complain within 12 months "
    "of first knowing of the problem (section 26B); it cannot normally investigate something you could appeal "
    "to the SEND Tribunal (section 26(6))"
)
# Appealable decisions: s51 CFA 2014; time limit: rule 20 Tribunal Procedure (HESC) Rules 2008; mediation
# advice first except for an appeal only about the school or other institution named: s55 CFA 2014.
_TRIBUNAL_LAW = (
    "Section 51, Children and Families Act 2014: you can appeal a refusal to assess or re-assess, a refusal to "
    "issue a plan, a decision not to amend after a review, a decision to cease the plan, and what the plan "
    "says in Sections B, F and I. The Tribunal cannot rule on how provision is delivered or on delays. Appeal "
    "within 2 months of the decision letter, or 1 month of the mediation certificate if that is later "
    "(rule 20 of the Tribunal's procedure rules); you must contact a mediation adviser first unless the "
    "appeal is only about the school named (section 55)"
)

_SUGGESTED = "Our suggested wait: no law sets a time for this reply, so check the school's own complaints policy"
# 14 days is the reply period the Pre-Action Protocol for Judicial Review normally gives; the protocol is not a
# statute, so this is a requested date.
_PAP_REPLY = ReplyPeriod(
    Period(14, Unit.DAYS),
    "14 days, the reply period the Pre-Action Protocol for Judicial Review normally gives",
    statutory=False,
)
# IPSEA model letter 6 asks for a reply within 5 working days: a request, not a statutory deadline.
_LA_REPLY = ReplyPeriod(
    LA_REPLY_PERIOD, "5 working days, the reply date your letter asks for (not a time limit in law)", statutory=False
)
_ASSESSMENT_REPLY = ReplyPeriod(
    Period(6, Unit.WEEKS),
    "6 weeks from the local authority receiving the request (regulation 5(1), Special Educational Needs and "
    "Disability Regulations 2014)",
    statutory=True,
)


def _duration(minutes: int) -> str:
    """E.g. "23 hours 30 minutes", "1 hour", "45 minutes"."""
    hours, mins = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if mins or not hours:
        parts.append(f"{mins} minute{'s' if mins != 1 else ''}")
    return " ".join(parts)


def line_evidence(line: LineBehind) -> str:
    """E.g. "Motor Skills programme: 1 of 48 sessions delivered; 23 hours 30 minutes owed"."""
    noun = "session" if line.promised_sessions == 1 else "sessions"
    text = (
        f"{line.description}: {line.delivered_sessions} of {line.promised_sessions} {noun} delivered; "
        f"{_duration(line.owed_minutes)} owed"
    )
    missed = [(r, n) for r, n in line.missed if n > 0]
    if missed:
        order = list(MissReason)
        missed.sort(key=lambda rn: (-rn[1], order.index(rn[0])))
        reasons = ", ".join(f"{r.label.lower()} ({n})" for r, n in missed)
        text += f". Reasons recorded for missed sessions: {reasons}"
    return text


# --- The steps for each kind of plan ---------------------------------------------------------------


@dataclass(frozen=True)
class _Template:
    kind: StepKind
    why: tuple[str, ...]
    law: str
    addressee: str | None
    reply: ReplyPeriod | None
    after: StepKind | None = None  # opens once this step has a reply or its reply is overdue
    after_because: str | None = None
    is_letter: bool = True
    limbs: tuple[Limb, ...] = ()


def step_applies(kind: StepKind, plan_kind: PlanKind) -> str | None:
    """None when the step applies to the plan kind; otherwise why not, in plain English."""
    school_level = plan_kind in _SCHOOL_LEVEL
    if school_level and kind in (
        StepKind.WRITE_TO_LA_S42,
        StepKind.PRE_ACTION_PROTOCOL_LETTER,
        StepKind.COMPLAIN_TO_LGSCO,
    ):
        return (
            f"Your child has an {plan_kind.label}, not an EHC plan: the local authority has no duty to "
            "secure its provision, so this step does not apply. Ask for an EHC needs assessment instead."
            if plan_kind is not PlanKind.SEN_SUPPORT
            else "Your child has a SEN Support plan, not an EHC plan: the local authority has no duty to "
            "secure its provision, so this step does not apply. Ask for an EHC needs assessment instead."
        )
    if not school_level and kind in (StepKind.COMPLAIN_TO_GOVERNORS, StepKind.REQUEST_EHC_NEEDS_ASSESSMENT):
        return "Your child already has a plan the local authority must secure: write to the local authority instead."
    return None


def _total_line(lines: Sequence[LineBehind]) -> str:
    total = sum(line.owed_minutes for line in lines)
    noun = "line" if len(lines) == 1 else "lines"
    return f"In all, {_duration(total)} owed across {len(lines)} provision {noun}."


def _staff_reasons(lines: Sequence[LineBehind]) -> bool:
    staff = {MissReason.STAFF_ABSENT, MissReason.STAFF_REDEPLOYED}
    return any(r in staff and n > 0 for line in lines for r, n in line.missed)


def _school_level_templates(plan_kind: PlanKind, behind: Sequence[LineBehind], s: AdvisorSettings) -> list[_Template]:
    evidence = tuple(line_evidence(line) for line in behind)
    label = plan_kind.label
    duty = S66 if plan_kind is PlanKind.SEN_SUPPORT else S317
    duty_short = (
        "section 66, Children and Families Act 2014"
        if plan_kind is PlanKind.SEN_SUPPORT
        else "section 317(1)(a), Education Act 1996, now section 66, Children and Families Act 2014"
    )
    limbs = (
        Limb(
            test="The child has or may have special educational needs (section 36(8)).",
            evidence=(
                f"The school has already identified special educational needs and recorded provision for "
                f"them in an {label}."
                if plan_kind is not PlanKind.SEN_SUPPORT
                else "The school has already identified special educational needs and recorded provision "
                "for them in a SEN Support plan.",
            ),
        ),
        Limb(
            test=(
                "It may be necessary for special educational provision to be made through an EHC plan (section 36(8))."
            ),
            evidence=(
                "The provision the school itself identified is not being delivered:",
                *evidence,
                "Without an EHC plan nobody can be made to deliver it: the school's duty is only to use its "
                f"best endeavours ({duty_short}).",
            ),
        ),
    )
    return [
        _Template(
            kind=StepKind.ASK_SCHOOL_TO_REINSTATE,
            why=(
                *evidence,
                _total_line(behind),
                "Start with the class teacher, the SENCO or the head: the school must use its best "
                f"endeavours to secure the provision your child needs ({duty_short}).",
            ),
            law=duty,
            addressee="The SENCO or the head teacher",
            reply=ReplyPeriod(s.school_reply, _SUGGESTED, statutory=False),
        ),
        _Template(
            kind=StepKind.COMPLAIN_TO_GOVERNORS,
            why=(
                *evidence,
                "The best-endeavours duty is the governing body's, and it manages the SENCO and head.",
                "The Ombudsman cannot investigate most complaints about what happens inside schools, "
                "so the governors are the last step within the school.",
            ),
            law=_GOVERNORS_LAW + duty,
            addressee="The governing body, under the school's complaints policy",
            reply=ReplyPeriod(s.governors_reply, _SUGGESTED, statutory=False),
            after=StepKind.ASK_SCHOOL_TO_REINSTATE,
            after_because="ask the school to reinstate the provision first and give it time to reply.",
        ),
        _Template(
            kind=StepKind.REQUEST_EHC_NEEDS_ASSESSMENT,
            why=(
                "An EHC plan would make the provision a duty the local authority must secure (section 42(2))."
                'Code 9.14 asks whether, despite "relevant and purposeful action", the child has not made '
                "expected progress, but the legal test is only section 36(8).",
                "You can ask at the same time as you take the steps with the school.",
            ),
            law=S36,
            addressee="The local authority",
            reply=_ASSESSMENT_REPLY,
            limbs=limbs,
        ),
        _Template(
            kind=StepKind.SEND_TRIBUNAL_INFO,
            why=(
                "If the local authority refuses to carry out an EHC needs assessment, you can appeal that "
                "refusal to the SEND Tribunal (section 51, Children and Families Act 2014); it costs you nothing "
                "to appeal.",
            ),
            law=_TRIBUNAL_LAW,
            addressee=None,
            reply=None,
            is_letter=False,
        ),
    ]


def _plan_templates(situation: Situation, behind: Sequence[LineBehind], s: AdvisorSettings) -> list[_Template]:
    evidence = tuple(line_evidence(line) for line in behind)
    la_law = S42
    la_why = [
        *evidence,
        _total_line(behind),
        "The local authority must secure the provision in Section F from the date of the plan, and step "
        "in if the school lacks the resources or expertise.",
    ]
    if _staff_reasons(behind):
        la_why.append(
            "Staff absence or redeployment is no answer: the duty is absolute (R (BA) v Nottinghamshire County "
            "Council, 2021) and a lack of resources is no answer to it (R v Harrow London Borough Council ex p M, "
            "1997)."
        )
    # A judicial review about a child's provision is normally brought in the child's name with the parent as
    # litigation friend, and civil legal aid is then usually assessed on the child's means.
    la_why.append(
        "If it comes to court, a claim for judicial review is normally brought in your child's name, with you "
        "acting for them; legal aid is then usually assessed on your child's means, not yours. A head teacher "
        "cannot bring the claim."
    )
    if situation.plan_kind is PlanKind.STATEMENT:
        la_why.append(
            "A statement stayed in force until its transfer review finished; for provision since the "
            "transfer to an EHC plan, the duty is section 42."
        )
    if situation.legacy_statement_records:
        la_law = f"{S42}. For records from before the transfer: {S324}"
        la_why.append(
            "For provision missed under the statement before its transfer (by 1 April 2018), the local "
            "authority's duty was to arrange it under section 324(5)(a), Education Act 1996."
        )
    after_la = "write to the local authority first and give it time to reply."
    return [
        _Template(
            kind=StepKind.ASK_SCHOOL_TO_REINSTATE,
            why=(
                *evidence,
                "Talk to the class teacher, the SENCO and the head as well as the local authority.",
            ),
            law="The local authority must secure the provision (section 42(2), Children and Families Act 2014); "
            "the school must also use its best endeavours for every pupil with special educational needs, "
            "including one with an EHC plan (section 66)",
            addressee="The SENCO or the head teacher",
            reply=ReplyPeriod(s.school_reply, _SUGGESTED, statutory=False),
        ),
        _Template(
            kind=StepKind.WRITE_TO_LA_S42,
            why=(*la_why, "You need not wait for the school: the duty is the local authority's."),
            law=la_law,
            addressee="The Director of Children's Services, at the local authority",
            reply=_LA_REPLY,
        ),
        _Template(
            kind=StepKind.PRE_ACTION_PROTOCOL_LETTER,
            why=(
                "The local authority has not put the failure right, and provision not delivered is a "
                "typical reason for a letter before claim.",
                *evidence,
                "A claim for judicial review must be brought promptly and in any case within 3 months (Civil "
                "Procedure Rules, rule 54.5); take advice from IPSEA, your SENDIASS or a solicitor before you rely "
                "on it.",
            ),
            law=_PAP_LAW,
            addressee="The local authority",
            reply=_PAP_REPLY,
            after=StepKind.WRITE_TO_LA_S42,
            after_because=after_la,
        ),
        _Template(
            kind=StepKind.COMPLAIN_TO_LGSCO,
            why=(
                "The Ombudsman investigates a council's failure to ensure a child receives the provision in the "
                "plan, once the council has had the chance to deal with it through its own complaints procedure "
                "(section 26(5), Local Government Act 1974).",
                "Complain to the council first, in writing, under its complaints procedure. Complain to the "
                "Ombudsman within 12 months of first knowing of the problem (section 26B). It is free.",
                *evidence,
                "It cannot normally investigate something you could appeal to the SEND Tribunal (section 26(6)).",
            ),
            law=_LGSCO_LAW,
            addressee="The Local Government and Social Care Ombudsman",
            reply=None,
            after=StepKind.WRITE_TO_LA_S42,
            after_because=(
                "the council must first have had the chance to put it right: write to it first, then use its "
                "complaints procedure."
            ),
            is_letter=False,
        ),
        _Template(
            kind=StepKind.SEND_TRIBUNAL_INFO,
            why=(
                "The Tribunal cannot rule on how the local authority or school arranges delivery, or on "
                "delays, so it is not the route for provision that is not delivered.",
                "If the plan's Sections B, F or I are wrong, you can appeal them when the plan is issued or amended "
                "(section 51, Children and Families Act 2014); it costs you nothing to appeal.",
            ),
            law=_TRIBUNAL_LAW,
            addressee=None,
            reply=None,
            is_letter=False,
        ),
    ]


# --- Putting it together ----------------------------------------------------------------------------


def _latest_taken(situation: Situation) -> dict[StepKind, StepTaken]:
    latest: dict[StepKind, StepTaken] = {}
    for taken in situation.steps_taken:
        if step_applies(taken.kind, situation.plan_kind) is not None:
            continue  # e.g. sent before the plan kind changed; it does not apply to this plan
        current = latest.get(taken.kind)
        if current is None or taken.sent_on >= current.sent_on:
            latest[taken.kind] = taken
    return latest


def _finished(step: Step) -> bool:
    """Whether the steps that wait on this one may open."""
    return step.status in (StepStatus.DONE, StepStatus.REPLY_OVERDUE, StepStatus.SENT)


def _build(template: _Template, taken: StepTaken | None, today: date, built: dict[StepKind, Step]) -> Step:
    step = Step(
        kind=template.kind,
        title=_TITLES[template.kind],
        why=template.why,
        law=template.law,
        is_letter=template.is_letter,
        addressee=template.addressee,
        reply_period=template.reply,
        status=StepStatus.AVAILABLE,
        limbs=template.limbs,
    )
    if taken is not None:
        due = template.reply.period.after(taken.sent_on) if template.reply else None
        if taken.replied_on is not None:
            status = StepStatus.DONE
        elif due is None:
            status = StepStatus.SENT
        elif today > due:
            status = StepStatus.REPLY_OVERDUE
        else:
            status = StepStatus.AWAITING_REPLY
        return replace(step, status=status, sent_on=taken.sent_on, reply_due=due, replied_on=taken.replied_on)
    if template.kind is StepKind.SEND_TRIBUNAL_INFO:
        return replace(step, status=StepStatus.INFORMATION)
    if template.after is None:
        return step
    gate = built.get(template.after)
    if gate is None or not _finished(gate):
        return replace(step, status=StepStatus.NOT_YET, not_yet_because=template.after_because)
    return replace(step, why=(_why_opened(gate), *step.why))


def _why_opened(gate: Step) -> str:
    """Why a step that waited on `gate` is open now."""
    gate_title = _TITLES[gate.kind][0].lower() + _TITLES[gate.kind][1:]
    if gate.status is StepStatus.DONE and gate.replied_on is not None:
        return (
            f'A reply was recorded on {long_date(gate.replied_on)} to "{gate_title}", but the record still '
            "shows the provision behind."
        )
    if gate.reply_due is not None and gate.sent_on is not None:
        return (
            f'No reply was recorded by {long_date(gate.reply_due)} to "{gate_title}", sent on '
            f"{long_date(gate.sent_on)}."
        )
    return f'"{gate_title}" has been done.'


def advise(situation: Situation, settings: AdvisorSettings | None = None) -> Advice:
    """The next steps for this child, in order, each with why it applies now (see the module docstring)."""
    settings = settings or AdvisorSettings()
    kind = situation.plan_kind
    school_level = kind in _SCHOOL_LEVEL
    if school_level:
        name = "A SEN Support plan" if kind is PlanKind.SEN_SUPPORT else f"An {kind.label}"
        legal_position = (
            f"{name} cannot be enforced as a right: the school must only use its best endeavours to "
            "secure the provision your child needs ("
            + (
                "section 66, Children and Families Act 2014"
                if kind is PlanKind.SEN_SUPPORT
                else "section 317(1)(a), Education Act 1996, and since 1 September 2014 section 66, Children and "
                "Families Act 2014"
            )
            + "). An EHC plan would give your child provision the local authority must secure."
        )
    elif kind is PlanKind.STATEMENT:
        legal_position = (
            "A statement of SEN bound the local authority to arrange its provision (section 324(5)(a), "
            "Education Act 1996); statements were transferred to EHC plans by 1 April 2018, and "
            "the local authority must secure the provision in an EHC plan (section 42(2), Children and "
            "Families Act 2014)."
        )
    else:
        legal_position = (
            "The local authority must secure every part of the special educational provision in the EHC "
            "plan (section 42(2), Children and Families Act 2014); the duty is absolute, whatever its "
            "budget."
        )

    behind = [line for line in situation.lines if line.behind]
    if not behind:
        return Advice(
            legal_position=legal_position,
            summary=("Nothing is behind: no provision line has time owed, so there is no step to take about delivery."),
            steps=(),
        )

    templates = (
        _school_level_templates(kind, behind, settings)
        if school_level
        else _plan_templates(situation, behind, settings)
    )
    taken = _latest_taken(situation)
    built: dict[StepKind, Step] = {}
    for template in templates:
        built[template.kind] = _build(template, taken.get(template.kind), situation.today, built)
    steps = list(built.values())
    first = next((i for i, s in enumerate(steps) if s.status is StepStatus.AVAILABLE), None)
    if first is not None:
        steps[first] = replace(steps[first], recommended=True)

    total = _duration(sum(line.owed_minutes for line in behind))
    noun = "line is" if len(behind) == 1 else "lines are"
    summary = f"{len(behind)} provision {noun} behind, with {total} owed."
    if first is not None:
        summary += f" Recommended next: {steps[first].title.lower()}."
    else:
        waiting = [s for s in steps if s.status is StepStatus.AWAITING_REPLY and s.reply_due is not None]
        if waiting:
            until = max(s.reply_due for s in waiting if s.reply_due is not None)
            summary += f" Wait for a reply until {long_date(until)}."
    return Advice(legal_position=legal_position, summary=summary, steps=tuple(steps))
