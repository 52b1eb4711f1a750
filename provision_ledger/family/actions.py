"""The family's actions: signing up, the child and plan, entries, the records request, sharing, the school's
invitation, and deleting. Each is one transaction with its event in the families' chain (family/chain.py)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from provision_ledger.audit.actions import record_event, snapshot
from provision_ledger.audit.models import AuditEvent
from provision_ledger.family import chain
from provision_ledger.family.models import (
    EntryShare,
    FamilyChild,
    FamilyEntry,
    FamilyEvent,
    FamilyLetter,
    FamilyLine,
    RecordsRequest,
    SchoolInvitation,
    SchoolLink,
    SignUpAttempt,
    name_key,
)
from provision_ledger.nextsteps.actions import refuse_without_address, sender_block
from provision_ledger.parents.models import hash_token, new_token
from provision_ledger.people.actions import give_role
from provision_ledger.people.models import Child, Membership, Need, Role, School, SenStatus, User
from provision_ledger.rules.advisor import Step
from provision_ledger.rules.family_record import Source
from provision_ledger.rules.legal_force import PlanKind

SIGN_UP_SALT = "provision_ledger.family.sign-up"
SIGN_UP_LINK_DAYS = 3
# Throttling of sign-up requests, per hour: from one address, and for one email address.
SIGN_UP_PER_ADDRESS = 5
SIGN_UP_PER_EMAIL = 3
SCHOOL_INVITATION_DAYS = 14
OLDEST = date(1990, 1, 1)


# Signing up


def _email_hash(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


@transaction.atomic
def request_sign_up(*, email: str, address: str | None, base_url: str) -> bool:
    """Send the confirmation link (or, to an address that has an account, a note saying so). False when throttled.

    The person asking is told the same either way, so the page never says whether an address has an account."""
    email = email.strip().lower()
    since = timezone.now() - timedelta(hours=1)
    recent = SignUpAttempt.objects.filter(at__gte=since)
    if (
        recent.filter(address=address).count() >= SIGN_UP_PER_ADDRESS
        or recent.filter(email_hash=_email_hash(email)).count() >= SIGN_UP_PER_EMAIL
    ):
        return False
    SignUpAttempt.objects.create(address=address, email_hash=_email_hash(email))
    if User.objects.filter(email=email).exists():
        send_mail(
            subject="You already have a Provision Ledger account",
            message=(
                "Someone asked to create a Provision Ledger account with this email address. You already have one.\n\n"
                f"Sign in here: {base_url}{reverse('login')}\n"
                f"Forgotten your password? Reset it here: {base_url}{reverse('password_reset')}\n\n"
                "If it was not you, you can ignore this email: nothing has changed."
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[email],
        )
        return True
    token = signing.dumps(email, salt=SIGN_UP_SALT)
    send_mail(
        subject="Confirm your email to keep your child's record",
        message=(
            "Confirm your email address and set a password to start keeping your child's record of support.\n\n"
            f"The link works for {SIGN_UP_LINK_DAYS} days:\n{base_url}{reverse('family-sign-up-confirm', args=[token])}"
            "\n\nIf you did not ask for this, you can ignore this email."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[email],
    )
    return True


def sign_up_email(token: str) -> str:
    """The email address a sign-up link confirms, if the link is genuine, unexpired and unused."""
    try:
        email = str(signing.loads(token, salt=SIGN_UP_SALT, max_age=timedelta(days=SIGN_UP_LINK_DAYS)))
    except signing.SignatureExpired:
        raise ValidationError("This link has expired. Ask for a new one.") from None
    except signing.BadSignature:
        raise ValidationError("This link is not valid. Ask for a new one.") from None
    if User.objects.filter(email=email).exists():
        raise ValidationError("This link has already been used. Sign in with your email and password.")
    return email


@transaction.atomic
def complete_sign_up(*, token: str, first_name: str, last_name: str, password: str) -> User:
    """Create the parent's account, with the password rules every account follows."""
    email = sign_up_email(token)
    user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
    validate_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError("This link has already been used. Sign in with your email and password.") from None
    return user


# The child and the plan


def check_date(value: date | None, field: str, today: date, *, what: str, earliest: date = OLDEST) -> None:
    if value is None:
        raise ValidationError({field: f"Enter {what}."})
    if value > today:
        raise ValidationError({field: f"{what.capitalize()} cannot be in the future."})
    if value < earliest:
        raise ValidationError({field: f"{what.capitalize()} cannot be before {earliest:%-d %B %Y}."})


@transaction.atomic
def add_family_child(
    *,
    keeper: User,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    year_group: str,
    school: School | None,
    school_name: str,
    school_address: str,
    plan_kind: str,
    plan_start: date,
    plan_end: date | None,
    today: date,
) -> FamilyChild:
    if not first_name.strip() or not last_name.strip():
        raise ValidationError({"first_name": "Enter your child's first and last name."})
    check_date(
        date_of_birth, "date_of_birth", today, what="the date of birth", earliest=today.replace(year=today.year - 26)
    )
    if school is None and not school_name.strip():
        raise ValidationError({"school": "Choose the school from the list, or type its name."})
    if plan_kind not in {k.value for k in PlanKind}:
        raise ValidationError({"plan_kind": "Choose the kind of plan."})
    check_date(plan_start, "plan_start", today, what="the date the plan started", earliest=date_of_birth)
    if plan_end is not None and plan_end < plan_start:
        raise ValidationError({"plan_end": "The plan cannot end before it starts."})
    existing = FamilyChild.objects.filter(
        keeper=keeper, name_key=name_key(first_name, last_name), date_of_birth=date_of_birth
    ).first()
    if existing is not None:
        raise ValidationError(
            f"You have already added {existing.full_name}, born {date_of_birth:%-d %B %Y}. "
            "Open their record from your list of children."
        )
    family_child = FamilyChild(
        keeper=keeper,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth,
        year_group=year_group,
        school=school,
        school_name="" if school else school_name.strip(),
        school_address=school_address.strip(),
        plan_kind=plan_kind,
        plan_start=plan_start,
        plan_end=plan_end,
    )
    try:
        with transaction.atomic():
            family_child.save()
    except IntegrityError:  # the same child sent twice at once: the second is refused as a repeat
        raise ValidationError(
            "You have already added this child. Open their record from your list of children."
        ) from None
    chain.record(
        actor=keeper, family_child=family_child, action=FamilyEvent.Action.CREATE, obj=family_child,
        summary="A family-kept record was started",
    )  # fmt: skip
    return family_child


@dataclass(frozen=True)
class ConfirmedFamilyLine:
    statement: str
    description: str
    sessions: int | None
    period: str
    minutes_per_session: int | None
    specific: bool


@transaction.atomic
def add_family_lines(*, family_child: FamilyChild, by: User, lines: list[ConfirmedFamilyLine]) -> list[FamilyLine]:
    if not lines:
        raise ValidationError("Tick at least one line to add.")
    added = []
    for line in lines:
        if not line.description.strip():
            raise ValidationError("Each line needs a description.")
        row = FamilyLine.objects.create(
            family_child=family_child,
            statement=line.statement[:5000],
            description=line.description.strip()[:300],
            sessions=line.sessions,
            period=line.period if line.sessions else "",
            minutes_per_session=line.minutes_per_session,
            specific=line.specific,
        )
        chain.record(
            actor=by, family_child=family_child, action=FamilyEvent.Action.CREATE, obj=row,
            summary="A line of the plan was added",
        )  # fmt: skip
        added.append(row)
    return added


# What the family knows


@transaction.atomic
def record_entry(
    *,
    family_child: FamilyChild,
    by: User,
    source: str,
    line: FamilyLine | None,
    happened_on: date | None,
    written_on: date | None,
    sessions: int | None,
    outcome: str,
    text: str,
    today: date,
    corrects: FamilyEntry | None = None,
    reason: str = "",
) -> FamilyEntry:
    """Save one thing the family knows. A correction voids the entry it corrects, with the reason, in the same step."""
    if source not in {s.value for s in Source}:
        raise ValidationError({"source": "Say where this came from."})
    kind = Source(source)
    if line is not None and line.family_child_id != family_child.pk:
        raise ValidationError({"line": "That line is not in this child's plan."})
    check_date(happened_on, "happened_on", today, what="the date it is about", earliest=family_child.date_of_birth)
    assert happened_on is not None
    if kind.needs_written_date:
        if written_on is None:
            raise ValidationError(
                {"written_on": "Enter the date on the email, report or diary page. A report with no date is not kept."}
            )
        check_date(written_on, "written_on", today, what="the date it was written", earliest=family_child.date_of_birth)
        if written_on < happened_on:
            raise ValidationError({"written_on": "It cannot have been written before the day it is about."})
    elif written_on is not None:
        check_date(written_on, "written_on", today, what="the date it was written", earliest=family_child.date_of_birth)
    if outcome not in {o.value for o in FamilyEntry.Outcome}:
        raise ValidationError({"outcome": "Say whether the sessions took place."})
    if outcome and not sessions:
        raise ValidationError({"sessions": "Say how many sessions it is about."})
    if sessions and not outcome:
        raise ValidationError({"outcome": "Say whether those sessions took place or not."})
    if sessions and line is None:
        raise ValidationError({"line": "Say which line of the plan the sessions were of."})
    if not text.strip():
        raise ValidationError({"text": "Paste the words, or write down what you know."})
    if corrects is not None:
        if corrects.family_child_id != family_child.pk:
            raise ValidationError("That entry is not this child's.")
        if corrects.voided_at is not None:
            raise ValidationError("That entry has already been corrected or withdrawn.")
        if not reason.strip():
            raise ValidationError({"reason": "Say why the earlier entry is being corrected."})
    entry = FamilyEntry.objects.create(
        family_child=family_child,
        line=line,
        source=kind.value,
        happened_on=happened_on,
        written_on=written_on,
        sessions=sessions or None,
        outcome=outcome,
        text=text.strip(),
        recorded_by=by,
        corrects=corrects,
    )
    if corrects is not None:
        corrects.voided_at, corrects.voided_by, corrects.void_reason = timezone.now(), by, reason.strip()
        corrects.save(update_fields=["voided_at", "voided_by", "void_reason"])
        chain.record(
            actor=by, family_child=family_child, action=FamilyEvent.Action.VOID, obj=corrects,
            summary="An entry was replaced by a correction",
        )  # fmt: skip
        for share in corrects.shares.filter(revoked_at__isnull=True):
            _end_share(share, by, family_child)
    chain.record(
        actor=by,
        family_child=family_child,
        action=FamilyEvent.Action.CREATE,
        obj=entry,
        summary="An entry was recorded",
    )
    return entry


@transaction.atomic
def create_records_request(
    *,
    family_child: FamilyChild,
    by: User,
    received_on: date,
    parent_name: str,
    parent_address: str,
    maintained: bool | None,
    today: date,
) -> RecordsRequest:
    if received_on is None or received_on < today - timedelta(days=365):
        raise ValidationError({"received_on": "Enter the day the school receives the letter (within the last year)."})
    if received_on > today + timedelta(days=31):
        raise ValidationError({"received_on": "Send the letter within a month: enter a date before then."})
    if not parent_name.strip():
        raise ValidationError({"parent_name": "Enter your name as the letter is to be signed."})
    request = RecordsRequest.objects.create(
        family_child=family_child,
        received_on=received_on,
        parent_name=parent_name.strip(),
        parent_address=parent_address.strip(),
        maintained=maintained,
        created_by=by,
    )
    chain.record(
        actor=by, family_child=family_child, action=FamilyEvent.Action.CREATE, obj=request,
        summary="A request for the school's records was written",
    )  # fmt: skip
    return request


def _not_after_today(day: date | None, field: str, what: str, today: date) -> date:
    if day is None:
        raise ValidationError({field: f"Enter {what}."})
    if day > today:
        raise ValidationError(
            {field: f"{what[0].upper()}{what[1:]} cannot be after today: {day:%-d %B %Y} has not come yet."}
        )
    return day


@transaction.atomic
def record_records_answer(
    *, request: RecordsRequest, by: User, answered_on: date | None, today: date
) -> RecordsRequest:
    """The school answered the request for its records: the next steps open from that day."""
    day = _not_after_today(answered_on, "answered_on", "the date of the school’s answer", today)
    if day < request.received_on:
        raise ValidationError(
            {
                "answered_on": "The answer cannot come before the school received the letter "
                f"({request.received_on:%-d %B %Y})."
            }
        )
    if request.answered_on is not None:
        raise ValidationError(
            {"answered_on": f"The school’s answer is already recorded ({request.answered_on:%-d %B %Y})."}
        )
    request.answered_on = day
    request.save(update_fields=["answered_on"])
    chain.record(
        actor=by, family_child=request.family_child, action=FamilyEvent.Action.REPLY, obj=request,
        summary="The school's answer to a request for its records was recorded",
    )  # fmt: skip
    return request


# The letters of the next steps


@transaction.atomic
def save_family_letter(
    *,
    family_child: FamilyChild,
    step: Step,
    schedule: dict[str, object],
    by: User,
    addressee: str,
    subject: str,
    body: str,
    sent_on: date,
    today: date,
    sender_address: str = "",
) -> FamilyLetter:
    """Keep the letter exactly as sent, with the schedule of what the family had been told as it stood, and start
    its reply clock."""
    day = _not_after_today(sent_on, "sent_on", "the date you send it", today)
    refuse_without_address(step, sender_address)
    if day < family_child.plan_start:
        raise ValidationError(
            {"sent_on": f"That is before {family_child.first_name}’s plan began ({family_child.plan_start:%-d %B %Y})."}
        )
    letter = FamilyLetter.objects.create(
        family_child=family_child,
        kind=step.kind.value,
        addressee=addressee.strip(),
        subject=subject.strip(),
        body=body.strip(),
        schedule={**schedule, "sender": sender_block(by, sender_address)},
        sent_on=day,
        reply_due=step.reply_period.period.after(day) if step.reply_period else None,
        written_by=by,
    )
    chain.record(
        actor=by, family_child=family_child, action=FamilyEvent.Action.CREATE, obj=letter,
        summary="A letter of the next steps was kept as sent",
    )  # fmt: skip
    return letter


@transaction.atomic
def record_family_letter_reply(
    *, letter: FamilyLetter, by: User, replied_on: date | None, note: str, today: date
) -> FamilyLetter:
    day = _not_after_today(replied_on, "replied_on", "the date of the reply", today)
    if day < letter.sent_on:
        raise ValidationError(
            {"replied_on": f"The reply cannot come before the letter was sent ({letter.sent_on:%-d %B %Y})."}
        )
    if letter.replied_on is not None:
        raise ValidationError({"replied_on": f"A reply is already recorded ({letter.replied_on:%-d %B %Y})."})
    letter.replied_on, letter.reply_note = day, note.strip()
    letter.save(update_fields=["replied_on", "reply_note"])
    chain.record(
        actor=by, family_child=letter.family_child, action=FamilyEvent.Action.REPLY, obj=letter,
        summary="The reply to a letter of the next steps was recorded",
    )  # fmt: skip
    return letter


# Sharing with the school


@transaction.atomic
def share_entry(*, entry: FamilyEntry, by: User) -> EntryShare:
    if entry.voided_at is not None:
        raise ValidationError("A corrected entry cannot be shared: share its correction.")
    open_share = entry.shares.filter(revoked_at__isnull=True).first()
    if open_share is not None:
        return open_share
    try:
        with transaction.atomic():
            share = EntryShare.objects.create(entry=entry, shared_by=by)
    except IntegrityError:  # shared at the same moment from another tab: one share stands
        return entry.shares.get(revoked_at__isnull=True)
    chain.record(
        actor=by, family_child=entry.family_child, action=FamilyEvent.Action.SHARE, obj=share,
        summary="An entry was shared with the school",
    )  # fmt: skip
    return share


def _end_share(share: EntryShare, by: User, family_child: FamilyChild) -> None:
    share.revoked_at = timezone.now()
    share.save(update_fields=["revoked_at"])
    chain.record(
        actor=by, family_child=family_child, action=FamilyEvent.Action.UNSHARE, obj=share,
        summary="An entry stopped being shared with the school",
    )  # fmt: skip


@transaction.atomic
def unshare_entry(*, entry: FamilyEntry, by: User) -> None:
    for share in entry.shares.filter(revoked_at__isnull=True):
        _end_share(share, by, entry.family_child)


@transaction.atomic
def invite_school(*, family_child: FamilyChild, email: str, by: User, base_url: str) -> SchoolInvitation:
    """Email the school's SENCO a single-use link to sign up and start the school's record beside the family's."""
    if family_child.school is None:
        raise ValidationError(
            {"email": "Choose the school from the register first: a school typed by name cannot be invited."}
        )
    token, token_hash = new_token()
    invitation = SchoolInvitation.objects.create(
        family_child=family_child,
        email=email.strip().lower(),
        token_hash=token_hash,
        invited_by=by,
        expires_at=timezone.now() + timedelta(days=SCHOOL_INVITATION_DAYS),
    )
    link = base_url + reverse("family-school-accept", kwargs={"token": token})
    send_mail(
        subject=f"A parent at {family_child.school.name} invites you to keep a record of provision",
        message=(
            f"{by.get_full_name() or 'A parent'} keeps a record of the support promised to their child at "
            f"{family_child.school.name} and invites the school's SENCO to keep the school's record beside it.\n\n"
            f"Sign up here (the link works once, for {SCHOOL_INVITATION_DAYS} days):\n{link}\n\n"
            "The family's own entries stay theirs: they choose what the school sees of them.\n"
            "If you were not expecting this email, you can ignore it."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.email],
    )
    chain.record(
        actor=by, family_child=family_child, action=FamilyEvent.Action.CREATE, obj=invitation,
        summary="The school's SENCO was invited", digest=False,
    )  # fmt: skip
    return invitation


def find_school_invitation(token: str) -> SchoolInvitation:
    invitation = (
        SchoolInvitation.objects.select_related("family_child__school").filter(token_hash=hash_token(token)).first()
    )
    if invitation is None:
        raise ValidationError("This invitation link is not valid. Ask the parent to send a new one.")
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has already been used. Sign in with your email and password.")
    if invitation.expires_at <= timezone.now():
        raise ValidationError("This invitation has expired. Ask the parent to send a new one.")
    return invitation


_SEN_STATUS = {
    PlanKind.IEP_SCHOOL_ACTION: SenStatus.A,
    PlanKind.IEP_SCHOOL_ACTION_PLUS: SenStatus.P,
    PlanKind.SEN_SUPPORT: SenStatus.K,
    PlanKind.STATEMENT: SenStatus.S,
    PlanKind.EHC_PLAN: SenStatus.E,
}


@transaction.atomic
def accept_school_invitation(*, token: str, first_name: str, last_name: str, password: str) -> User:
    """The SENCO's account (or the one they have), their role at the school, and the school's own record of the
    child, started empty beside the family's: nothing of the family's is copied into it. The parent then confirms
    that the child the school holds is theirs before the school sees anything the family shares."""
    invitation = find_school_invitation(token)
    family_child = invitation.family_child
    school = family_child.school
    assert school is not None
    if SchoolLink.objects.filter(family_child=family_child).exists():
        raise ValidationError("The school has already joined this child's record. Ask the parent if anything is amiss.")
    user = User.objects.filter(email=invitation.email).first()
    if user is None:
        user = User(email=invitation.email, first_name=first_name.strip(), last_name=last_name.strip())
        validate_password(password, user)
        user.set_password(password)
        user.save()
    elif not user.check_password(password):
        raise ValidationError({"password": "You already have an account: enter its password."})
    if user.guardianships.exists() or user.family_children.exists():
        raise ValidationError("This email address belongs to a parent's account: use the school's address.")
    give_role(Membership(user=user, role=Role.SENCO, school=school), by=user)
    # A school that already keeps the child claims its own record of them; otherwise its record starts here.
    child = Child.objects.filter(
        school=school,
        first_name__iexact=family_child.first_name,
        last_name__iexact=family_child.last_name,
        date_of_birth=family_child.date_of_birth,
    ).first()
    if child is None:
        child = Child.objects.create(
            school=school,
            first_name=family_child.first_name,
            last_name=family_child.last_name,
            date_of_birth=family_child.date_of_birth,
            year_group=family_child.year_group,
            primary_need=Need.NSA,
            sen_status=_SEN_STATUS[PlanKind(family_child.plan_kind)],
        )
        record_event(
            actor=user, child=child, action=AuditEvent.Action.CREATE, obj=child, after=snapshot(child),
            summary="The school's record of the child was started at the family's invitation",
        )  # fmt: skip
    link = SchoolLink.objects.create(family_child=family_child, child=child, claimed_by=user)
    used = SchoolInvitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        accepted_at=timezone.now(), accepted_by=user
    )
    if not used:
        raise ValidationError("This invitation has already been used. Sign in with your email and password.")
    chain.record(
        actor=user, family_child=family_child, action=FamilyEvent.Action.CREATE, obj=link,
        summary="The school claimed the child",
    )  # fmt: skip
    return user


@transaction.atomic
def confirm_school_link(*, link: SchoolLink, by: User) -> SchoolLink:
    if link.confirmed_at is None:
        link.confirmed_at = timezone.now()
        link.save(update_fields=["confirmed_at"])
        chain.record(
            actor=by, family_child=link.family_child, action=FamilyEvent.Action.CONFIRM, obj=link,
            summary="The parent confirmed the school's record is of their child",
        )  # fmt: skip
    return link


@transaction.atomic
def decline_school_link(*, link: SchoolLink, by: User) -> None:
    """The parent says the child the school claims is not theirs: the claim goes, and the school sees nothing. The
    school's own record of the child it holds is the school's, and stays."""
    if link.confirmed_at is not None:
        raise ValidationError("You have already confirmed this school's record: it cannot be declined now.")
    chain.record(
        actor=by, family_child=link.family_child, action=FamilyEvent.Action.DECLINE, obj=link,
        summary="The parent declined the school's claim on the child", digest=False,
    )  # fmt: skip
    link.delete()


# Deleting


@transaction.atomic
def delete_family_record(*, family_child: FamilyChild, by: User) -> None:
    """The family's to make: every row of the record goes, with its salt; one event says a record was deleted, and
    nothing of what it held. The school's own record, if it has one, is the school's and stays."""
    record_id = family_child.pk
    chain.record(
        actor=by, family_child=family_child, action=FamilyEvent.Action.DELETE, obj=family_child,
        summary="A family-kept record was deleted by the family", digest=False,
    )  # fmt: skip
    FamilyEntry.objects.filter(family_child_id=record_id, corrects__isnull=False).update(corrects=None)
    family_child.delete()
