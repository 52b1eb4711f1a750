"""Next steps: what a parent can do when the provision in a child's plan is not being delivered.

The rule (each source is named next to the wording it supports; what reaches a parent is a readable citation):

- Nothing behind (no line with owed time): no escalation steps.
- SEN Support: the plan cannot be enforced as a right; a mainstream school's governing body or proprietor
  must use its best endeavours (s66 CFA 2014; not special or independent schools). An IEP at School Action or
  School Action Plus (before 1 September 2014) rested on s317(1)(a) Education Act 1996. Steps: ask the school;
  a formal complaint to the governors (or proprietor); a disability discrimination claim when the child is
  disabled (Equality Act 2010 s85, Schedule 17); a request for an EHC needs assessment (s36(1)) with evidence for
  each limb of s36(8); disagreement resolution (s57 CFA 2014); a complaint to the Secretary of State about a
  maintained school (ss496, 497 EA 1996) or to the DfE about an academy; what the SEND Tribunal can decide.
- EHC plan or statement: ask the school; write to the local authority citing its absolute s42(2) duty (IPSEA model
  letter 6); the school's own complaints procedure (s66 binds a mainstream school for a pupil with an EHC plan
  too); the council's complaints procedure, then the Ombudsman (Local Government Act 1974 s26(5), s26B); a letter
  before claim once past the proportion threshold (pre_action_threshold); the Secretary of State (ss496, 497);
  disagreement resolution (s57); the disability claim when disabled; an early review or re-assessment (s44 CFA
  2014, reg 24 SEND Regulations 2014); the right to ask for a school (ss38, 39; reg 13(1)); the Tribunal.
  For statement records from before the transfer to EHC plans by 1 April 2018, the duty is s324(5)(a) EA 1996.

Progress. A step whose letter was sent waits for its reply until the reply period ends; when it ends without a
recorded reply its reply date has passed (REPLY_OVERDUE: shown as "no reply by the date you asked for", never as a
breach, unless a regulation sets the date) and the steps that follow it open. A recorded reply opens them too,
because the record still shows the provision behind. The recommended step is the first one, in order, that can be
taken now.

This is information, never legal advice: every result carries DISCLAIMER, and every step offers free help (HELP).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
    COMPLAIN_TO_COUNCIL = "complain_to_council"
    PRE_ACTION_PROTOCOL_LETTER = "pre_action_protocol_letter"
    COMPLAIN_TO_LGSCO = "complain_to_lgsco"
    COMPLAIN_TO_SECRETARY_OF_STATE = "complain_to_secretary_of_state"
    DISAGREEMENT_RESOLUTION = "disagreement_resolution"
    DISABILITY_CLAIM = "disability_claim"
    REQUEST_REVIEW_OR_REASSESSMENT = "request_review_or_reassessment"
    ASK_FOR_SCHOOL = "ask_for_school"
    SEND_TRIBUNAL_INFO = "send_tribunal_info"


class SchoolType(StrEnum):
    """The kinds of school the routes differ by: s66 CFA 2014 binds mainstream schools (maintained and academies),
    not special or independent ones; ss496-497 EA 1996 reach maintained schools, the DfE's route academies."""

    MAINTAINED = "maintained"
    ACADEMY = "academy"
    INDEPENDENT = "independent"
    SPECIAL = "special"

    @property
    def label(self) -> str:
        return {
            SchoolType.MAINTAINED: "maintained school",
            SchoolType.ACADEMY: "academy",
            SchoolType.INDEPENDENT: "independent school",
            SchoolType.SPECIAL: "special school",
        }[self]

    @property
    def with_article(self) -> str:
        """E.g. "an academy", "a special school"."""
        return f"{'an' if self.label[0] in 'aeiou' else 'a'} {self.label}"


def school_type(establishment_type: str) -> SchoolType:
    """The kind of school from the DfE register's type of establishment (GIAS "TypeOfEstablishment (name)"),
    e.g. "Academy converter", "Community special school", "Other independent school"; blank counts as maintained."""
    name = establishment_type.lower()
    if "independent" in name:
        return SchoolType.INDEPENDENT
    if "special" in name:
        return SchoolType.SPECIAL
    if any(word in name for word in ("academy", "free school", "studio school", "university technical")):
        return SchoolType.ACADEMY
    return SchoolType.MAINTAINED


# The Equality Act 2010, section 6(1), in plain words: shown wherever the product asks whether a child is disabled.
DISABILITY_DEFINITION = (
    "Under the Equality Act 2010 (section 6), a child is disabled if they have a physical or mental impairment that "
    "has a substantial and long-term effect on their ability to do normal day-to-day activities. Many children "
    "with autism, ADHD, dyslexia or a long-term health condition meet it; a diagnosis is not needed."
)

# Offered with every step: SENDIASS is the local authority's free, impartial information, advice and support
# service (s32 CFA 2014); IPSEA is an independent charity giving free legally based advice.
HELP = (
    "Free help with this step: your local SENDIASS (the council's independent information, advice and support "
    "service) and IPSEA (ipsea.org.uk) give free advice."
)


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
    weekly_minutes: int = 0  # what the line promises in a week, where it is set by the week; 0 when not

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
    """A step the parent has already taken: the date it was sent and, if any, the date of the reply.

    received_on: the day the recipient received it, where that is recorded and the reply's time runs from it (the
    6 weeks on a request for an assessment run from the local authority's receipt, reg 5(1) SEND Regulations 2014).
    """

    kind: StepKind
    sent_on: date
    replied_on: date | None = None
    received_on: date | None = None


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
    school_type: SchoolType = SchoolType.MAINTAINED
    disabled: bool = False  # disabled in the sense of s6 Equality Act 2010, as recorded on the child

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
class Threshold:
    """A product judgement, not law: whether a step is in proportion to what is owed, and why."""

    met: bool
    reason: str
    warning: str = ""  # shown to a parent who goes ahead below it, and kept with their letter


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
    costs: str = ""  # what the step costs the family: time, money, risk
    help: str = HELP
    threshold: Threshold | None = None  # the proportion test a step waits on, where it has one

    @property
    def below_threshold(self) -> bool:
        """Whether the step is offered only with a warning: its threshold is not met."""
        return self.threshold is not None and not self.threshold.met

    @property
    def offered_with_warning(self) -> bool:
        """Open in every other way, held back only by its threshold: the parent may go ahead, warned."""
        return self.status is StepStatus.NOT_YET and self.not_yet_because == _BELOW_THRESHOLD

    @property
    def status_text(self) -> str:
        if self.status is StepStatus.AVAILABLE:
            return "You can do this now"
        if self.status is StepStatus.NOT_YET:
            return f"Not yet: {self.not_yet_because}"
        if self.status is StepStatus.AWAITING_REPLY and self.reply_due is not None:
            return f"Sent, awaiting a reply until {long_date(self.reply_due)}"
        if self.status is StepStatus.REPLY_OVERDUE and self.reply_due is not None:
            if self.reply_period is not None and self.reply_period.statutory:
                return (
                    f"No reply recorded by {long_date(self.reply_due)}, the time limit the law sets: you can move on "
                    "to the next step"
                )
            # A reply date the parent asked for, never set by law: not called overdue, which reads as a breach.
            return f"No reply by {long_date(self.reply_due)}, the date you asked for: you can move on to the next step"
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
    StepKind.COMPLAIN_TO_COUNCIL: "Make a formal complaint to the council",
    StepKind.PRE_ACTION_PROTOCOL_LETTER: "Send a letter before claim (before judicial review)",
    StepKind.COMPLAIN_TO_LGSCO: "Complain to the Local Government and Social Care Ombudsman",
    StepKind.COMPLAIN_TO_SECRETARY_OF_STATE: "Complain to the Secretary of State for Education",
    StepKind.DISAGREEMENT_RESOLUTION: "Ask for independent disagreement resolution",
    StepKind.DISABILITY_CLAIM: "Claim disability discrimination at the Tribunal",
    StepKind.REQUEST_REVIEW_OR_REASSESSMENT: "Ask for an early review or a re-assessment",
    StepKind.ASK_FOR_SCHOOL: "Your right to ask for a particular school",
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
# The claim a letter before claim makes (Pre-Action Protocol for Judicial Review, Annex A): the failure, the duty
# and what the council must do; the letter itself adds the dates and the history (nextsteps/drafts.py).
_PAP_LAW = (
    "The claim: the local authority is failing to secure the special educational provision specified in the "
    "child's EHC plan, in breach of its duty under section 42(2), Children and Families Act 2014, and has not put "
    "this right since it was told of it in writing. " + S42
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

# s66 CFA 2014 binds the appropriate authority of a mainstream school (maintained or academy), not a special or
# independent school (s66(1), (5)).
_S66_SCHOOLS = frozenset({SchoolType.MAINTAINED, SchoolType.ACADEMY})
_NO_S66 = (
    "The school's own complaints procedure. The best-endeavours duty in section 66, Children and Families Act 2014, "
    "binds mainstream schools only, not special or independent schools"
)
# Equality Act 2010: s6(1) (disability), s85(2), (6) (a school's responsible body must not discriminate against a
# disabled pupil and must make reasonable adjustments), Schedule 17 para 3 (claim by the parent to the First-tier
# Tribunal), para 4 (6 months starting with the conduct, later with the Tribunal's leave), para 5 (no compensation).
_EQUALITY_LAW = (
    "Section 85, Equality Act 2010: a school must not discriminate against a disabled pupil, and must make "
    "reasonable adjustments for them. A parent can claim to the First-tier Tribunal (SEND) within 6 months of what "
    "happened (Schedule 17)"
)
# s57 CFA 2014: the LA must arrange independent disagreement resolution, including for disagreements with a school
# about the special educational provision for any child with SEN, with or without an EHC plan.
_S57 = (
    "Section 57, Children and Families Act 2014: the local authority must arrange independent disagreement "
    "resolution, including for a disagreement with a school about the provision for a child with special "
    "educational needs, with or without an EHC plan"
)
# ss496 (unreasonable exercise of functions) and 497 (failure to discharge a duty) Education Act 1996: the Secretary
# of State's powers over local authorities and the governing bodies of maintained schools.
_SOS_LAW = (
    "Sections 496 and 497, Education Act 1996: the Secretary of State can direct a local authority or a "
    "maintained school's governing body that has acted unreasonably or failed to carry out a duty"
)
# Academies are outside ss496-497; the Secretary of State acts through the academy's funding agreement, and the DfE
# takes complaints about an academy once its own procedure is finished.
_DFE_ACADEMY = (
    "The Department for Education takes complaints about an academy once the academy's own complaints procedure is "
    "finished; the academy's duty to your child is section 66, Children and Families Act 2014"
)
# Local Government Act 1974 s26(5): the council must first have had the chance to investigate and reply.
_COUNCIL_COMPLAINT_LAW = (
    "The council's own complaints procedure: the Ombudsman normally investigates only once the council has had the "
    "chance to deal with the complaint (section 26(5), Local Government Act 1974). The duty complained of is "
    "section 42(2), Children and Families Act 2014"
)
# s44(1) CFA 2014 sets the latest date for a review, not the earliest; s44(2)(a) a re-assessment on the parent's
# request; reg 24 SEND Regulations 2014: the LA may refuse within 6 months of the last assessment; a refusal to
# re-assess is appealable (s51 CFA 2014).
_REVIEW_LAW = (
    "Section 44, Children and Families Act 2014: the plan must be reviewed at least every 12 months, and sooner if "
    "the local authority agrees; the local authority must re-assess your child's needs if you ask, unless the last "
    "assessment was less than 6 months ago (regulation 24, Special Educational Needs and Disability Regulations "
    "2014). A refusal to re-assess can be appealed (section 51)"
)
# ss38(2)(b), 39 CFA 2014 (the request for a school and when the LA must name it); reg 13(1) SEND Regulations 2014
# (at least 15 days beginning with the day the draft is served); reg 22(2)(c) (15 days on proposed amendments).
_SCHOOL_REQUEST_LAW = (
    "Sections 38 and 39, Children and Families Act 2014: with the draft plan the local authority must tell you of "
    "your right to ask for a particular school, and must name it unless it is unsuitable or would not be an "
    "efficient use of resources or compatible with other children's education. You have at least 15 days "
    "(regulation 13(1), Special Educational Needs and Disability Regulations 2014), and at least 15 days on proposed "
    "amendments after a review (regulation 22(2)(c))"
)
_ASK_SCHOOL_COSTS = (
    "Free. A conversation or a short letter; give the school about two weeks to answer. No risk, and it often works."
)

# --- Proportion: a product judgement, not law --------------------------------------------------------------
# The s42(2) duty is absolute, but a letter before claim over a few minutes owed damages a parent's credibility with
# the council and a court. So the letter before claim is offered once at least a week's provision is owed (never
# less than PRE_ACTION_MINIMUM_MINUTES) and the local authority has had PRE_ACTION_WAIT since the s42 letter without
# putting it right. The parent can go ahead below it, with a warning kept with the letter.
PRE_ACTION_MINIMUM_MINUTES = 120
PRE_ACTION_WAIT = Period(4, Unit.WEEKS)


def pre_action_threshold(situation: Situation, behind: Sequence[LineBehind]) -> Threshold:
    owed = sum(line.owed_minutes for line in behind)
    week = sum(line.weekly_minutes for line in behind)
    needed = max(week, PRE_ACTION_MINIMUM_MINUTES)
    letters = [t.sent_on for t in situation.steps_taken if t.kind is StepKind.WRITE_TO_LA_S42]
    wait_ends = PRE_ACTION_WAIT.after(max(letters)) if letters else None
    amount_met = owed >= needed
    time_met = wait_ends is not None and situation.today >= wait_ends
    rule = (
        f"We suggest a letter before claim once at least a week's provision is owed ({_duration(needed)} here) and "
        "4 weeks have passed since your letter to the local authority without the provision being put right."
    )
    if wait_ends is None:
        now = "You have not yet recorded a letter to the local authority."
    else:
        now = (
            f"Now: {_duration(owed)} owed, and your letter to the local authority was sent on "
            f"{long_date(max(letters))}; 4 weeks from it "
            + ("have passed." if time_met else f"end on {long_date(wait_ends)}.")
        )
    met = amount_met and time_met
    warning = (
        ""
        if met
        else "This is below the point we suggest. A letter before claim is the last step before a court claim; "
        "sent over a small amount owed, or before the council has had time to act, it can make the council and a "
        "court take your later letters less seriously. The duty is still the council's: you can send it anyway."
    )
    return Threshold(met=met, reason=f"{rule} {now}", warning=warning)


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


def duration(minutes: int) -> str:
    """E.g. "23 hours 30 minutes", "1 hour", "45 minutes": time as the letters give it."""
    return _duration(minutes)


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
    costs: str = ""
    threshold: Threshold | None = None


_BELOW_THRESHOLD = "below the point we suggest for this step (see why below); you can still go ahead."
# Steps that are information only: nothing to send, nothing to wait for.
_INFORMATION = frozenset({StepKind.SEND_TRIBUNAL_INFO, StepKind.ASK_FOR_SCHOOL})
_LA_ONLY = frozenset(
    {
        StepKind.WRITE_TO_LA_S42,
        StepKind.COMPLAIN_TO_COUNCIL,
        StepKind.PRE_ACTION_PROTOCOL_LETTER,
        StepKind.COMPLAIN_TO_LGSCO,
        StepKind.REQUEST_REVIEW_OR_REASSESSMENT,
        StepKind.ASK_FOR_SCHOOL,
    }
)


def step_applies(kind: StepKind, plan_kind: PlanKind) -> str | None:
    """None when the step applies to the plan kind; otherwise why not, in plain English."""
    school_level = plan_kind in _SCHOOL_LEVEL
    if school_level and kind in _LA_ONLY:
        return (
            f"Your child has an {plan_kind.label}, not an EHC plan: the local authority has no duty to "
            "secure its provision, so this step does not apply. Ask for an EHC needs assessment instead."
            if plan_kind is not PlanKind.SEN_SUPPORT
            else "Your child has a SEN Support plan, not an EHC plan: the local authority has no duty to "
            "secure its provision, so this step does not apply. Ask for an EHC needs assessment instead."
        )
    if not school_level and kind is StepKind.REQUEST_EHC_NEEDS_ASSESSMENT:
        return (
            "Your child already has a plan the local authority must secure: ask for a re-assessment or an early "
            "review instead."
        )
    return None


# Pre-Action Protocol for Judicial Review, Annex A: the letter sets out the history of the matter; for a failure to
# secure provision that is the letter to the local authority citing s42(2) and its reply. Without one the council has
# never been told in writing, and a letter before claim would be the first it hears of the claim.
_PAP_NEEDS_S42 = (
    "A letter before claim tells the council's lawyers what you have already asked the council to do and when. "
    "Write to the local authority first (the letter citing section 42, Children and Families Act 2014), and give it "
    "time to put the provision in place."
)


def letter_refused(kind: StepKind, sent: Iterable[str]) -> str | None:
    """Why the letter of a step cannot be drafted from the kinds of letter already sent, or None when it can."""
    if kind is StepKind.PRE_ACTION_PROTOCOL_LETTER and StepKind.WRITE_TO_LA_S42 not in set(sent):
        return _PAP_NEEDS_S42
    return None


def _total_line(lines: Sequence[LineBehind]) -> str:
    total = sum(line.owed_minutes for line in lines)
    noun = "line" if len(lines) == 1 else "lines"
    return f"In all, {_duration(total)} owed across {len(lines)} provision {noun}."


def _staff_reasons(lines: Sequence[LineBehind]) -> bool:
    staff = {MissReason.STAFF_ABSENT, MissReason.STAFF_REDEPLOYED}
    return any(r in staff and n > 0 for line in lines for r, n in line.missed)


def _school_duty(plan_kind: PlanKind, school: SchoolType) -> tuple[str, str]:
    """The school's own duty for this plan and school, in full and short."""
    if plan_kind in (PlanKind.IEP_SCHOOL_ACTION, PlanKind.IEP_SCHOOL_ACTION_PLUS):
        return S317, "section 317(1)(a), Education Act 1996, now section 66, Children and Families Act 2014"
    if school in _S66_SCHOOLS:
        return S66, "section 66, Children and Families Act 2014"
    return _NO_S66, "the school's own policies: section 66 does not apply to special or independent schools"


def _governors_template(
    plan_kind: PlanKind, school: SchoolType, evidence: tuple[str, ...], s: AdvisorSettings
) -> _Template:
    duty, _ = _school_duty(plan_kind, school)
    who = "the proprietor" if school is SchoolType.INDEPENDENT else "the governing body (or academy trust)"
    why = [
        *evidence,
        f"The school's duty to its pupils sits with {who}, which manages the SENCO and head.",
        "The Ombudsman cannot investigate most complaints about what happens inside schools, "
        "so the school's complaints procedure is the last step within the school.",
    ]
    if plan_kind not in _SCHOOL_LEVEL and school in _S66_SCHOOLS:
        why.insert(
            len(evidence),
            "The local authority's duty to secure the provision does not take away the school's own: "
            "the best-endeavours duty applies to every pupil with special educational needs at a mainstream "
            "school, including one with an EHC plan (section 66).",
        )
    elif plan_kind not in _SCHOOL_LEVEL:
        why.insert(
            len(evidence),
            f"{school.with_article.capitalize()} has no best-endeavours duty under section 66, but it is the school "
            "that delivers the "
            "provision day to day; the duty to secure it stays with the local authority.",
        )
    return _Template(
        kind=StepKind.COMPLAIN_TO_GOVERNORS,
        why=tuple(why),
        law=_GOVERNORS_LAW + duty,
        addressee=(
            "The proprietor, under the school's complaints policy"
            if school is SchoolType.INDEPENDENT
            else "The chair of governors, under the school's complaints policy"
        ),
        reply=ReplyPeriod(s.governors_reply, _SUGGESTED, statutory=False),
        costs=(
            "Free. It takes a letter and usually a meeting; the school's policy says how long each stage "
            "takes, often several weeks. Little risk, though it can strain your relationship with the school."
        ),
        after=StepKind.ASK_SCHOOL_TO_REINSTATE,
        after_because="ask the school to reinstate the provision first and give it time to reply.",
    )


def _disability_template(plan_kind: PlanKind) -> _Template:
    why = [
        "You have told the school your child is disabled in the Equality Act's sense. The school must make "
        "reasonable adjustments so that your child is not put at a substantial disadvantage compared with "
        "pupils who are not disabled, and must not treat them unfavourably because of their disability.",
        "If the provision your child needs is not made and that disadvantages them, you can claim to the "
        "First-tier Tribunal (SEND) against the school. Claim within 6 months of what happened (the Tribunal "
        "can allow a later claim).",
    ]
    if plan_kind in _SCHOOL_LEVEL:
        why.append(
            "A SEN Support plan cannot itself be enforced: for a disabled child this is the route a tribunal "
            "can decide."
        )
    return _Template(
        kind=StepKind.DISABILITY_CLAIM,
        why=tuple(why),
        law=_EQUALITY_LAW,
        addressee="The First-tier Tribunal (Special Educational Needs and Disability)",
        reply=None,
        costs=(
            "Free to claim, and each side normally pays its own costs. It takes a claim form and evidence, and "
            "the hearing is usually some months later. The Tribunal can order the school to act or apologise, "
            "or to train its staff; it cannot award money."
        ),
        is_letter=False,
    )


def _disagreement_template() -> _Template:
    return _Template(
        kind=StepKind.DISAGREEMENT_RESOLUTION,
        why=(
            "The local authority must offer independent disagreement resolution, free to you, for a "
            "disagreement with the school or the local authority about the provision for your child, whether "
            "or not your child has an EHC plan.",
            "It does not stop you taking any other step, and does not affect your right to appeal.",
        ),
        law=_S57,
        addressee="Your local authority's disagreement resolution service",
        reply=None,
        costs="Free. Usually one meeting, arranged within weeks; it is voluntary and binds nobody, so the risk is "
        "only the time it takes.",
        is_letter=False,
    )


def _secretary_of_state_template(plan_kind: PlanKind, school: SchoolType) -> _Template | None:
    """A complaint to the Secretary of State about a maintained school or the local authority; the DfE's complaint
    route about academies for an academy; none for an independent school."""
    la_level = plan_kind not in _SCHOOL_LEVEL
    if school is SchoolType.INDEPENDENT and not la_level:
        return None
    if school is SchoolType.ACADEMY and not la_level:
        why: tuple[str, ...] = (
            "Your child's school is an academy. Once you have used the academy's own complaints procedure, "
            "you can complain to the Department for Education if the academy did not follow its procedure "
            "or acted unreasonably.",
        )
        law = _DFE_ACADEMY
        addressee = "The Department for Education (complaints about academies)"
    else:
        body = "the local authority or the school's governing body" if la_level else "the school's governing body"
        why = (
            f"If {body} has failed to carry out a duty, or acted unreasonably, you can complain to the Secretary "
            "of State for Education, who can direct it to put things right.",
            "This is usually after the council's or the school's own complaints procedure.",
        )
        law = _SOS_LAW
        addressee = "The Secretary of State for Education, at the Department for Education"
    return _Template(
        kind=StepKind.COMPLAIN_TO_SECRETARY_OF_STATE,
        why=why,
        law=law,
        addressee=addressee,
        reply=None,
        costs="Free. It takes a letter or an online form with your evidence; an answer can take months, and "
        "the Department rarely directs a council or school, so it is slow but carries no risk of costs.",
        after=StepKind.WRITE_TO_LA_S42 if la_level else StepKind.COMPLAIN_TO_GOVERNORS,
        after_because=(
            "write to the local authority first and give it time to put things right."
            if la_level
            else "use the school's complaints procedure first."
        ),
        is_letter=False,
    )


def _tribunal_template(plan_kind: PlanKind) -> _Template:
    if plan_kind in _SCHOOL_LEVEL:
        why: tuple[str, ...] = (
            "If the local authority refuses to carry out an EHC needs assessment, you can appeal that "
            "refusal to the SEND Tribunal (section 51, Children and Families Act 2014).",
        )
    else:
        why = (
            "The Tribunal cannot rule on how the local authority or school arranges delivery, or on "
            "delays, so it is not the route for provision that is not delivered.",
            "If the plan's Sections B, F or I are wrong, you can appeal them when the plan is issued or amended "
            "(section 51, Children and Families Act 2014).",
        )
    return _Template(
        kind=StepKind.SEND_TRIBUNAL_INFO,
        why=why,
        law=_TRIBUNAL_LAW,
        addressee=None,
        reply=None,
        costs="Free to appeal, and each side normally pays its own costs. An appeal usually takes several months "
        "to a hearing; you must contact a mediation adviser first.",
        is_letter=False,
    )


def _school_level_templates(situation: Situation, behind: Sequence[LineBehind], s: AdvisorSettings) -> list[_Template]:
    plan_kind, school = situation.plan_kind, situation.school_type
    evidence = tuple(line_evidence(line) for line in behind)
    label = plan_kind.label
    duty, duty_short = _school_duty(plan_kind, school)
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
    templates = [
        _Template(
            kind=StepKind.ASK_SCHOOL_TO_REINSTATE,
            why=(
                *evidence,
                _total_line(behind),
                f"Start with the class teacher, the SENCO or the head: {_school_ask(school, duty_short)}.",
            ),
            law=duty,
            addressee="The SENCO or the head teacher",
            reply=ReplyPeriod(s.school_reply, _SUGGESTED, statutory=False),
            costs=_ASK_SCHOOL_COSTS,
        ),
        _governors_template(plan_kind, school, evidence, s),
    ]
    if situation.disabled:
        templates.append(_disability_template(plan_kind))
    templates += [
        _Template(
            kind=StepKind.REQUEST_EHC_NEEDS_ASSESSMENT,
            why=(
                "An EHC plan would make the provision a duty the local authority must secure (section 42(2)). "
                'The Code of Practice asks whether, despite "relevant and purposeful action", the child has not '
                "made expected progress, but the legal test is only section 36(8).",
                "You can ask at the same time as you take the steps with the school.",
            ),
            law=S36,
            addressee="The SEN team, at the local authority",
            reply=_ASSESSMENT_REPLY,
            costs="Free. It takes a letter with your evidence; the council must decide within 6 weeks of receiving "
            "it, and you can appeal a refusal to the Tribunal at no cost.",
            limbs=limbs,
        ),
        _disagreement_template(),
    ]
    sos = _secretary_of_state_template(plan_kind, school)
    if sos is not None:
        templates.append(sos)
    templates.append(_tribunal_template(plan_kind))
    return templates


def _school_ask(school: SchoolType, duty_short: str) -> str:
    if school in _S66_SCHOOLS:
        return f"the school must use its best endeavours to secure the provision your child needs ({duty_short})"
    return "ask the school to put the provision back in place and say when"


def _plan_templates(situation: Situation, behind: Sequence[LineBehind], s: AdvisorSettings) -> list[_Template]:
    evidence = tuple(line_evidence(line) for line in behind)
    school = situation.school_type
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
    school_law = (
        "The local authority must secure the provision (section 42(2), Children and Families Act 2014); "
        "the school must also use its best endeavours for every pupil with special educational needs, "
        "including one with an EHC plan (section 66)"
        if school in _S66_SCHOOLS
        else "The local authority must secure the provision (section 42(2), Children and Families Act 2014), "
        "whichever school your child attends"
    )
    threshold = pre_action_threshold(situation, behind)
    templates = [
        _Template(
            kind=StepKind.ASK_SCHOOL_TO_REINSTATE,
            why=(
                *evidence,
                "Talk to the class teacher, the SENCO and the head as well as the local authority.",
            ),
            law=school_law,
            addressee="The SENCO or the head teacher",
            reply=ReplyPeriod(s.school_reply, _SUGGESTED, statutory=False),
            costs=_ASK_SCHOOL_COSTS,
        ),
        _Template(
            kind=StepKind.WRITE_TO_LA_S42,
            why=(*la_why, "You need not wait for the school: the duty is the local authority's."),
            law=la_law,
            addressee="The SEN team, at the local authority (for the Director of Children's Services)",
            reply=_LA_REPLY,
            costs="Free. One letter, with the evidence schedule from the record. It puts the council on notice "
            "in writing, which every later step relies on; there is no risk to you.",
        ),
        _governors_template(situation.plan_kind, school, evidence, s),
        _Template(
            kind=StepKind.COMPLAIN_TO_COUNCIL,
            why=(
                "The local authority has not put the failure right. A formal complaint under the council's own "
                "complaints procedure gives it the chance the Ombudsman requires before it will investigate "
                "(section 26(5), Local Government Act 1974).",
                *evidence,
            ),
            law=_COUNCIL_COMPLAINT_LAW,
            addressee="The complaints team, at the local authority",
            reply=None,
            costs="Free. A letter; councils usually answer each stage within a few weeks, and most have two "
            "stages. No risk, and it keeps the Ombudsman open to you.",
            after=StepKind.WRITE_TO_LA_S42,
            after_because=after_la,
        ),
        _Template(
            kind=StepKind.PRE_ACTION_PROTOCOL_LETTER,
            why=(
                "The local authority has not put the failure right, and provision not delivered is a "
                "typical reason for a letter before claim.",
                threshold.reason,
                *evidence,
                "A claim for judicial review must be brought promptly and in any case within 3 months (Civil "
                "Procedure Rules, rule 54.5); take advice from IPSEA, your SENDIASS or a solicitor before you rely "
                "on it.",
                "If it comes to court, a claim for judicial review is normally brought in your child's name, with "
                "you acting for them as litigation friend; legal aid is then usually assessed on your child's "
                "means, not yours. A head teacher cannot bring the claim.",
            ),
            law=_PAP_LAW,
            addressee="The legal services department, at the local authority",
            reply=_PAP_REPLY,
            costs="The letter itself is free, but it is the step before a court claim: a claim can cost thousands "
            "of pounds unless legal aid covers it, and a claimant who loses may have to pay the council's costs. "
            "Most cases settle after the letter.",
            after=StepKind.WRITE_TO_LA_S42,
            after_because=after_la,
            threshold=threshold,
        ),
        _Template(
            kind=StepKind.COMPLAIN_TO_LGSCO,
            why=(
                "The Ombudsman investigates a council's failure to ensure a child receives the provision in the "
                "plan, once the council has had the chance to deal with it through its own complaints procedure "
                "(section 26(5), Local Government Act 1974).",
                "Complain to the Ombudsman within 12 months of first knowing of the problem (section 26B).",
                *evidence,
                "It cannot normally investigate something you could appeal to the SEND Tribunal (section 26(6)).",
            ),
            law=_LGSCO_LAW,
            addressee="The Local Government and Social Care Ombudsman",
            reply=None,
            costs="Free. An online form; an investigation often takes several months. It can recommend an "
            "apology, a payment for the provision missed and changes at the council.",
            after=StepKind.COMPLAIN_TO_COUNCIL,
            after_because=(
                "the council must first have had the chance to put it right: write to it first, then use its "
                "complaints procedure."
            ),
            is_letter=False,
        ),
    ]
    sos = _secretary_of_state_template(situation.plan_kind, school)
    if sos is not None:
        templates.append(sos)
    templates.append(_disagreement_template())
    if situation.disabled:
        templates.append(_disability_template(situation.plan_kind))
    templates += [
        _Template(
            kind=StepKind.REQUEST_REVIEW_OR_REASSESSMENT,
            why=(
                "If the provision in the plan no longer meets your child's needs, you can ask the local authority "
                "for an early review of the plan, or for a re-assessment of your child's needs.",
                "The council must re-assess when you ask, unless it assessed your child less than 6 months ago "
                "or decides a re-assessment is not necessary; you can appeal a refusal to re-assess.",
            ),
            law=_REVIEW_LAW,
            addressee="The SEN team, at the local authority",
            reply=None,
            costs="Free. A letter; a re-assessment runs to the same timetable as a first assessment (a decision "
            "within 6 weeks). A review can also lead to provision being reduced.",
        ),
        _Template(
            kind=StepKind.ASK_FOR_SCHOOL,
            why=(
                "When the council sends you a draft plan, or proposes amendments after a review, you can ask for "
                "a particular school or college to be named in it. You have at least 15 days from the day the "
                "draft is served to say so and to comment.",
            ),
            law=_SCHOOL_REQUEST_LAW,
            addressee=None,
            reply=None,
            costs="Free. Write within the 15 days; the council must name the school you ask for unless one of "
            "the exceptions in the law applies, and you can appeal the school named.",
            is_letter=False,
        ),
        _tribunal_template(situation.plan_kind),
    ]
    return templates


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
        costs=template.costs,
        threshold=template.threshold,
    )
    if taken is not None:
        runs_from = taken.received_on if taken.received_on is not None and taken.received_on >= taken.sent_on else None
        due = template.reply.period.after(runs_from or taken.sent_on) if template.reply else None
        if taken.replied_on is not None:
            status = StepStatus.DONE
        elif due is None:
            status = StepStatus.SENT
        elif today > due:
            status = StepStatus.REPLY_OVERDUE
        else:
            status = StepStatus.AWAITING_REPLY
        return replace(step, status=status, sent_on=taken.sent_on, reply_due=due, replied_on=taken.replied_on)
    if template.kind in _INFORMATION:
        return replace(step, status=StepStatus.INFORMATION)
    if template.after is None:
        return step
    gate = built.get(template.after)
    if gate is None or not _finished(gate):
        return replace(step, status=StepStatus.NOT_YET, not_yet_because=template.after_because)
    if step.below_threshold and template.threshold is not None:
        return replace(
            step,
            status=StepStatus.NOT_YET,
            why=(_why_opened(gate), *step.why),
            not_yet_because=_BELOW_THRESHOLD,
        )
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
        _school_level_templates(situation, behind, settings)
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
