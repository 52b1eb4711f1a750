"""The advisor's view of a child: the ledger and the letters already sent, turned into next steps and clocks."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Q

from provision_ledger.delivery.models import Session
from provision_ledger.nextsteps.evidence import Evidence, evidence_for
from provision_ledger.nextsteps.models import Letter, StatutoryEvent
from provision_ledger.people.models import Child
from provision_ledger.plans.models import Plan
from provision_ledger.rules import clocks as rules_clocks
from provision_ledger.rules.advisor import Advice, LineBehind, Situation, StepKind, StepTaken, advise
from provision_ledger.rules.clocks import Clock, ClockStatus, clock_status
from provision_ledger.rules.compliance import MissReason, SessionStatus
from provision_ledger.rules.legal_force import PlanKind
from provision_ledger.rules.reporting import whole

TRANSFER_OF_STATEMENTS = date(2018, 4, 1)  # statements were transferred to EHC plans by 1 April 2018
SOURCE_TAG = re.compile(r"\s*\[[A-Z]{1,2}\d+[a-z]?\]")


def untagged(text: str) -> str:
    """Text without the domain sheet's source tags ("[L1]"), which mean nothing outside it."""
    return SOURCE_TAG.sub("", text)


@dataclass(frozen=True)
class ClockView:
    clock: Clock
    status: ClockStatus


@dataclass(frozen=True)
class NextSteps:
    advice: Advice
    evidence: Evidence
    clocks: list[ClockView]


def _missed_by_reason(evidence: Evidence) -> dict[int, tuple[tuple[MissReason, int], ...]]:
    counts: dict[int, Counter[str]] = {e.line.pk: Counter() for e in evidence.lines}
    rows = (
        Session.objects.current()
        .filter(line_id__in=counts, date__gte=evidence.start, date__lte=evidence.end)
        .exclude(status=SessionStatus.DELIVERED.value)
        .values_list("line_id", "reason")
    )
    for line_id, reason in rows:
        counts[line_id][reason] += 1
    return {pk: tuple((MissReason(r), n) for r, n in sorted(c.items())) for pk, c in counts.items()}


def situation_for(child: Child, evidence: Evidence, letters: list[Letter], today: date) -> Situation | None:
    plan = evidence.plan
    if plan is None:
        return None
    missed = _missed_by_reason(evidence)
    lines = tuple(
        LineBehind(
            description=str(e.line),
            promised_sessions=whole(e.overall.expected.sessions),
            delivered_sessions=e.overall.delivered_sessions,
            owed_minutes=e.overall.owed_minutes,
            missed=missed[e.line.pk],
        )
        for e in evidence.lines
    )
    kind = PlanKind(plan.kind)
    return Situation(
        plan_kind=kind,
        today=today,
        lines=lines,
        steps_taken=tuple(StepTaken(StepKind(x.kind), x.sent_on, x.replied_on) for x in letters),
        legacy_statement_records=kind is PlanKind.STATEMENT and plan.start_date < TRANSFER_OF_STATEMENTS,
    )


def clocks_for(child: Child, plan: Plan | None, letters: list[Letter], events: list[StatutoryEvent]) -> list[Clock]:
    """The statutory clocks this child's record starts: from the plan, letters sent and events recorded."""
    found: list[Clock] = []
    latest = {e.kind: e.date for e in events}  # events are in date order, so the latest of each kind wins
    if plan is not None and plan.kind in (PlanKind.EHC_PLAN, PlanKind.STATEMENT):
        last_review = latest.get(StatutoryEvent.Kind.REVIEW_MEETING, plan.start_date)
        found += rules_clocks.annual_review_due(max(last_review, plan.start_date), child.date_of_birth)
        if StatutoryEvent.Kind.REVIEW_MEETING in latest:
            found += rules_clocks.after_review_meeting(
                latest[StatutoryEvent.Kind.REVIEW_MEETING],
                report_sent=latest.get(StatutoryEvent.Kind.REVIEW_REPORT_SENT),
                decision_date=latest.get(StatutoryEvent.Kind.REVIEW_DECISION),
                proposals_sent=latest.get(StatutoryEvent.Kind.AMENDMENT_PROPOSALS_SENT),
                final_amended_plan=latest.get(StatutoryEvent.Kind.FINAL_AMENDED_PLAN),
            )
    request = latest.get(StatutoryEvent.Kind.ASSESSMENT_REQUESTED)
    requests = [x.sent_on for x in letters if x.kind == StepKind.REQUEST_EHC_NEEDS_ASSESSMENT]
    if requests:
        request = max([*requests, *([request] if request else [])])
    if request is not None:
        found += rules_clocks.ehc_assessment_clocks(
            request,
            decision_date=latest.get(StatutoryEvent.Kind.ASSESSMENT_DECISION)
            or latest.get(StatutoryEvent.Kind.DECIDED_NOT_TO_ASSESS),
            decided_to_assess=StatutoryEvent.Kind.DECIDED_NOT_TO_ASSESS not in latest,
            notice_not_to_issue_date=latest.get(StatutoryEvent.Kind.NOTICE_NOT_TO_ISSUE),
            final_plan_date=latest.get(StatutoryEvent.Kind.FINAL_PLAN_ISSUED),
        )
    for letter in letters:
        if letter.kind == StepKind.WRITE_TO_LA_S42:
            found.append(rules_clocks.la_reply_clock(letter.sent_on, replied_on=letter.replied_on))
    return found


def next_steps_for(child: Child, today: date) -> NextSteps | None:
    """What the parent can do next, with the evidence and the clocks; None when the child has no plan."""
    evidence = evidence_for(child, today)
    letters = list(Letter.objects.filter(child=child).order_by("sent_on", "id"))
    situation = situation_for(child, evidence, letters, today)
    if situation is None:
        return None
    events = list(StatutoryEvent.objects.filter(child=child).order_by("date", "id"))
    found = sorted(clocks_for(child, evidence.plan, letters, events), key=lambda c: not c.statutory)
    clocks = [ClockView(c, clock_status(c, today)) for c in found]
    return NextSteps(advice=advise(situation), evidence=evidence, clocks=clocks)


def overdue_clocks(children: list[Child], plans: dict[int, Plan], today: date) -> dict[int, list[Clock]]:
    """Each child's overdue statutory clocks, for a school's overview, in two queries for all the children."""
    letters: dict[int, list[Letter]] = {c.pk: [] for c in children}
    events: dict[int, list[StatutoryEvent]] = {c.pk: [] for c in children}
    for letter in Letter.objects.filter(child__in=children).order_by("sent_on", "id"):
        letters[letter.child_id].append(letter)
    for event in StatutoryEvent.objects.filter(child__in=children).order_by("date", "id"):
        events[event.child_id].append(event)
    found = {}
    for child in children:
        clocks = clocks_for(child, plans.get(child.pk), letters[child.pk], events[child.pk])
        overdue = [c for c in clocks if clock_status(c, today) is ClockStatus.OVERDUE]
        if overdue:
            found[child.pk] = overdue
    return found


def overdue_reviews_by_school(school_ids: list[int], today: date) -> dict[int, int]:
    """Plans in force whose annual review is overdue, counted per school in one query.

    Due within the 12 months starting with the day the plan started or its last review meeting (s44(1) Children and
    Families Act 2014), so on the day before the anniversary: overdue when the later of those two is 12 months or
    more before today.
    """
    cutoff = rules_clocks.add_months(today, -12)
    last_review = Max(
        "child__statutory_events__date", filter=Q(child__statutory_events__kind=StatutoryEvent.Kind.REVIEW_MEETING)
    )
    rows = (
        Plan.objects.filter(
            status=Plan.Status.ACTIVE,
            kind__in=[PlanKind.EHC_PLAN, PlanKind.STATEMENT],
            child__school_id__in=school_ids,
            start_date__lte=cutoff,
        )
        .annotate(last_review=last_review)
        .filter(Q(last_review__isnull=True) | Q(last_review__lte=cutoff))
        .values("child__school_id")
        .annotate(n=Count("id"))
    )
    return {row["child__school_id"]: row["n"] for row in rows}
