"""Setting outcomes, recording progress, and running an annual review. Nothing is deleted; each write is audited."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from provision_ledger.audit.actions import record_event, snapshot, void_entry
from provision_ledger.audit.models import AuditEvent
from provision_ledger.nextsteps.actions import record_statutory_event
from provision_ledger.nextsteps.models import StatutoryEvent
from provision_ledger.outcomes.models import Outcome, ProgressEntry, Review
from provision_ledger.people.models import User
from provision_ledger.plans.models import Plan, ProvisionLine
from provision_ledger.rules.clocks import ReviewOutcome, after_review_meeting
from provision_ledger.rules.outcomes import Measure, Scale, Support
from provision_ledger.rules.reviews import invitations_due, review_steps


def _check_scale(
    measure: Measure, low: Decimal | None, high: Decimal | None, baseline: Decimal | None, target: Decimal | None
) -> None:
    errors: dict[str, str] = {}
    if measure in (Measure.SCORE, Measure.LEVEL, Measure.STEPS) and (low is None or high is None):
        errors["scale_high"] = "Give the lowest and highest value of the scale, so values outside it can be refused."
    elif low is not None and high is not None and low >= high:
        errors["scale_high"] = f"The top of the scale ({high}) must be above the bottom ({low})."
    if errors:
        raise ValidationError(errors)
    scale = Scale(measure, low, high)
    for name, value in (("baseline", baseline), ("target", target)):
        try:
            scale.check(value, f"The {name}")
        except ValueError as error:
            errors[name] = str(error)
    if not errors and measure.numeric and baseline == target:
        errors["target"] = "The target must differ from the baseline."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_outcome(
    *,
    plan: Plan,
    by: User,
    description: str,
    measure: str,
    baseline_date: date,
    target_date: date,
    lines: Iterable[ProvisionLine] = (),
    scale_low: Decimal | None = None,
    scale_high: Decimal | None = None,
    unit: str = "",
    baseline: Decimal | None = None,
    target: Decimal | None = None,
) -> Outcome:
    """Add an outcome to a plan and link the lines that serve it."""
    kind = Measure(measure)
    if kind is Measure.MILESTONE:
        baseline = Decimal(0) if baseline is None else baseline
        target = Decimal(1) if target is None else target
    _check_scale(kind, scale_low, scale_high, baseline, target)
    if target_date <= baseline_date:
        raise ValidationError({"target_date": "The target date must come after the baseline date."})
    lines = list(lines)
    if any(line.plan_id != plan.pk or line.voided_at is not None for line in lines):
        raise ValidationError({"lines": "Choose lines of this plan that are not void."})
    outcome = Outcome.objects.create(
        local_authority_id=plan.local_authority_id,
        child=plan.child,
        plan=plan,
        description=description,
        measure=kind.value,
        scale_low=scale_low,
        scale_high=scale_high,
        unit=unit,
        baseline=baseline,
        baseline_date=baseline_date,
        target=target,
        target_date=target_date,
        created_by=by,
    )
    outcome.lines.set(lines)
    record_event(
        actor=by,
        child=plan.child,
        action=AuditEvent.Action.CREATE,
        obj=outcome,
        summary=f"Outcome set: {description}",
        after={**snapshot(outcome, exclude=("lines",)), "lines": [line.pk for line in lines]},
    )
    return outcome


def _entry_date(outcome: Outcome, day: date, today: date) -> None:
    if day > today:
        raise ValidationError({"date": "Progress cannot be recorded for a day that has not happened yet."})
    if day < outcome.baseline_date:
        raise ValidationError(
            {"date": f"The baseline was taken on {outcome.baseline_date:%-d %B %Y}: choose that day or later."}
        )


@transaction.atomic
def record_progress(
    *,
    outcome: Outcome,
    by: User,
    date: date,
    value: Decimal | None,
    support: str,
    note: str = "",
    today: date | None = None,
) -> ProgressEntry:
    """Record what a member of staff saw, with the support under which the child showed it."""
    today = today or timezone.localdate()
    _entry_date(outcome, date, today)
    try:
        outcome.scale.check(value)
    except ValueError as error:
        raise ValidationError({"value": str(error)}) from error
    if value is not None and not support:
        raise ValidationError({"support": "Say how much support the child had when they showed this."})
    if value is None and not note.strip():
        raise ValidationError({"note": "Write what was seen."})
    entry = ProgressEntry.objects.create(
        local_authority_id=outcome.local_authority_id,
        child_id=outcome.child_id,
        outcome=outcome,
        date=date,
        value=value,
        support=Support(support).value if support else "",
        note=note,
        source=ProgressEntry.Source.SCHOOL,
        recorded_by=by,
    )
    record_event(
        actor=by,
        child=outcome.child,
        action=AuditEvent.Action.CREATE,
        obj=entry,
        summary=f"Progress recorded on {date:%-d %B %Y}: {outcome.show(value) or 'observation'} – {outcome}",
        after=snapshot(entry),
    )
    return entry


@transaction.atomic
def add_home_observation(
    *, outcome: Outcome, by: User, date: date, note: str, today: date | None = None
) -> ProgressEntry:
    """A parent's observation from home: what they saw, in their words."""
    today = today or timezone.localdate()
    _entry_date(outcome, date, today)
    if not note.strip():
        raise ValidationError({"note": "Write what you saw at home."})
    entry = ProgressEntry.objects.create(
        local_authority_id=outcome.local_authority_id,
        child_id=outcome.child_id,
        outcome=outcome,
        date=date,
        note=note,
        source=ProgressEntry.Source.HOME,
        recorded_by=by,
    )
    record_event(
        actor=by,
        child=outcome.child,
        action=AuditEvent.Action.CREATE,
        obj=entry,
        summary=f"Observation from home on {date:%-d %B %Y} – {outcome}",
        after=snapshot(entry),
    )
    return entry


def void_progress(*, entry: ProgressEntry, by: User, reason: str) -> ProgressEntry:
    """Mark an entry made in error. It stays in the record; it no longer counts."""
    summary = f"Progress entry of {entry.date:%-d %B %Y} voided – {entry.outcome}"
    return void_entry(entry, by=by, reason=reason, child=entry.outcome.child, noun="entry", summary=summary)


def _check_review_dates(review: Review) -> None:
    try:
        review_steps(
            review.meeting_date,
            invitations_sent=review.invitations_sent,
            advice_circulated=review.advice_circulated,
            report_sent=review.report_sent,
            decision=review.decision_date,
        )
        after_review_meeting(
            review.meeting_date,
            report_sent=review.report_sent,
            decision_date=review.decision_date,
            outcome=ReviewOutcome(review.outcome) if review.outcome else None,
        )
    except ValueError as error:
        raise ValidationError(str(error)) from error
    if review.decision_date is not None and not review.outcome:
        raise ValidationError({"outcome": "Record what was decided: maintain, amend or cease the plan."})


@transaction.atomic
def create_review(*, plan: Plan, by: User, meeting_date: date, period_start: date) -> Review:
    """Schedule the annual review of a plan, looking back from period_start."""
    if meeting_date <= period_start:
        raise ValidationError({"meeting_date": "The meeting must come after the start of the period it reviews."})
    if period_start < plan.start_date:
        started = f"{plan.start_date:%-d %B %Y}"
        raise ValidationError({"period_start": f"The plan started on {started}: the review cannot look back further."})
    review = Review(
        local_authority_id=plan.local_authority_id,
        child=plan.child,
        plan=plan,
        meeting_date=meeting_date,
        period_start=period_start,
        created_by=by,
    )
    review.save()
    record_event(
        actor=by,
        child=plan.child,
        action=AuditEvent.Action.CREATE,
        obj=review,
        summary=f"Annual review meeting set for {meeting_date:%-d %B %Y}",
        after=snapshot(review),
    )
    return review


REVIEW_STEP_FIELDS = (
    "meeting_date",
    "invitations_sent",
    "advice_circulated",
    "report_sent",
    "proposed_amendments",
    "outcome",
    "decision_date",
)


@transaction.atomic
def update_review(*, review: Review, by: User, **fields: object) -> Review:
    """Record the dates of the review's steps, the proposed amendments and the decision, refusing dates out of order."""
    unknown = set(fields) - set(REVIEW_STEP_FIELDS)
    assert not unknown, unknown
    before = snapshot(review)
    held_before = review.report_sent is not None or review.decision_date is not None
    newly = {name: value for name, value in fields.items() if value and not getattr(review, name)}
    for name, value in fields.items():
        setattr(review, name, value)
    _check_review_dates(review)
    review.save(update_fields=list(fields))
    _start_statutory_clocks(review, by, newly, held_before)
    record_event(
        actor=by,
        child=review.child,
        action=AuditEvent.Action.CHANGE,
        obj=review,
        summary=f"Annual review of {review.meeting_date:%-d %B %Y} updated",
        before=before,
        after=snapshot(review),
    )
    return review


@transaction.atomic
def invite_family_to_review(*, review: Review, by: User, base_url: str, today: date) -> list[str]:
    """Email the child's parents with an account: the meeting, where to read the draft pack and give their views.

    Records the day as the invitations' date (at least 2 weeks before the meeting, reg 20(4), Code 9.176,
    domain sheet §2) if none is recorded yet. Returns the addresses written to."""
    guardians = [g.user for g in review.child.guardians.select_related("user") if g.user.is_active]
    if not guardians:
        raise ValidationError(
            f"{review.child.first_name} has no parent or carer with an account. Invite them to the ledger first."
        )
    if today > review.meeting_date:
        raise ValidationError(f"The meeting was on {review.meeting_date:%-d %B %Y}: invitations go out before it.")
    if review.invitations_sent is None:  # recorded first, so a refusal sends nothing
        update_review(review=review, by=by, invitations_sent=today)
    due = invitations_due(review.meeting_date)
    link = base_url + reverse("review-detail", kwargs={"review_id": review.pk})
    school = review.child.school.name
    for guardian in guardians:
        send_mail(
            subject=f"{review.child.first_name}'s annual review on {review.meeting_date:%-d %B %Y}",
            message=(
                f"Dear {guardian.get_full_name() or 'parent or carer'},\n\n"
                f"{school} invites you to {review.child.first_name}'s annual review meeting on "
                f"{review.meeting_date:%A %-d %B %Y}.\n\n"
                f"The draft review pack shows what the plan promised, what was delivered and the progress made. "
                f"You can read it and add your views, and {review.child.first_name}'s, here:\n{link}\n\n"
                f"Advice for the review is due by {due:%-d %B %Y}, two weeks before the meeting.\n\n"
                f"{by.get_full_name() or 'The SENCO'}, {school}"
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[guardian.email],
        )
    return [g.email for g in guardians]


def _start_statutory_clocks(review: Review, by: User, newly: dict[str, object], held_before: bool) -> None:
    """Once the meeting has been held, its dates go on the child's statutory deadlines like any recorded event.

    The meeting counts as held when its report or the decision is first recorded; each date is recorded once.
    """
    Kind = StatutoryEvent.Kind
    steps = [
        (
            Kind.REVIEW_MEETING,
            review.meeting_date,
            not held_before and ("report_sent" in newly or "decision_date" in newly),
        ),
        (Kind.REVIEW_REPORT_SENT, review.report_sent, "report_sent" in newly),
        (Kind.REVIEW_DECISION, review.decision_date, "decision_date" in newly),
    ]
    for kind, day, due in steps:
        if due and day is not None:
            # The decision carries its outcome, so a decision to maintain or cease ends the amendment clocks.
            record_statutory_event(
                child=review.child,
                by=by,
                kind=kind,
                day=day,
                note="From the annual review record",
                outcome=review.outcome if kind == Kind.REVIEW_DECISION else "",
            )


@transaction.atomic
def record_views(*, review: Review, by: User, parent_views: str, child_views: str) -> Review:
    """The parent's and the child's views, captured before the meeting and shown in the pack."""
    if not parent_views.strip() and not child_views.strip():
        raise ValidationError("Write the parent's views, the child's views, or both.")
    before = snapshot(review)
    review.parent_views, review.child_views = parent_views, child_views
    review.views_recorded_by, review.views_recorded_at = by, timezone.now()
    review.save(update_fields=["parent_views", "child_views", "views_recorded_by", "views_recorded_at"])
    record_event(
        actor=by,
        child=review.child,
        action=AuditEvent.Action.CHANGE,
        obj=review,
        summary="Views of the parent and the child recorded for the annual review",
        before=before,
        after=snapshot(review),
    )
    return review
