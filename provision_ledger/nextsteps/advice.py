"""The advisor's view of a child: the ledger and the letters already sent, turned into next steps and clocks."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from provision_ledger.delivery.models import Session
from provision_ledger.nextsteps.evidence import Evidence, evidence_for
from provision_ledger.nextsteps.models import Letter, StatutoryEvent
from provision_ledger.people.models import Child
from provision_ledger.rules import clocks as rules_clocks
from provision_ledger.rules.advisor import Advice, LineBehind, Situation, StepKind, StepTaken, advise
from provision_ledger.rules.clocks import Clock, ClockStatus, clock_status
from provision_ledger.rules.compliance import MissReason, SessionStatus
from provision_ledger.rules.legal_force import PlanKind
from provision_ledger.rules.reporting import whole

TRANSFER_OF_STATEMENTS = date(2018, 4, 1)  # statements were transferred to EHC plans by 1 April 2018 [T16]
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


def clocks_for(child: Child, letters: list[Letter], events: list[StatutoryEvent], today: date) -> list[Clock]:
    """The statutory clocks this child's record starts: from the plan, letters sent and events recorded."""
    found: list[Clock] = []
    latest = {e.kind: e.date for e in events}  # events are in date order, so the latest of each kind wins
    plan = child.plans.filter(status="active").order_by("-start_date").first()
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
    clocks = [ClockView(c, clock_status(c, today)) for c in clocks_for(child, letters, events, today)]
    return NextSteps(advice=advise(situation), evidence=evidence, clocks=clocks)
