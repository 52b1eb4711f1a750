"""Who may see a child: a parent or carer, or a member of staff assigned to them. Each change is in the child's trail.

These rows are not part of the record itself (a guardian who leaves takes nothing with them), but who could read a
child's record, and from when, is evidence too: every grant and removal writes its audit event."""

from __future__ import annotations

from django.db import transaction

from provision_ledger.audit.actions import record_access_event, record_event, snapshot
from provision_ledger.audit.models import AuditEvent
from provision_ledger.people.models import Child, Guardianship, Membership, StaffAssignment, User

ChildLink = Guardianship | StaffAssignment


def _as(link: ChildLink) -> str:
    return f"as {link.relationship.lower()}" if isinstance(link, Guardianship) else "as staff assigned to them"


@transaction.atomic
def save_child_link(link: ChildLink, *, by: User) -> ChildLink:
    """Save a new or changed link between a person and a child, with its event."""
    before = None
    if link.pk is not None:
        stored = type(link).objects.filter(pk=link.pk).first()
        before = snapshot(stored) if stored is not None else None
    link.full_clean()
    link.save()
    if before is not None and before == snapshot(link):
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
    before = None
    if membership.pk is not None:
        stored = Membership.objects.filter(pk=membership.pk).first()
        before = snapshot(stored) if stored is not None else None
    membership.full_clean()
    membership.save()
    if before is not None and before == snapshot(membership):
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
