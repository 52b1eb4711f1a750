"""The letters of the next steps for a family-kept record: the same letters as for a school-kept record
(nextsteps/drafts.py: the addressee, the ask, the law as the step gives it, the reply asked for), with the facts the
family has, each said as whose word it is. A figure the family knows is never put as the school's record."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from provision_ledger.family.models import FamilyChild, FamilyLetter, RecordsRequest
from provision_ledger.family.queries import FamilyStatement, statement_end
from provision_ledger.nextsteps.advice import untagged
from provision_ledger.nextsteps.drafts import (
    NOT_LEGAL_ADVICE,
    SUBJECTS,
    Draft,
    ask_for,
    assessment_paragraphs,
    plan_words,
    pre_action_paragraphs,
    recipient_for,
    reply_line,
    s42_history,
    without_a_plan,
)
from provision_ledger.people.models import User
from provision_ledger.rules.advisor import SchoolType, Step, StepKind, duration, school_type
from provision_ledger.rules.clocks import long_date
from provision_ledger.rules.family_record import RecordsAsked
from provision_ledger.rules.legal_force import PlanKind

# Said in every letter drawn from the family's record, in the parent's voice; the pages say it to the parent.
LIMITS = (
    "My record shows what I have been told, not what happened: the school’s own records may show more sessions, "
    "or fewer."
)


def owed_minutes(statement: FamilyStatement) -> int:
    """Minutes missed on the school's own written word: the sessions it said did not take place."""
    return sum(s.count.school_did_not * (s.line.minutes_per_session or 0) for s in statement.lines if s.count)


def _records_sentence(asked: Sequence[tuple[RecordsRequest, RecordsAsked]]) -> str:
    if not asked:
        return ""
    _, latest = max(asked, key=lambda a: a[1].received_on)
    received = long_date(latest.received_on)
    if latest.answered_on is not None:
        return (
            f"I asked the school for its records of this provision: it received my request on {received} and "
            f"answered on {long_date(latest.answered_on)}."
        )
    return (
        f"I asked the school for its records of this provision: it received my request on {received}, had until "
        f"{long_date(latest.last_day)} to answer, and has not."
    )


def line_facts(family_child: FamilyChild, statement: FamilyStatement, today: date) -> list[str]:
    start, end = long_date(family_child.plan_start), long_date(statement_end(family_child, today))
    facts = []
    for s in statement.lines:
        if s.count is None:
            continue
        c = s.count
        many = "s" if s.line.sessions != 1 else ""
        told = (
            f"The school has told me in writing that {c.school_took_place} took place and {c.school_did_not} did not; "
            f"I have no information about the other {c.unknown}."
            if c.school_told
            else "The school has told me nothing in writing about them."
        )
        facts.append(
            f"- {s.line.description}: the plan specifies {s.line.sessions} session{many} "
            f"a {s.line.period} of {s.line.minutes_per_session} minutes. From {start} to {end}: {c.promised} sessions "
            f"due. {told}"
        )
    return facts


def family_facts(
    family_child: FamilyChild,
    statement: FamilyStatement,
    asked: Sequence[tuple[RecordsRequest, RecordsAsked]],
    today: date,
) -> str:
    kind = plan_words(family_child.plan_kind)
    owed = owed_minutes(statement)
    return "\n".join(
        [
            f"My child's {kind}, in force from {long_date(family_child.plan_start)}, specifies the provision below. "
            + _records_sentence(asked),
            "What follows is what the school itself has told me in writing; the enclosed schedule gives the source "
            "of every figure. " + LIMITS + " Sessions nobody has told me about are counted neither as delivered "
            "nor as missed.",
            *line_facts(family_child, statement, today),
            f"On the school's own written word, {duration(owed)} of provision was missed.",
        ]
    )


def family_draft(
    step: Step,
    family_child: FamilyChild,
    statement: FamilyStatement,
    parent: User,
    sent_on: date,
    letters: Sequence[FamilyLetter],
    asked: Sequence[tuple[RecordsRequest, RecordsAsked]],
) -> Draft:
    """The letter for a step, addressed, dated, citing the law as the step gives it, with the family's facts."""
    school = family_child.school
    la = school.local_authority.name if school is not None else ""
    kind_of_school = school_type(school.establishment_type) if school is not None else SchoolType.MAINTAINED
    to = recipient_for(step.kind, family_child.school_label, la, kind_of_school)
    signed = "Yours faithfully" if to.salutation == "Dear Sir or Madam" else "Yours sincerely"
    name = parent.get_full_name() or parent.email
    facts = family_facts(family_child, statement, asked, sent_on)
    if step.kind is StepKind.REQUEST_EHC_NEEDS_ASSESSMENT:
        kind = PlanKind(family_child.plan_kind)
        label = "a SEN Support plan" if kind is PlanKind.SEN_SUPPORT else f"an {kind.label}"
        middle = assessment_paragraphs(
            f"{name}, the parent of {family_child.full_name}, who attends {family_child.school_label}",
            [
                "The school identified special educational needs and has made special educational provision for "
                f"them in {label} since {long_date(family_child.plan_start)}."
            ],
            [
                "The provision the school itself put in place (the provision tried) is not being delivered, on the "
                "school's own written word. " + LIMITS,
                *line_facts(family_child, statement, sent_on),
                without_a_plan(kind_of_school),
            ],
        )
    elif step.kind is StepKind.PRE_ACTION_PROTOCOL_LETTER:
        due = step.reply_period.period.after(sent_on) if step.reply_period else sent_on
        middle = pre_action_paragraphs(
            child=f"{family_child.full_name} (born {long_date(family_child.date_of_birth)})",
            child_name=family_child.full_name,
            la=la or "the local authority",
            school=family_child.school_label,
            name=name,
            email=parent.email,
            since=family_child.plan_start,
            facts=facts + "\n" + s42_history(letters),
            owed=duration(owed_minutes(statement)),
            reply_by=long_date(due),
        )
    else:
        middle = [
            ask_for(step.kind, letters),
            facts,
            s42_history(letters) if step.kind is StepKind.COMPLAIN_TO_COUNCIL else "",
            f"The law: {untagged(step.law)}.",
            reply_line(step, sent_on),
        ]
    details = (
        f"Child: {family_child.full_name}\nDate of birth: {long_date(family_child.date_of_birth)}\n"
        f"School: {family_child.school_label}\nYear group: {family_child.get_year_group_display()}"
    )
    paragraphs = [f"{to.salutation},", details, *middle, f"{signed},\n\n{name}\n{parent.email}", NOT_LEGAL_ADVICE]
    body = "\n\n".join(p for p in paragraphs if p)
    subject = (
        f"{SUBJECTS.get(step.kind, step.title)}: {family_child.full_name}, born {long_date(family_child.date_of_birth)}"
    )
    # Without the authority's name (a school typed by hand), its line of the address is left for the parent to add.
    addressee = "\n".join(line for line in to.address.splitlines() if line.strip())
    return Draft(addressee=addressee, subject=subject, body=body)
