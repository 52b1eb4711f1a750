"""Who may see a child: a parent or carer, or a member of staff assigned to them. Each change is in the child's trail.

These rows are not part of the record itself (a guardian who leaves takes nothing with them), but who could read a
child's record, and from when, is evidence too: every grant and removal writes its audit event."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from provision_ledger.audit.actions import record_access_event, record_event, snapshot
from provision_ledger.audit.models import AuditEvent
from provision_ledger.delivery.models import Session
from provision_ledger.people.models import Child, Enrolment, Guardianship, Membership, School, StaffAssignment, User
from provision_ledger.plans.actions import update_plan
from provision_ledger.plans.expected import refresh_expected
from provision_ledger.plans.models import Plan, PlanProposal, ProvisionLine
from provision_ledger.plans.queries import with_delivery
from provision_ledger.rules.legal_force import PlanKind

ChildLink = Guardianship | StaffAssignment


def _as(link: ChildLink) -> str:
    return f"as {link.relationship.lower()}" if isinstance(link, Guardianship) else "as staff assigned to them"


def _save(row: ChildLink | Membership) -> tuple[dict[str, Any] | None, bool]:
    """Check and save a new or changed row: its stored values before (None when new), and whether it changed."""
    stored = type(row).objects.filter(pk=row.pk).first() if row.pk is not None else None
    before = snapshot(stored) if stored is not None else None
    row.full_clean()
    row.save()
    return before, before is None or before != snapshot(row)


@transaction.atomic
def save_child_link(link: ChildLink, *, by: User) -> ChildLink:
    """Save a new or changed link between a person and a child, with its event."""
    before, changed = _save(link)
    if not changed:
        return link
    record_event(
        actor=by,
        child=link.child,
        action=AuditEvent.Action.CREATE if before is None else AuditEvent.Action.CHANGE,
        obj=link,
        summary=f"{link.user.get_full_name() or link.user.email} can see {link.child.first_name}'s record {_as(link)}",
        before=before,
    )
    return link


@transaction.atomic
def remove_child_link(link: ChildLink, *, by: User, reason: str) -> None:
    """End a person's sight of a child: the event stays in the child's trail, the link goes."""
    record_event(
        actor=by,
        child=link.child,
        action=AuditEvent.Action.VOID,
        obj=link,
        summary=f"{link.user.get_full_name() or link.user.email} no longer sees {link.child.first_name}'s record",
        before=snapshot(link),
        reason=reason,
    )
    link.delete()


@transaction.atomic
def set_disabled(child: Child, *, disabled: bool, by: User) -> Child:
    """Record whether the child is disabled in the Equality Act's sense (s6(1) Equality Act 2010), with its event."""
    if child.disabled == disabled:
        return child
    before = {"disabled": child.disabled}
    child.disabled = disabled
    child.save(update_fields=["disabled"])
    record_event(
        actor=by,
        child=child,
        action=AuditEvent.Action.CHANGE,
        obj=child,
        summary=(
            f"{child.first_name} recorded as disabled (Equality Act 2010)"
            if disabled
            else f"{child.first_name} no longer recorded as disabled (Equality Act 2010)"
        ),
        before=before,
        after={"disabled": disabled},
    )
    return child


# A staff role gives sight of every record of a school or an authority: each one given and ended is in that
# authority's chain, beside the record it opened.


def _role_authority_id(membership: Membership) -> int:
    if membership.local_authority_id is not None:
        return membership.local_authority_id
    assert membership.school is not None  # the role's scope is checked by the model's constraint
    return membership.school.local_authority_id


def _role_summary(membership: Membership) -> str:
    who = membership.user.get_full_name() or membership.user.email
    where = membership.school or membership.local_authority
    return f"{who}: {membership.get_role_display().lower()} at {where}"


@transaction.atomic
def give_role(membership: Membership, *, by: User) -> Membership:
    """Give a person a staff role at a school or an authority, with its event; a role they already hold is kept."""
    held = Membership.objects.filter(
        user=membership.user,
        role=membership.role,
        school=membership.school,
        local_authority=membership.local_authority,
    ).first()
    if held is not None and held.pk != membership.pk:
        return held
    before, changed = _save(membership)
    if not changed:
        return membership
    record_access_event(
        actor=by,
        local_authority_id=_role_authority_id(membership),
        action=AuditEvent.Action.CREATE if before is None else AuditEvent.Action.CHANGE,
        obj=membership,
        summary=f"{_role_summary(membership)}: role given",
        before=before,
    )
    return membership


@transaction.atomic
def end_role(membership: Membership, *, by: User, reason: str) -> None:
    """End a person's staff role: the event stays in the authority's chain, the role goes."""
    record_access_event(
        actor=by,
        local_authority_id=_role_authority_id(membership),
        action=AuditEvent.Action.VOID,
        obj=membership,
        summary=f"{_role_summary(membership)}: role ended",
        before=snapshot(membership),
        reason=reason,
    )
    membership.delete()


def _enrolment_snapshot(enrolment: Enrolment) -> dict[str, object]:
    data = snapshot(enrolment, exclude=("staff",))
    data["staff"] = sorted(enrolment.staff.values_list("pk", flat=True)) if enrolment.pk else []
    return data


def first_enrolment_start(child: Child, today: date) -> date:
    """The start given to a child's first enrolment, as the data migration gives it (people/migrations/0006): the
    earliest start of their plans, date of their sessions or day of their first event, and never after today."""
    found = [today]
    for first in (
        Plan.objects.filter(child=child).aggregate(first=Min("start_date"))["first"],
        Session.objects.filter(child=child).aggregate(first=Min("date"))["first"],
    ):
        if first is not None:
            found.append(first)
    first_event = AuditEvent.objects.filter(child=child).aggregate(first=Min("at"))["first"]
    if first_event is not None:
        found.append(timezone.localdate(first_event))
    return min(found)


def _open_enrolment(child: Child, by: User, today: date) -> Enrolment:
    """The child's enrolment at their present school; the first one, when the record has none yet."""
    current = Enrolment.objects.filter(child=child, ended_on__isnull=True).first()
    if current is None:
        current = Enrolment.objects.create(
            local_authority_id=child.local_authority_id,
            child=child,
            school_id=child.school_id,
            started_on=first_enrolment_start(child, today),
            recorded_by=by,
        )
        record_event(
            actor=by,
            child=child,
            action=AuditEvent.Action.CREATE,
            obj=current,
            summary=f"{child.first_name} recorded at {child.school} from {current.started_on:%-d %B %Y}",
            after=_enrolment_snapshot(current),
        )
    return current


SCHOOLS_OWN_PLANS = (PlanKind.SEN_SUPPORT, PlanKind.IEP_SCHOOL_ACTION, PlanKind.IEP_SCHOOL_ACTION_PLUS)


def check_move(
    child: Child,
    to_school: School,
    moved_on: date,
    reason: str,
    *,
    old_authority_aware_on: date | None = None,
    today: date | None = None,
) -> Plan | None:
    """Refuse, by field, a move that cannot have happened; else the plan in force (the move page's confirmation
    step asks this before anything is written)."""
    today = today or timezone.localdate()
    from_school = child.school
    current = Enrolment.objects.filter(child=child, ended_on__isnull=True).first()
    started_on = current.started_on if current else first_enrolment_start(child, today)
    plan = Plan.objects.filter(child=child, status=Plan.Status.ACTIVE).order_by("-start_date", "-id").first()
    errors: dict[str, str] = {}
    if to_school.pk == from_school.pk:
        errors["to_school"] = f"{child.first_name} is already at {from_school}: choose the school they moved to."
    if moved_on > today:
        errors["moved_on"] = "A move cannot be recorded for a day that has not happened yet."
    elif moved_on <= started_on:
        errors["moved_on"] = (
            f"{child.first_name} started at {from_school} on {started_on:%-d %B %Y}: the move must be dated after that."
        )
    else:
        last = Session.objects.current().filter(child=child).aggregate(last=Max("date"))["last"]
        if last is not None and last >= moved_on:
            errors["moved_on"] = (
                f"A session at {from_school} is recorded on {last:%-d %B %Y}: the child's first day at the new "
                "school must be after it."
            )
        elif plan is not None and plan.kind in SCHOOLS_OWN_PLANS and plan.start_date >= moved_on:
            errors["moved_on"] = (
                f"The plan in force at {from_school} starts on {plan.start_date:%-d %B %Y}: the move must be after it."
            )
    if old_authority_aware_on is not None and old_authority_aware_on > today:
        errors["old_authority_aware_on"] = "This date has not happened yet."
    if not reason.strip():
        errors["reason"] = "Say why the child moved (for example, the family moved house)."
    if errors:
        raise ValidationError(errors)
    return plan


@transaction.atomic
def move_child(
    child: Child,
    to_school: School,
    moved_on: date,
    by: User,
    reason: str,
    *,
    old_authority_aware_on: date | None = None,
    today: date | None = None,
) -> Enrolment:
    """Record that the child moved to another school: from `moved_on` (their first day there) they are its pupil.

    One transaction. The enrolment at the school they left ends the day before, with the staff then assigned to them
    (who keep reading what happened there, and lose the rest), and its event is in that school's authority's chain;
    the new enrolment's event is in the new school's authority's chain. Every row written before the move keeps its
    authority key. An EHC plan or statement is the authority's and moves with the child; a school's own plan (SEN
    Support, an IEP) ends on the last day at the school it was written by and is proposed to the new school, whose
    SENCO adopts it or writes their own (`plans.actions.adopt_proposal`). Expected delivery is laid again: each day
    on the calendar of the school the child was at, and under its authority.
    """
    today = today or timezone.localdate()
    given, child = child, Child.objects.select_for_update().select_related("school").get(pk=child.pk)
    from_school = child.school
    plan = check_move(child, to_school, moved_on, reason, old_authority_aware_on=old_authority_aware_on, today=today)
    current = _open_enrolment(child, by, today)
    last_day = moved_on - timedelta(days=1)

    before = _enrolment_snapshot(current)
    current.ended_on, current.left_reason = last_day, reason.strip()
    current.save(update_fields=["ended_on", "left_reason"])
    current.staff.set(StaffAssignment.objects.filter(child=child).values_list("user_id", flat=True))
    record_event(
        actor=by,
        child=child,
        action=AuditEvent.Action.CHANGE,
        obj=current,
        summary=f"{child.first_name} left {from_school}: last day {last_day:%-d %B %Y}, moving to {to_school}",
        before=before,
        after=_enrolment_snapshot(current),
        reason=reason.strip(),
    )
    for link in StaffAssignment.objects.filter(child=child).select_related("user", "child"):
        remove_child_link(link, by=by, reason=f"{child.first_name} moved to {to_school} on {moved_on:%-d %B %Y}")
    ended_plan = None
    if plan is not None and plan.kind in SCHOOLS_OWN_PLANS:
        update_plan(plan=plan, by=by, status=Plan.Status.ENDED, end_date=last_day)
        ended_plan = plan

    child.school = to_school
    child.save(update_fields=["school", "local_authority"])
    given.school, given.local_authority_id = to_school, child.local_authority_id  # the caller's copy moves too
    arrival = Enrolment.objects.create(
        local_authority_id=to_school.local_authority_id,
        child=child,
        school=to_school,
        started_on=moved_on,
        old_authority_aware_on=old_authority_aware_on,
        recorded_by=by,
    )
    record_event(
        actor=by,
        child=child,
        action=AuditEvent.Action.CREATE,
        obj=arrival,
        summary=f"{child.first_name} joined {to_school} on {moved_on:%-d %B %Y}, from {from_school}",
        after=_enrolment_snapshot(arrival),
        reason=reason.strip(),
    )
    if ended_plan is not None:
        proposal = PlanProposal.objects.create(
            local_authority_id=to_school.local_authority_id,
            child=child,
            plan=ended_plan,
            school=to_school,
            proposed_on=moved_on,
        )
        record_event(
            actor=by,
            child=child,
            action=AuditEvent.Action.CREATE,
            obj=proposal,
            summary=f"{ended_plan.kind_label} from {from_school} proposed to {to_school}: it promises nothing there "
            "until the SENCO adopts it",
            after=snapshot(proposal),
        )
    refresh_expected(ProvisionLine.objects.filter(with_delivery("plan__"), plan__child=child))
    return arrival


def _move_events(arrival: Enrolment) -> tuple[int, int | None]:
    """The id of the event that recorded the arrival, and of the proposal it brought, if any."""
    created = AuditEvent.objects.filter(
        child_id=arrival.child_id, object_type="enrolment", object_id=arrival.pk, action=AuditEvent.Action.CREATE
    ).aggregate(first=Min("pk"))["first"]
    assert created is not None  # every arrival is recorded with its event
    proposal = PlanProposal.objects.filter(child_id=arrival.child_id, proposed_on=arrival.started_on).first()
    return created, proposal.pk if proposal else None


def why_move_stays(arrival: Enrolment) -> str | None:
    """Why this move cannot be undone as a simple correction, or None: one that is not the child's latest, or after
    which anything has been recorded for them (that record would lose its school)."""
    if arrival.voided_at is not None:
        return "This move is already voided."
    if arrival.ended_on is not None:
        return "Only the child's latest move can be undone."
    if not Enrolment.objects.filter(child_id=arrival.child_id, started_on__lt=arrival.started_on).exists():
        return "This is the first school recorded for the child: there is no move to undo."
    created, proposal_id = _move_events(arrival)
    later = AuditEvent.objects.filter(child_id=arrival.child_id, pk__gt=created)
    if proposal_id is not None:  # the move's own last event
        later = later.exclude(object_type="planproposal", object_id=proposal_id, action=AuditEvent.Action.CREATE)
    since = later.order_by("pk").first()
    if since is not None:
        return (
            f"Something has been recorded since the move ({since.summary}, {timezone.localdate(since.at):%-d %B %Y}). "
            "A move can be undone only before anything else is recorded; correct that first, or record a move back."
        )
    return None


def check_void_move(arrival: Enrolment, reason: str) -> None:
    """Refuse, with the reason, to undo a move that cannot be undone (`why_move_stays`) or to undo it unexplained."""
    why = why_move_stays(arrival)
    if why is not None:
        raise ValidationError(why)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the move was recorded in error."})


@transaction.atomic
def void_move(arrival: Enrolment, *, by: User, reason: str) -> Enrolment:
    """Undo a move recorded in error, before anything else was recorded for the child.

    The arrival stays, voided with the reason, in the new school's authority's chain; the enrolment the child left is
    open again, with its event in its own authority's chain; the child is the earlier school's pupil again, with the
    staff then assigned to them who still work there; a school's own plan the move ended is in force again and its
    proposal to the other school withdrawn. Expected delivery is laid again."""
    arrival = Enrolment.recorded.select_for_update().select_related("school", "child").get(pk=arrival.pk)
    check_void_move(arrival, reason)
    reason = reason.strip()
    child = Child.objects.select_for_update().select_related("school").get(pk=arrival.child_id)
    left = Enrolment.objects.filter(child=child, started_on__lt=arrival.started_on).order_by("-started_on").first()
    assert left is not None  # checked above
    _, proposal_id = _move_events(arrival)

    before = _enrolment_snapshot(arrival)
    arrival.voided_at, arrival.voided_by, arrival.void_reason = timezone.now(), by, reason
    arrival.save(update_fields=["voided_at", "voided_by", "void_reason"])
    record_event(
        actor=by,
        child=child,
        action=AuditEvent.Action.VOID,
        obj=arrival,
        summary=f"The move of {child.first_name} to {arrival.school} on {arrival.started_on:%-d %B %Y} was recorded "
        "in error and is void",
        before=before,
        after=_enrolment_snapshot(arrival),
        reason=reason,
    )
    for link in StaffAssignment.objects.filter(child=child).select_related("user", "child"):
        remove_child_link(link, by=by, reason=f"The move to {arrival.school} was recorded in error")
    if proposal_id is not None:
        proposal = PlanProposal.objects.select_related("plan").get(pk=proposal_id)
        proposal_before = snapshot(proposal)
        proposal.outcome, proposal.settled_at, proposal.settled_by = (
            PlanProposal.Outcome.WITHDRAWN,
            timezone.now(),
            by,
        )
        proposal.save(update_fields=["outcome", "settled_at", "settled_by"])
        record_event(
            actor=by,
            child=child,
            action=AuditEvent.Action.CHANGE,
            obj=proposal,
            summary=f"The {proposal.plan.kind_label} is no longer proposed to {arrival.school}: the move was "
            "recorded in error",
            before=proposal_before,
            after=snapshot(proposal),
            reason=reason,
        )

    child.school = left.school
    child.save(update_fields=["school", "local_authority"])
    before = _enrolment_snapshot(left)
    staff = list(left.staff.all())
    left.ended_on, left.left_reason = None, ""
    left.save(update_fields=["ended_on", "left_reason"])
    left.staff.clear()
    record_event(
        actor=by,
        child=child,
        action=AuditEvent.Action.CHANGE,
        obj=left,
        summary=f"{child.first_name} is at {left.school} again: the move to {arrival.school} was recorded in error",
        before=before,
        after=_enrolment_snapshot(left),
        reason=reason,
    )
    still_there = set(Membership.objects.filter(user__in=staff, school=left.school).values_list("user_id", flat=True))
    for user in staff:
        if user.pk in still_there:
            save_child_link(StaffAssignment(user=user, child=child), by=by)
    if proposal_id is not None:
        # The plan as it stood before the move ended it, as that change's event recorded it.
        ended = AuditEvent.objects.filter(
            object_type="plan", object_id=proposal.plan_id, action=AuditEvent.Action.CHANGE
        ).latest("pk")
        end_date = (ended.before or {}).get("end_date")
        update_plan(
            plan=proposal.plan,
            by=by,
            status=Plan.Status.ACTIVE,
            end_date=date.fromisoformat(end_date) if end_date else None,
        )
    refresh_expected(ProvisionLine.objects.filter(with_delivery("plan__"), plan__child=child))
    return left
