"""Creating trusts and linking their schools: by hand, or from the DfE's register (GIAS).

A trust and its links name no child, so they are outside the children's hash-chained trail; a link is closed with
the day the school left, never deleted, so who ran a school when stays known.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from provision_ledger.people.models import School, User
from provision_ledger.trusts.models import Trust, TrustRole, TrustSchool


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
def add_school(*, trust: Trust, school: School, joined_on: date | None = None) -> TrustSchool:
    """The school is run by the trust from `joined_on`; it leaves any trust it was in the day before."""
    if joined_on is not None and not date(1990, 1, 1) <= joined_on:
        raise ValidationError({"joined_on": "The date the school joined is too long ago to be right."})
    current = TrustSchool.objects.select_for_update().filter(school=school, left_on__isnull=True).first()
    if current is not None:
        if current.trust_id == trust.pk:
            return current
        current.left_on = joined_on or date.today()
        current.save(update_fields=["left_on"])
    return TrustSchool.objects.create(trust=trust, school=school, joined_on=joined_on)


@transaction.atomic
def remove_school(*, link: TrustSchool, left_on: date) -> TrustSchool:
    if link.left_on is not None:
        raise ValidationError("The school has already left this trust.")
    if link.joined_on and left_on < link.joined_on:
        raise ValidationError({"left_on": "The school cannot leave the trust before it joined."})
    link.left_on = left_on
    link.save(update_fields=["left_on"])
    return link


@transaction.atomic
def give_role(*, user: User, trust: Trust, role: str) -> TrustRole:
    if role not in TrustRole.Role.values:
        raise ValidationError({"role": f"A trust role is one of: {', '.join(TrustRole.Role.labels)}."})
    found, _ = TrustRole.objects.get_or_create(user=user, trust=trust, role=role)
    return found


@dataclass
class GiasTrusts:
    created: list[str]
    renamed: list[str]
    joined: int = 0
    left: int = 0


@transaction.atomic
def link_from_gias(rows: Iterable[tuple[int, str, str]], *, today: date, report: GiasTrusts) -> None:
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
    for school_id, uid, _ in rows:
        link = current.get(school_id)
        if link is not None and (link.trust.group_uid == uid or (not link.trust.group_uid and not uid)):
            continue
        if link is not None and (uid or link.trust.group_uid):
            link.left_on = today
            link.save(update_fields=["left_on"])
            report.left += 1
        if uid:
            TrustSchool.objects.create(trust=trusts[uid], school_id=school_id, joined_on=today)
            report.joined += 1
