"""Creating trusts and linking their schools: by hand, or from the DfE's register (GIAS).

A trust names no child, so it is outside the children's trail. But a school joining or leaving a trust, and a trust
role given or ended, change who may read that school's records: each writes its event, without a child, in the chain
of the authority the school sits in. A link is closed with the day the school left, never deleted, so who ran a school
when stays known.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from provision_ledger.audit.actions import (
    AccessChange,
    record_access_event,
    record_access_events,
    record_role_events,
    snapshot,
)
from provision_ledger.audit.models import AuditEvent
from provision_ledger.people.models import School, User
from provision_ledger.trusts.models import Trust, TrustRole, TrustSchool


def _link_event(link: TrustSchool, by: User, action: AuditEvent.Action, summary: str, before: dict | None) -> None:
    record_access_event(
        actor=by,
        local_authority_id=link.school.local_authority_id,
        action=action,
        obj=link,
        summary=summary,
        before=before,
    )


def _role_events(role: TrustRole, by: User, action: AuditEvent.Action, summary: str, reason: str = "") -> None:
    """One event in the chain of each authority where the trust runs a school now: the reach the role opens there."""
    schools = TrustSchool.objects.filter(trust=role.trust, left_on__isnull=True)
    authority_ids = schools.values_list("school__local_authority_id", flat=True)
    record_role_events(actor=by, role=role, authority_ids=authority_ids, action=action, summary=summary, reason=reason)


@transaction.atomic
def create_trust(*, name: str, group_uid: str = "", companies_house_number: str = "") -> Trust:
    name, group_uid = name.strip(), group_uid.strip()
    number = companies_house_number.strip().upper()
    if not name:
        raise ValidationError({"name": "Give the trust’s name."})
    if group_uid and not re.fullmatch(r"\d{1,10}", group_uid):
        raise ValidationError({"group_uid": "A GIAS group UID is digits only."})
    if number and not re.fullmatch(r"[A-Z0-9]{8}", number):
        raise ValidationError({"companies_house_number": "A Companies House number is eight letters or digits."})
    if group_uid and Trust.objects.filter(group_uid=group_uid).exists():
        raise ValidationError({"group_uid": f"A trust with GIAS group UID {group_uid} already exists."})
    return Trust.objects.create(name=name[:200], group_uid=group_uid, companies_house_number=number)


@transaction.atomic
def add_school(*, trust: Trust, school: School, joined_on: date | None = None, by: User) -> TrustSchool:
    """The school is run by the trust from `joined_on`; it leaves any trust it was in the day before."""
    if joined_on is not None and not date(1990, 1, 1) <= joined_on:
        raise ValidationError({"joined_on": "The date the school joined is too long ago to be right."})
    current = TrustSchool.objects.select_for_update().filter(school=school, left_on__isnull=True).first()
    if current is not None:
        if current.trust_id == trust.pk:
            return current
        remove_school(link=current, left_on=joined_on or date.today(), by=by)
    link = TrustSchool.objects.create(trust=trust, school=school, joined_on=joined_on)
    since = f" from {joined_on:%-d %B %Y}" if joined_on else ""
    _link_event(link, by, AuditEvent.Action.CREATE, f"{trust.name} runs {school.name}{since}", None)
    return link


@transaction.atomic
def remove_school(*, link: TrustSchool, left_on: date, by: User) -> TrustSchool:
    if link.left_on is not None:
        raise ValidationError("The school has already left this trust.")
    if link.joined_on and left_on < link.joined_on:
        raise ValidationError({"left_on": "The school cannot leave the trust before it joined."})
    before = snapshot(link)
    link.left_on = left_on
    link.save(update_fields=["left_on"])
    summary = f"{link.trust.name} no longer runs {link.school.name} from {left_on:%-d %B %Y}"
    _link_event(link, by, AuditEvent.Action.CHANGE, summary, before)
    return link


def _who(role: TrustRole) -> str:
    return f"{role.user.get_full_name() or role.user.email}: {role.get_role_display().lower()} of {role.trust.name}"


@transaction.atomic
def give_role(*, user: User, trust: Trust, role: str, by: User) -> TrustRole:
    if role not in TrustRole.Role.values:
        raise ValidationError({"role": f"A trust role is one of: {', '.join(TrustRole.Role.labels)}."})
    found, created = TrustRole.objects.get_or_create(user=user, trust=trust, role=role)
    if created:
        _role_events(found, by, AuditEvent.Action.CREATE, f"{_who(found)}: role given")
    return found


@transaction.atomic
def end_role(role: TrustRole, *, by: User, reason: str) -> None:
    """End a trust role: the events stay in each authority's chain, the role goes."""
    _role_events(role, by, AuditEvent.Action.VOID, f"{_who(role)}: role ended", reason)
    role.delete()


@dataclass
class GiasTrusts:
    created: list[str]
    renamed: list[str]
    joined: int = 0
    left: int = 0


@transaction.atomic
def link_from_gias(rows: Iterable[tuple[int, str, str]], *, today: date, report: GiasTrusts, by: User) -> None:
    """Each (school id, GIAS group UID, trust name) of the register: the trust is created or renamed, and the school
    linked to it; a school GIAS lists with no trust leaves a trust it was linked to. Trusts made by hand (without a
    group UID) are left alone."""
    rows = list(rows)
    uids = {uid for _, uid, _ in rows if uid}
    trusts = {t.group_uid: t for t in Trust.objects.filter(group_uid__in=uids)}
    for _, uid, name in rows:
        if not uid:
            continue
        trust = trusts.get(uid)
        if trust is None:
            trusts[uid] = Trust.objects.create(name=name[:200] or f"Trust {uid}", group_uid=uid)
            report.created.append(f"{uid} {name}")
        elif name and trust.name != name[:200]:
            report.renamed.append(f"{uid} “{trust.name}” → “{name}”")
            trust.name = name[:200]
            trust.save(update_fields=["name"])
    school_ids = [school_id for school_id, _, _ in rows]
    current = {
        link.school_id: link
        for link in TrustSchool.objects.filter(school_id__in=school_ids, left_on__isnull=True).select_related("trust")
    }
    schools = {pk: (la_id, name) for pk, la_id, name in School.objects.filter(pk__in=school_ids).values_list(
        "pk", "local_authority_id", "name"
    )}  # fmt: skip
    events: list[AccessChange] = []
    for school_id, uid, _ in rows:
        link = current.get(school_id)
        if link is not None and (link.trust.group_uid == uid or (not link.trust.group_uid and not uid)):
            continue
        if link is not None and (uid or link.trust.group_uid):
            before = snapshot(link)
            link.left_on = today
            link.save(update_fields=["left_on"])
            report.left += 1
            la_id, name = schools[school_id]
            summary = f"{link.trust.name} no longer runs {name} from {today:%-d %B %Y} (register of schools)"
            events.append(AccessChange(la_id, link, AuditEvent.Action.CHANGE, summary, before))
        if uid:
            made = TrustSchool.objects.create(trust=trusts[uid], school_id=school_id, joined_on=today)
            report.joined += 1
            la_id, name = schools[school_id]
            summary = f"{trusts[uid].name} runs {name} from {today:%-d %B %Y} (register of schools)"
            events.append(AccessChange(la_id, made, AuditEvent.Action.CREATE, summary))
    record_access_events(actor=by, changes=events)
