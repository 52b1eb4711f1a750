"""Closing a parent's account: their personal data goes, the child's record and its history stay."""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from provision_ledger.accounts import twofactor
from provision_ledger.audit.actions import record_event
from provision_ledger.audit.models import AuditEvent
from provision_ledger.family.actions import delete_family_record
from provision_ledger.parents.models import Alert, AlertPreference, CalendarFeed, DigestSent, Invitation
from provision_ledger.people.models import User

CLOSED_FIRST_NAME = "Former"
CLOSED_LAST_NAME = "parent or carer"


def closed_email(user: User) -> str:
    """A placeholder that keeps the email column unique and can never receive mail (.invalid, RFC 2606)."""
    return f"closed-account-{user.pk}@closed.invalid"


@transaction.atomic
def close_parent_account(*, user: User, by: User, reason: str) -> User:
    """Remove a parent's personal data and stop the account; keep every record about the child.

    Gone: name, email address, password, two-step devices, alert settings and queued alerts, calendar feeds,
    the email address on invitations, and sign-in attempts under it. Kept: the child, the plans, lines,
    sessions, concerns and messages the parent wrote (now shown as from a former parent or carer), letters as
    sent, and the hash-chained history, to which one event per child is added.
    """
    if (
        user.memberships.exists()
        or user.assignments.exists()
        or user.trust_roles.exists()
        or user.service_roles.exists()
        or user.is_staff
    ):
        raise ValidationError("Only a parent's account can be closed here: this account belongs to a member of staff.")
    if not user.is_active and user.email == closed_email(user):
        raise ValidationError("This account is already closed.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the account is being closed."})
    old_email = user.email
    children = [g.child for g in user.guardianships.select_related("child")]
    # The family's own records are theirs alone: closing the account deletes them, keeping nothing of their content.
    for family_child in user.family_children.all():
        delete_family_record(family_child=family_child, by=by)
    twofactor.remove_devices(user)
    AlertPreference.objects.filter(user=user).delete()
    Alert.objects.filter(user=user).delete()
    DigestSent.objects.filter(user=user).delete()
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    Invitation.objects.filter(email__iexact=old_email).update(email=closed_email(user))
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__iexact=old_email).delete()
    user.first_name, user.last_name, user.email = CLOSED_FIRST_NAME, CLOSED_LAST_NAME, closed_email(user)
    user.is_active = False
    user.set_unusable_password()
    user.save()
    for child in children:
        record_event(
            actor=by,
            child=child,
            action=AuditEvent.Action.CHANGE,
            obj=user,
            summary="A parent or carer's account was closed and their personal data removed",
            reason=reason.strip(),
        )
    return user
