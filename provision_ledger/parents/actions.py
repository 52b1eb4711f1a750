"""Parents' actions: invitations, concerns and their answers. Each is one transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from provision_ledger.audit.actions import record_event
from provision_ledger.audit.models import AuditEvent
from provision_ledger.delivery.models import Session
from provision_ledger.parents.models import (
    AlertChoice,
    AlertPreference,
    CalendarFeed,
    Concern,
    ConcernMessage,
    Invitation,
    hash_token,
    new_token,
)
from provision_ledger.people.actions import save_child_link
from provision_ledger.people.models import Child, Guardianship, User
from provision_ledger.plans.models import ProvisionLine

INVITATION_DAYS = 14


@transaction.atomic
def invite_parent(*, child: Child, email: str, relationship: str, by: User, base_url: str) -> Invitation:
    """Email a single-use link that lets a parent set a password and see this child's record."""
    token, token_hash = new_token()
    invitation = Invitation.objects.create(
        child=child,
        email=email.lower(),
        relationship=relationship,
        token_hash=token_hash,
        invited_by=by,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    link = base_url + reverse("invitation-accept", kwargs={"token": token})
    send_mail(
        subject=f"See {child.first_name}'s support at {child.school.name}",
        message=(
            f"{by.get_full_name() or 'The SENCO'} at {child.school.name} has invited you to see what support "
            f"{child.first_name} is promised and what has been delivered.\n\n"
            f"Set your password here (the link works once, for {INVITATION_DAYS} days):\n{link}\n\n"
            "If you were not expecting this email, you can ignore it."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.email],
    )
    return invitation


def find_invitation(token: str) -> Invitation:
    """The invitation for a link, if it can still be used; otherwise a refusal that says why."""
    invitation = Invitation.objects.select_related("child__school").filter(token_hash=hash_token(token)).first()
    if invitation is None:
        raise ValidationError("This invitation link is not valid. Ask the school to send a new one.")
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has already been used. Sign in with your email and password.")
    if invitation.expires_at <= timezone.now():
        raise ValidationError("This invitation has expired. Ask the school to send a new one.")
    return invitation


@transaction.atomic
def accept_invitation(*, token: str, first_name: str, last_name: str, password: str) -> User:
    """Create the parent's account (or use the one they have) and link them to the child. Works once."""
    invitation = find_invitation(token)
    user = User.objects.filter(email=invitation.email).first()
    if user is None:
        user = User(email=invitation.email, first_name=first_name, last_name=last_name)
        validate_password(password, user)
        user.set_password(password)
        user.save()
    elif not user.check_password(password):
        raise ValidationError({"password": "You already have an account: enter its password to add this child."})
    if not Guardianship.objects.filter(user=user, child=invitation.child).exists():
        save_child_link(Guardianship(user=user, child=invitation.child, relationship=invitation.relationship), by=user)
    # Marked used in the same transaction, and only if still unused, so a link raced twice works once.
    used = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        accepted_at=timezone.now(), accepted_by=user
    )
    if not used:
        raise ValidationError("This invitation has already been used. Sign in with your email and password.")
    return user


@transaction.atomic
def raise_concern(
    *,
    child: Child,
    by: User,
    subject: str,
    body: str,
    line: ProvisionLine | None = None,
    session: Session | None = None,
) -> Concern:
    if session is not None:
        line = session.line
    if line is not None and line.plan.child_id != child.pk:
        raise ValidationError({"line": "That provision line is not this child's."})
    if not subject.strip() or not body.strip():
        raise ValidationError("Say what the concern is about and what happened.")
    concern = Concern.objects.create(
        local_authority_id=child.local_authority_id,
        child=child,
        line=line,
        session=session,
        subject=subject,
        raised_by=by,
    )
    message = ConcernMessage.objects.create(concern=concern, author=by, from_school=False, body=body)
    record_event(
        actor=by,
        child=child,
        action=AuditEvent.Action.CREATE,
        obj=concern,
        summary=f"Concern raised: {subject}",
        after={"subject": subject, "body": body},
        seals=[message],
    )
    return concern


@transaction.atomic
def add_message(*, concern: Concern, by: User, from_school: bool, body: str) -> ConcernMessage:
    """A new message in the thread; earlier ones are never changed. The school's answer marks it answered."""
    if not body.strip():
        raise ValidationError({"body": "Write your message."})
    message = ConcernMessage.objects.create(concern=concern, author=by, from_school=from_school, body=body)
    concern.status = Concern.Status.ANSWERED if from_school else Concern.Status.AWAITING_SCHOOL
    concern.save(update_fields=["status"])
    who = "School answered" if from_school else "Parent replied"
    record_event(
        actor=by,
        child=concern.child,
        action=AuditEvent.Action.CHANGE,
        obj=concern,
        summary=f"{who}: {concern.subject}",
        after={"body": body},
        seals=[message],
    )
    return message


@transaction.atomic
def make_calendar_link(*, user: User) -> str:
    """A new private calendar link for a parent's own children; any earlier link stops working. Returns the token,
    shown once. Staff have none: a link works without signing in, so a member of staff's would hand every child they
    can see to anyone who had it."""
    if not Guardianship.objects.filter(user=user).exists():
        raise ValidationError("Calendar links are for parents and carers, for their own children.")
    stop_calendar_links(user=user)
    token, token_hash = new_token()
    now = timezone.now()
    CalendarFeed.objects.create(user=user, token_hash=token_hash, created_at=now, expires_at=_link_expiry(now))
    return token


@transaction.atomic
def renew_calendar_link(*, user: User) -> CalendarFeed | None:
    """Keep the parent's link working for another period from today; None if they have no working link."""
    feed = working_calendar_link(user)
    if feed is not None:
        feed.expires_at = _link_expiry(timezone.now())
        feed.save(update_fields=["expires_at"])
    return feed


def stop_calendar_links(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def working_calendar_link(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()).first()


def _link_expiry(now: datetime) -> datetime:
    return now + timedelta(days=settings.CALENDAR_LINK_DAYS)


def alert_frequency(user: User) -> str:
    """How often the person wants alerts by email: straight away unless they chose otherwise."""
    chosen = AlertPreference.objects.filter(user=user).values_list("frequency", flat=True).first()
    return chosen or AlertChoice.IMMEDIATE


@transaction.atomic
def set_alert_frequency(*, user: User, frequency: str) -> AlertPreference:
    """A person's own choice of alert emails: theirs alone, not part of any child's record, so it has no event."""
    preference, _ = AlertPreference.objects.update_or_create(user=user, defaults={"frequency": AlertChoice(frequency)})
    return preference
