"""Commissioning a service at a school and keeping practitioners' caseloads. A caseload entry names a child, so it
is on the child's trail; nothing is deleted: a caseload entry is ended with its date and reason."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from provision_ledger.audit.actions import record_access_event, record_event, record_role_events, snapshot
from provision_ledger.audit.models import AuditEvent
from provision_ledger.people.models import Child, School, User
from provision_ledger.plans.models import Category, DeliveredBy, ProvisionLine
from provision_ledger.services.models import Caseload, Commission, Service, ServiceRole

EARLIEST = date(2000, 1, 1)


def _check_day(day: date, field: str, *, may_be_future: bool) -> None:
    if day < EARLIEST:
        raise ValidationError({field: f"{day:%-d %B %Y} is too long ago to be right."})
    if not may_be_future and day > timezone.localdate():
        raise ValidationError({field: "This date has not happened yet."})


@transaction.atomic
def create_service(*, name: str, organisation: str, kind: str) -> Service:
    if not name.strip():
        raise ValidationError({"name": "Give the service’s name."})
    if not organisation.strip():
        raise ValidationError({"organisation": "Give the organisation that provides the service."})
    if kind not in Service.Kind.values:
        raise ValidationError({"kind": f"A service is one of: {', '.join(Service.Kind.labels)}."})
    return Service.objects.create(name=name.strip()[:200], organisation=organisation.strip()[:200], kind=kind)


def _who(role: ServiceRole) -> str:
    return f"{role.user.get_full_name() or role.user.email}: {role.get_role_display().lower()} of {role.service.name}"


def _role_events(role: ServiceRole, by: User, action: AuditEvent.Action, summary: str, reason: str = "") -> None:
    """One event in the chain of each authority where the service is commissioned at a school now or later: the
    reach the role opens there. A service commissioned nowhere yet opens nothing; its first commission's event
    records the opening."""
    today = timezone.localdate()
    open_commissions = Commission.objects.filter(service=role.service).exclude(end_date__lt=today)
    authority_ids = open_commissions.values_list("school__local_authority_id", flat=True)
    record_role_events(actor=by, role=role, authority_ids=authority_ids, action=action, summary=summary, reason=reason)


@transaction.atomic
def give_role(*, user: User, service: Service, role: str, by: User) -> ServiceRole:
    if role not in ServiceRole.Role.values:
        raise ValidationError({"role": f"A service role is one of: {', '.join(ServiceRole.Role.labels)}."})
    found, created = ServiceRole.objects.get_or_create(user=user, service=service, role=role)
    if created:
        _role_events(found, by, AuditEvent.Action.CREATE, f"{_who(found)}: role given")
    return found


@transaction.atomic
def end_role(role: ServiceRole, *, by: User, reason: str) -> None:
    """End a service role: the events stay in each authority's chain, the role goes."""
    _role_events(role, by, AuditEvent.Action.VOID, f"{_who(role)}: role ended", reason)
    role.delete()


@transaction.atomic
def commission(
    *,
    service: Service,
    school: School,
    commissioner: str,
    commissioner_name: str,
    start_date: date,
    end_date: date | None = None,
    category: str = "",
    delivered_by: str = "",
    lines: Iterable[ProvisionLine] = (),
    by: User,
) -> Commission:
    """Commission the service to deliver lines at the school: the named lines, or those of an area of need and kind
    of practitioner."""
    lines = list(lines)
    if commissioner not in Commission.Commissioner.values:
        raise ValidationError({"commissioner": f"Say who commissions: {', '.join(Commission.Commissioner.labels)}."})
    if not commissioner_name.strip():
        raise ValidationError({"commissioner_name": "Name who commissions the service."})
    if category and category not in Category.values:
        raise ValidationError({"category": "Choose an area of need."})
    if delivered_by and delivered_by not in DeliveredBy.values:
        raise ValidationError({"delivered_by": "Choose who delivers."})
    if not (category or delivered_by or lines):
        raise ValidationError("Say which lines: name them, or give an area of need or who delivers.")
    _check_day(start_date, "start_date", may_be_future=True)
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": "A commission cannot end before it starts."})
    elsewhere = [line for line in lines if line.plan.child.school_id != school.pk]
    if elsewhere:
        raise ValidationError({"lines": f"{elsewhere[0]} is not a line of a child at {school.name}."})
    made = Commission.objects.create(
        service=service,
        school=school,
        commissioner=commissioner,
        commissioner_name=commissioner_name.strip()[:200],
        category=category,
        delivered_by=delivered_by,
        start_date=start_date,
        end_date=end_date,
    )
    made.lines.set(lines)
    # A commission opens the school's commissioned lines to the service's practitioners: in the authority's chain.
    record_access_event(
        actor=by,
        local_authority_id=school.local_authority_id,
        action=AuditEvent.Action.CREATE,
        obj=made,
        summary=f"{service.name} commissioned by {made.commissioner_name} to deliver at {school.name} from "
        f"{start_date:%-d %B %Y}",
    )
    return made


@transaction.atomic
def end_commission(*, commission: Commission, end_date: date, by: User) -> Commission:
    """The service delivers at the school no longer after `end_date`: its practitioners stop reaching those lines."""
    if commission.end_date is not None and commission.end_date <= end_date:
        raise ValidationError({"end_date": f"The commission already ends on {commission.end_date:%-d %B %Y}."})
    if end_date < commission.start_date:
        raise ValidationError({"end_date": "A commission cannot end before it starts."})
    before = snapshot(commission)
    commission.end_date = end_date
    commission.save(update_fields=["end_date"])
    record_access_event(
        actor=by,
        local_authority_id=commission.school.local_authority_id,
        action=AuditEvent.Action.CHANGE,
        obj=commission,
        summary=f"{commission} ends on {end_date:%-d %B %Y}",
        before=before,
    )
    return commission


def check_caseload_entry(*, service: Service, practitioner: User, child: Child, start_date: date) -> None:
    """What `add_to_caseload` refuses, each with its field named (for the admin's form too)."""
    if not ServiceRole.objects.filter(user=practitioner, service=service, role=ServiceRole.Role.PRACTITIONER).exists():
        raise ValidationError({"practitioner": f"{practitioner} is not a practitioner of {service.name}."})
    _check_day(start_date, "start_date", may_be_future=False)
    if Caseload.objects.filter(service=service, practitioner=practitioner, child=child, end_date__isnull=True).exists():
        raise ValidationError({"child": f"{child} is already on {practitioner}’s caseload."})


@transaction.atomic
def add_to_caseload(*, service: Service, practitioner: User, child: Child, start_date: date, by: User) -> Caseload:
    check_caseload_entry(service=service, practitioner=practitioner, child=child, start_date=start_date)
    entry = Caseload.objects.create(service=service, practitioner=practitioner, child=child, start_date=start_date)
    record_event(
        actor=by,
        child=child,
        action=AuditEvent.Action.CREATE,
        obj=entry,
        summary=f"On the caseload of {practitioner} ({service.name}) from {start_date:%-d %B %Y}",
        after=snapshot(entry),
    )
    return entry


@transaction.atomic
def end_caseload(*, entry: Caseload, end_date: date, reason: str, by: User) -> Caseload:
    """The child leaves the caseload after `end_date`, their last day on it."""
    if entry.end_date is not None:
        raise ValidationError("This caseload entry has already ended.")
    if not reason.strip():
        raise ValidationError({"end_reason": "Say why the child leaves the caseload."})
    _check_day(end_date, "end_date", may_be_future=False)
    if end_date < entry.start_date:
        raise ValidationError({"end_date": "The child cannot leave the caseload before they joined it."})
    before = snapshot(entry)
    entry.end_date, entry.end_reason = end_date, reason.strip()[:200]
    entry.save(update_fields=["end_date", "end_reason"])
    record_event(
        actor=by,
        child=entry.child,
        action=AuditEvent.Action.CHANGE,
        obj=entry,
        summary=f"On the caseload of {entry.practitioner} ({entry.service.name}) until {end_date:%-d %B %Y}",
        before=before,
        after=snapshot(entry),
        reason=reason.strip(),
    )
    return entry
