"""Writing plans and provision lines. Each action is one transaction and leaves an audit event."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from provision_ledger.audit.actions import record_event, snapshot, void_entry
from provision_ledger.audit.models import AuditEvent
from provision_ledger.people.models import Child, User
from provision_ledger.plans.expected import refresh_expected
from provision_ledger.plans.models import LINE_TERM_FIELDS, LineVersion, Plan, PlanProposal, ProvisionLine


@transaction.atomic
def create_plan(*, child: Child, by: User, replaces_confirmed: bool = False, **fields: Any) -> Plan:
    """Write a plan. A child has one plan in force: a new one in force ends the one before it the day before it
    starts, which the person must confirm. The earlier plan keeps its lines and their delivery to that day."""
    plan = Plan(child=child, local_authority_id=child.local_authority_id, created_by=by, **fields)
    plan.full_clean()
    earlier_plans = (
        list(Plan.objects.filter(child=child, status=Plan.Status.ACTIVE)) if plan.status == Plan.Status.ACTIVE else []
    )
    for earlier in earlier_plans:
        if plan.start_date <= earlier.start_date:
            raise ValidationError(
                {"start_date": f"The plan in force began on {earlier.start_date:%-d %B %Y}: a new plan starts later."}
            )
        if not replaces_confirmed:
            raise ValidationError(
                {
                    "replaces_confirmed": f"{earlier.kind_label} from {earlier.start_date:%-d %B %Y} is in force. "
                    f"This plan ends it on {plan.start_date - timedelta(days=1):%-d %B %Y}; its lines and their "
                    "delivery stay in the record. Tick the box to confirm."
                }
            )
    plan.save()
    if plan.status == Plan.Status.ACTIVE:
        for proposal in PlanProposal.objects.filter(child=child, settled_at__isnull=True):
            _settle(proposal, by, PlanProposal.Outcome.REPLACED, plan)
    for earlier in earlier_plans:
        update_plan(plan=earlier, by=by, status=Plan.Status.ENDED, end_date=plan.start_date - timedelta(days=1))
        refresh_expected(list(earlier.lines.all()))
    record_event(
        actor=by,
        child=child,
        action=AuditEvent.Action.CREATE,
        obj=plan,
        summary=f"Plan created: {plan}",
        after=snapshot(plan),
    )
    return plan


@transaction.atomic
def update_plan(*, plan: Plan, by: User, **fields: Any) -> Plan:
    before = snapshot(plan)
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.save(update_fields=list(fields))
    after = snapshot(plan)
    if after != before:
        record_event(
            actor=by,
            child=plan.child,
            action=AuditEvent.Action.CHANGE,
            obj=plan,
            summary=f"Plan changed: {plan}",
            before=before,
            after=after,
        )
    return plan


def _check_line_dates(plan: Plan, version: LineVersion) -> None:
    if version.start_date < plan.start_date:
        raise ValidationError(
            {"start_date": f"The line cannot start before the plan does ({plan.start_date:%-d %B %Y})."}
        )
    if version.weekly_minutes is None and version.minutes_per_session > plan.child.school.school_day_minutes:
        raise ValidationError(
            {
                "minutes_per_session": f"A session cannot be longer than the school day "
                f"({plan.child.school.school_day_minutes} minutes)."
            }
        )


@transaction.atomic
def add_line(*, plan: Plan, by: User, **terms: Any) -> ProvisionLine:
    # Keyed to the authority responsible for the child now: a plan that moved with the child keeps its own key.
    line = ProvisionLine.objects.create(plan=plan, local_authority_id=plan.child.local_authority_id, created_by=by)
    version = LineVersion(line=line, effective_from=terms["start_date"], created_by=by, **terms)
    version.full_clean()
    _check_line_dates(plan, version)
    version.save()
    refresh_expected([line])
    record_event(
        actor=by,
        child=plan.child,
        action=AuditEvent.Action.CREATE,
        obj=line,
        summary=f"Provision line added: {version.description} ({version.promise})",
        after=snapshot(version, exclude=("line", "created_by")),
        seals=[version],
    )
    return line


@transaction.atomic
def amend_line(
    *,
    line: ProvisionLine,
    by: User,
    effective_from: date,
    reason: str,
    today: date | None = None,
    **terms: Any,
) -> LineVersion:
    """Add a version of the line's terms from `effective_from`; what came before is left as it was.

    The effective date may not be in the past, so an amendment never rewrites compliance already reported.
    """
    today = today or timezone.localdate()
    current = line.current_version
    assert current is not None
    errors = {}
    if effective_from < today:
        errors["effective_from"] = "An amendment cannot take effect in the past: choose today or a later date."
    elif effective_from <= current.effective_from:
        errors["effective_from"] = (
            f"The current terms took effect on {current.effective_from:%-d %B %Y}: choose a later date."
        )
    if not reason.strip():
        errors["reason"] = "Say why the line is being amended."
    if errors:
        raise ValidationError(errors)
    version = LineVersion(line=line, effective_from=effective_from, change_reason=reason, created_by=by, **terms)
    version.full_clean()
    _check_line_dates(line.plan, version)
    version.save()
    refresh_expected([line])
    record_event(
        actor=by,
        child=line.plan.child,
        action=AuditEvent.Action.CHANGE,
        obj=line,
        summary=f"Provision line amended from {effective_from:%-d %B %Y}: {version.description}",
        before=snapshot(current, exclude=("line", "created_by")),
        after=snapshot(version, exclude=("line", "created_by")),
        reason=reason,
        seals=[version],
    )
    return version


def void_line(*, line: ProvisionLine, by: User, reason: str) -> ProvisionLine:
    """Mark a line entered in error. It stays in the record; it no longer counts."""
    return void_entry(
        line, by=by, reason=reason, child=line.plan.child, noun="line", summary=f"Provision line voided: {line}"
    )


def _settle(proposal: PlanProposal, by: User, outcome: PlanProposal.Outcome, plan: Plan) -> None:
    before = snapshot(proposal)
    proposal.outcome, proposal.settled_at, proposal.settled_by = outcome, timezone.now(), by
    proposal.adopted_as = plan if outcome == PlanProposal.Outcome.ADOPTED else None
    proposal.save(update_fields=["outcome", "settled_at", "settled_by", "adopted_as"])
    kind = proposal.plan.kind_label
    record_event(
        actor=by,
        child=proposal.child,
        action=AuditEvent.Action.CHANGE,
        obj=proposal,
        summary=(
            f"{kind} brought from the earlier school adopted from {plan.start_date:%-d %B %Y}"
            if outcome == PlanProposal.Outcome.ADOPTED
            else f"{kind} brought from the earlier school replaced by a new plan from {plan.start_date:%-d %B %Y}"
        ),
        before=before,
        after=snapshot(proposal),
    )


@transaction.atomic
def adopt_proposal(
    *, proposal: PlanProposal, by: User, start_date: date, review_due: date, today: date | None = None
) -> Plan:
    """The new school takes on the plan a child brought from their earlier school: a plan of the new school from
    `start_date`, with each line still running then on the terms it had, and the proposal settled as adopted.

    Until then the new school's register expects nothing of it; the earlier school's delivery stays its own.
    """
    today = today or timezone.localdate()
    proposal = PlanProposal.objects.select_for_update().select_related("plan", "child__school").get(pk=proposal.pk)
    errors = {}
    if proposal.settled_at is not None:
        raise ValidationError("This plan has already been adopted or replaced.")
    if start_date < proposal.proposed_on:
        errors["start_date"] = (
            f"{proposal.child.first_name} joined on {proposal.proposed_on:%-d %B %Y}: the plan starts then or later."
        )
    elif start_date > today + timedelta(days=366):
        errors["start_date"] = "Choose a start date within the next year."
    if review_due <= start_date:
        errors["review_due"] = "The review date must be after the plan starts."
    if errors:
        raise ValidationError(errors)
    plan = Plan(
        child=proposal.child,
        local_authority_id=proposal.child.local_authority_id,
        created_by=by,
        kind=proposal.plan.kind,
        start_date=start_date,
        review_due=review_due,
        status=Plan.Status.ACTIVE,
    )
    plan.full_clean()
    plan.save()
    _settle(proposal, by, PlanProposal.Outcome.ADOPTED, plan)
    record_event(
        actor=by,
        child=plan.child,
        action=AuditEvent.Action.CREATE,
        obj=plan,
        summary=f"Plan created: {plan}, adopted from the plan of the earlier school",
        after=snapshot(plan),
    )
    for line in proposal.plan.lines.filter(voided_at__isnull=True).prefetch_related("versions"):
        current = line.current_version
        if current is None or (current.end_date is not None and current.end_date < start_date):
            continue
        terms = {name: getattr(current, name) for name in LINE_TERM_FIELDS}
        terms["start_date"] = max(current.start_date, start_date)
        add_line(plan=plan, by=by, **terms)
    return plan
