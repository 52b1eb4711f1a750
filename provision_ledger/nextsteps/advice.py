"""The advisor's view of a child: the ledger and the letters already sent, turned into next steps and clocks."""

from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone

from provision_ledger.delivery.models import Session
from provision_ledger.nextsteps.evidence import Evidence, evidence_for
from provision_ledger.nextsteps.models import Letter, StatutoryEvent
from provision_ledger.people.models import Child, Enrolment
from provision_ledger.plans.models import Plan
from provision_ledger.rules import clocks as rules_clocks
from provision_ledger.rules.advisor import Advice, LineBehind, Situation, StepKind, StepTaken, advise, school_type
from provision_ledger.rules.clocks import (
    AppealableDecision,
    Clock,
    ClockKind,
    ClockStatus,
    ExceptionKind,
    MediationChoice,
    Party,
    RecordedException,
    ReviewOutcome,
    TransferKind,
    clock_status,
)
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
    days_left: int = 0  # from today to the limit; negative once it has passed

    @property
    def left(self) -> str:
        """E.g. "2 weeks left", for a date still to come."""
        return rules_clocks.time_left(self.days_left) if self.days_left >= 0 else ""


@dataclass(frozen=True)
class NextSteps:
    advice: Advice
    evidence: Evidence
    clocks: list[ClockView]
    # Dates on record that cannot be right (a letter sent after today), left out of the advice and the clocks.
    set_aside: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class OnRecord:
    """The letters and events whose dates can start the advice and the clocks, and what was left out and why."""

    letters: list[Letter]
    events: list[StatutoryEvent]
    set_aside: list[str]


def on_record(letters: list[Letter], events: list[StatutoryEvent], today: date) -> OnRecord:
    """Leave out what no action would have written today but older data may hold: a letter sent or an event dated
    after today, and a reply dated after today or before its letter (the letter stays, its reply unknown). Each is
    named, so the page shows it instead of failing on it, and nothing it would start counts until it is corrected.
    The same dates the actions refuse (`nextsteps.actions`), so what they accept is never left out."""
    kept_letters, kept_events, notes = [], [], []
    for letter in letters:
        if letter.sent_on > today:
            notes.append(
                f"The letter “{letter.subject}” is recorded as sent on {letter.sent_on:%-d %B %Y}, after today, so "
                "it is left out of the next steps and the deadlines until its date is corrected."
            )
            continue
        if letter.replied_on is not None and not letter.sent_on <= letter.replied_on <= today:
            notes.append(
                f"The reply to “{letter.subject}” is recorded on {letter.replied_on:%-d %B %Y}, "
                + ("after today" if letter.replied_on > today else "before the letter was sent")
                + ", so the letter is treated as not yet answered until the date is corrected."
            )
            letter = copy.copy(letter)
            letter.replied_on = None
        kept_letters.append(letter)
    for event in events:
        # A move to a new phase is recorded ahead (its deadline falls before it); nothing else can be.
        if event.date > today and event.kind != StatutoryEvent.Kind.PHASE_TRANSFER:
            notes.append(
                f"“{event.get_kind_display()}” is recorded on {event.date:%-d %B %Y}, after today, so it is left out "
                "of the deadlines until its date is corrected."
            )
            continue
        kept_events.append(event)
    return OnRecord(kept_letters, kept_events, notes)


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


def _received(letter: Letter, events: list[StatutoryEvent]) -> date | None:
    """The local authority's recorded receipt of a request for an assessment, from which its 6 weeks run."""
    if letter.kind != StepKind.REQUEST_EHC_NEEDS_ASSESSMENT:
        return None
    days = [e.date for e in events if e.kind == StatutoryEvent.Kind.REQUEST_RECEIVED and e.date >= letter.sent_on]
    return days[0] if days else None


def situation_for(
    child: Child, evidence: Evidence, letters: list[Letter], today: date, events: list[StatutoryEvent] | None = None
) -> Situation | None:
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
            weekly_minutes=e.weekly_minutes,
        )
        # A replaced plan's shortfall counts towards the steps only where it was the same duty (an EHC plan amended
        # into another); the schedule shows every plan's either way.
        for e in evidence.lines
        if e.plan is None or e.plan.kind == plan.kind
    )
    kind = PlanKind(plan.kind)
    kept = on_record(letters, events or [], today)
    return Situation(
        plan_kind=kind,
        today=today,
        lines=lines,
        steps_taken=tuple(
            StepTaken(StepKind(x.kind), x.sent_on, x.replied_on, _received(x, kept.events)) for x in kept.letters
        ),
        legacy_statement_records=kind is PlanKind.STATEMENT and plan.start_date < TRANSFER_OF_STATEMENTS,
        school_type=school_type(child.school.establishment_type),
        disabled=child.disabled,
    )


def _on_or_after(events: list[StatutoryEvent], kind: str, day: date) -> list[StatutoryEvent]:
    return [e for e in events if e.kind == kind and e.date >= day]


# Which recorded events are decisions a parent can appeal (section 51(2) CFA 2014).
_APPEALABLE: dict[str, AppealableDecision] = {
    StatutoryEvent.Kind.DECIDED_NOT_TO_ASSESS: AppealableDecision.REFUSAL_TO_ASSESS,
    StatutoryEvent.Kind.DECIDED_NOT_TO_REASSESS: AppealableDecision.REFUSAL_TO_REASSESS,
    StatutoryEvent.Kind.NOTICE_NOT_TO_ISSUE: AppealableDecision.REFUSAL_TO_ISSUE,
    StatutoryEvent.Kind.FINAL_PLAN_ISSUED: AppealableDecision.FINAL_PLAN,
    StatutoryEvent.Kind.FINAL_AMENDED_PLAN: AppealableDecision.FINAL_AMENDED_PLAN,
    StatutoryEvent.Kind.CEASE_DECISION: AppealableDecision.CEASE,
}
_REVIEW_APPEALS = {
    ReviewOutcome.MAINTAIN: AppealableDecision.NOT_TO_AMEND,
    ReviewOutcome.CEASE: AppealableDecision.CEASE,
}


def appealable(event: StatutoryEvent) -> AppealableDecision | None:
    """The appealable decision an event records, if it is one: a decision after a review to keep the plan as it is
    (not to amend it) or to cease it is appealable; a decision to amend is appealed once the amended plan is final."""
    if event.kind == StatutoryEvent.Kind.REVIEW_DECISION and event.outcome:
        return _REVIEW_APPEALS.get(ReviewOutcome(event.outcome))
    return _APPEALABLE.get(event.kind)


def _review_clocks(events: list[StatutoryEvent], meeting: date) -> list[Clock]:
    """The clocks after the latest review meeting; the outcome decided ends the amendment clocks unless it is amend."""
    kind = StatutoryEvent.Kind
    after = {k: _on_or_after(events, k, meeting) for k in kind.values}
    decision = after[kind.REVIEW_DECISION][-1] if after[kind.REVIEW_DECISION] else None
    cease = after[kind.CEASE_DECISION][-1] if after[kind.CEASE_DECISION] else None
    outcome = ReviewOutcome(decision.outcome) if decision is not None and decision.outcome else None
    decided_on = decision.date if decision is not None else None
    if cease is not None and outcome is None:
        outcome, decided_on = ReviewOutcome.CEASE, cease.date
    amends = outcome in (None, ReviewOutcome.AMEND)
    sent, issued = after[kind.AMENDMENT_PROPOSALS_SENT], after[kind.FINAL_AMENDED_PLAN]
    proposals = sent[-1].date if amends and sent else None
    final = issued[-1].date if amends and issued else None
    clocks = list(
        rules_clocks.after_review_meeting(
            meeting,
            report_sent=after[kind.REVIEW_REPORT_SENT][-1].date if after[kind.REVIEW_REPORT_SENT] else None,
            decision_date=decided_on,
            outcome=outcome,
            proposals_sent=proposals,
            final_amended_plan=final,
        )
    )
    if proposals is not None and final is None:
        clocks.append(rules_clocks.amendment_comments(proposals))
    return clocks


def _appeal_clocks(events: list[StatutoryEvent]) -> list[Clock]:
    """One appeal deadline per appealable decision, moved to 1 month from a later mediation certificate."""
    kind = StatutoryEvent.Kind
    decisions = [(e, d) for e in events if (d := appealable(e)) is not None]
    clocks = []
    for i, (event, decision) in enumerate(decisions):
        # Mediation and an appeal belong to the latest decision made on or before them.
        until = decisions[i + 1][0].date if i + 1 < len(decisions) else None
        mine = [e for e in events if e.date >= event.date and (until is None or e.date < until)]
        contacts = [e.date for e in mine if e.kind == kind.MEDIATION_CONTACTED]
        # The 3 working days run only from telling the adviser you do not want mediation (reg 34(1)).
        declined = [
            e.date for e in mine if e.kind == kind.MEDIATION_CONTACTED and e.mediation == MediationChoice.DECLINED
        ]
        certificates = [e.date for e in mine if e.kind == kind.MEDIATION_CERTIFICATE]
        appeals = [e.date for e in mine if e.kind == kind.APPEAL_LODGED]
        clocks.append(
            rules_clocks.appeal_clock(
                decision,
                event.date,
                mediation_contacted_on=contacts[0] if contacts else None,
                certificate_on=certificates[-1] if certificates else None,
                appealed_on=appeals[0] if appeals else None,
            )
        )
        if declined:
            clocks.append(
                rules_clocks.mediation_certificate_clock(
                    declined[0], issued_on=next((c for c in certificates if c >= declined[0]), None)
                )
            )
    return clocks


def _phase_transfer_clocks(events: list[StatutoryEvent]) -> list[Clock]:
    kind = StatutoryEvent.Kind
    clocks = []
    for move in (e for e in events if e.kind == kind.PHASE_TRANSFER and e.transfer):
        # The amended plan that meets it is the one finalised in the year before the move.
        amended = [
            e.date
            for e in events
            if e.kind == kind.FINAL_AMENDED_PLAN and rules_clocks.add_months(move.date, -12) < e.date <= move.date
        ]
        clocks.append(
            rules_clocks.phase_transfer_deadline(
                move.date.year,
                TransferKind(move.transfer),
                transfer_date=move.date,
                amended_on=amended[0] if amended else None,
            )
        )
    return clocks


def recorded_exceptions(events: list[StatutoryEvent]) -> tuple[RecordedException, ...]:
    return tuple(
        RecordedException(ExceptionKind(e.ground), e.date, e.ends_on, e.evidence)
        for e in events
        if e.kind == StatutoryEvent.Kind.EXCEPTION and e.ground
    )


def arrivals_from_another_authority(
    children: list[Child], enrolments: list[Enrolment] | None = None
) -> dict[int, Enrolment]:
    """Each child's latest enrolment that began with a move from a school of another authority, in one query (none
    when the page has read the children's enrolments already, in date order)."""
    found: dict[int, Enrolment] = {}
    earlier: dict[int, Enrolment] = {}
    if enrolments is None:
        enrolments = list(Enrolment.objects.filter(child__in=children).order_by("child_id", "started_on", "id"))
    for enrolment in enrolments:
        before = earlier.get(enrolment.child_id)
        if before is not None and before.local_authority_id != enrolment.local_authority_id:
            found[enrolment.child_id] = enrolment
        earlier[enrolment.child_id] = enrolment
    return found


def _transfer_clocks(plan: Plan, arrival: Enrolment, events: list[StatutoryEvent]) -> tuple[list[Clock], bool]:
    """The clocks of an EHC plan that moved to a new authority with the child (reg 15 SEND Regulations 2014), and
    whether a review since the transfer has met them (after it, the annual review runs from that review again)."""
    reviews = [e.date for e in events if e.kind == StatutoryEvent.Kind.REVIEW_MEETING]
    before = [d for d in reviews if d < arrival.started_on]
    last = max([plan.start_date, *before])
    transfer = rules_clocks.plan_transfer_date(arrival.started_on, arrival.old_authority_aware_on)
    since = [d for d in reviews if d >= transfer]
    clocks = rules_clocks.plan_transfer_clocks(
        arrival.started_on,
        last,
        old_authority_aware_on=arrival.old_authority_aware_on,
        reviewed_on=since[0] if since else None,
    )
    return list(clocks), bool(since)


def clocks_for(
    child: Child,
    plan: Plan | None,
    letters: list[Letter],
    events: list[StatutoryEvent],
    arrival: Enrolment | None,
    today: date | None = None,
) -> list[Clock]:
    """The statutory clocks this child's record starts: from the plan, letters sent and events recorded, and the
    transfer of an EHC plan when the child moved to another authority's school while it was in force (`arrival`).

    Events are in date order. The assessment clocks run from the local authority's receipt of the request where it
    is recorded (reg 5(1) SEND Regulations 2014), otherwise from the request.
    """
    kind = StatutoryEvent.Kind
    found: list[Clock] = []
    kept = on_record(letters, events, today or timezone.localdate())
    letters, events = kept.letters, kept.events
    latest = {e.kind: e.date for e in events}  # events are in date order, so the latest of each kind wins
    if plan is not None and plan.kind in (PlanKind.EHC_PLAN, PlanKind.STATEMENT):
        reviewed_since = True
        if arrival is not None and plan.start_date < arrival.started_on:
            transfer, reviewed_since = _transfer_clocks(plan, arrival, events)
            found += transfer
        last_review = latest.get(kind.REVIEW_MEETING, plan.start_date)
        if reviewed_since:  # until the new authority's first review, reg 15(5) sets when it is due instead
            found += rules_clocks.annual_review_due(max(last_review, plan.start_date), child.date_of_birth)
        if kind.REVIEW_MEETING in latest:
            found += _review_clocks(events, latest[kind.REVIEW_MEETING])
    request = latest.get(kind.ASSESSMENT_REQUESTED)
    requests = [x.sent_on for x in letters if x.kind == StepKind.REQUEST_EHC_NEEDS_ASSESSMENT]
    if requests:
        request = max([*requests, *([request] if request else [])])
    if request is not None:
        received = latest.get(kind.REQUEST_RECEIVED)
        start = received if received is not None and received >= request else request
        found += rules_clocks.ehc_assessment_clocks(
            start,
            exceptions=recorded_exceptions(events),
            decision_date=latest.get(kind.ASSESSMENT_DECISION) or latest.get(kind.DECIDED_NOT_TO_ASSESS),
            decided_to_assess=kind.DECIDED_NOT_TO_ASSESS not in latest,
            notice_not_to_issue_date=latest.get(kind.NOTICE_NOT_TO_ISSUE),
            final_plan_date=latest.get(kind.FINAL_PLAN_ISSUED),
        )
    served = latest.get(kind.DRAFT_PLAN_SERVED)
    final = latest.get(kind.FINAL_PLAN_ISSUED)
    if served is not None and (final is None or final < served):
        found.append(rules_clocks.draft_plan_comments(served))
    found += _appeal_clocks(events)
    found += _phase_transfer_clocks(events)
    for letter in letters:
        if letter.kind == StepKind.WRITE_TO_LA_S42:
            found.append(rules_clocks.la_reply_clock(letter.sent_on, replied_on=letter.replied_on))
    return found


def _views(clocks: list[Clock], today: date) -> list[ClockView]:
    """The law's deadlines first, then the replies asked for; each group in date order."""
    ordered = sorted(clocks, key=lambda c: (not c.statutory, c.limit))
    return [ClockView(c, clock_status(c, today), (c.limit - today).days) for c in ordered]


def deadlines_for(
    child: Child, today: date, plan: Plan | None, enrolments: list[Enrolment] | None = None
) -> list[ClockView]:
    """Every clock the child's record starts, with where it stands today, from the plan in force (or none), in two
    queries (three without the child's `enrolments` in date order)."""
    letters = list(Letter.objects.filter(child=child).order_by("sent_on", "id"))
    events = list(StatutoryEvent.objects.filter(child=child).order_by("date", "id"))
    arrival = arrivals_from_another_authority([child], enrolments).get(child.pk)
    return _views(clocks_for(child, plan, letters, events, arrival, today), today)


def set_aside_for(child: Child, today: date) -> list[str]:
    """What the child's record holds with dates no action would accept today, named until corrected."""
    letters = list(Letter.objects.filter(child=child).order_by("sent_on", "id"))
    events = list(StatutoryEvent.objects.filter(child=child).order_by("date", "id"))
    return on_record(letters, events, today).set_aside


_OPEN = (ClockStatus.RUNNING, ClockStatus.DUE_SOON)


def parents_deadlines(views: list[ClockView]) -> list[ClockView]:
    """What the parent must do by a date (appeal, comment on a draft): still open, soonest first."""
    return [v for v in views if v.clock.party is Party.PARENT and v.status in _OPEN]


def next_steps_for(child: Child, today: date) -> NextSteps | None:
    """What the parent can do next, with the evidence and the clocks; None when the child has no plan."""
    evidence = evidence_for(child, today)
    letters = list(Letter.objects.filter(child=child).order_by("sent_on", "id"))
    events = list(StatutoryEvent.objects.filter(child=child).order_by("date", "id"))
    situation = situation_for(child, evidence, letters, today, events)
    if situation is None:
        return None
    arrival = arrivals_from_another_authority([child]).get(child.pk)
    clocks = _views(clocks_for(child, evidence.plan, letters, events, arrival, today), today)
    set_aside = on_record(letters, events, today).set_aside
    return NextSteps(advice=advise(situation), evidence=evidence, clocks=clocks, set_aside=set_aside)


def overdue_clocks(children: list[Child], plans: dict[int, Plan], today: date) -> dict[int, list[Clock]]:
    """Each child's overdue statutory clocks, for a school's overview, in three queries for all the children."""
    letters: dict[int, list[Letter]] = {c.pk: [] for c in children}
    events: dict[int, list[StatutoryEvent]] = {c.pk: [] for c in children}
    for letter in Letter.objects.filter(child__in=children).order_by("sent_on", "id"):
        letters[letter.child_id].append(letter)
    for event in StatutoryEvent.objects.filter(child__in=children).order_by("date", "id"):
        events[event.child_id].append(event)
    arrivals = arrivals_from_another_authority(children)
    found = {}
    for child in children:
        clocks = clocks_for(
            child, plans.get(child.pk), letters[child.pk], events[child.pk], arrivals.get(child.pk), today
        )
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
    candidates = (
        Plan.objects.filter(
            status=Plan.Status.ACTIVE,
            kind__in=[PlanKind.EHC_PLAN, PlanKind.STATEMENT],
            child__school_id__in=school_ids,
            start_date__lte=cutoff,
        )
        .annotate(last_review=last_review)
        .filter(Q(last_review__isnull=True) | Q(last_review__lte=cutoff))
    )
    # A child who changed school while the plan was in force may be under reg 15(5)'s later limit instead.
    moved = Exists(Enrolment.objects.filter(child=OuterRef("child"), started_on__gt=OuterRef("start_date")))
    counts: dict[int, int] = {}
    any_moved = False
    for row in candidates.annotate(moved=moved).values("child__school_id", "moved").annotate(n=Count("id")):
        if row["moved"]:
            any_moved = True
        else:
            counts[row["child__school_id"]] = row["n"]
    if any_moved:  # a few children: each is asked of their own clocks
        for plan in candidates.filter(moved).select_related("child"):
            if _review_overdue(plan, today):
                counts[plan.child.school_id] = counts.get(plan.child.school_id, 0) + 1
    return counts


_REVIEW_CLOCKS = (ClockKind.ANNUAL_REVIEW, ClockKind.TRANSFER_REVIEW)


def _review_overdue(plan: Plan, today: date) -> bool:
    """Whether the plan's review is overdue by the child's own clocks, a transfer's among them."""
    child = plan.child
    events = list(StatutoryEvent.objects.filter(child=child).order_by("date", "id"))
    arrival = arrivals_from_another_authority([child]).get(child.pk)
    clocks = clocks_for(child, plan, [], events, arrival, today)
    return any(c.kind in _REVIEW_CLOCKS and clock_status(c, today) is ClockStatus.OVERDUE for c in clocks)
