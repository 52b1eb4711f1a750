"""Plain factory functions: each makes exactly what its name says, with fixed, readable defaults."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from provision_ledger.accounts import twofactor
from provision_ledger.core.demo import add_terms, english_terms
from provision_ledger.delivery.actions import SessionEntry, record_session
from provision_ledger.delivery.models import Session
from provision_ledger.outcomes import actions as outcome_actions
from provision_ledger.outcomes.models import Outcome, ProgressEntry
from provision_ledger.people.models import (
    Child,
    Guardianship,
    LocalAuthority,
    Membership,
    Role,
    School,
    StaffAssignment,
    User,
)
from provision_ledger.plans import actions as plan_actions
from provision_ledger.plans.models import Plan, ProvisionLine
from provision_ledger.rules.compliance import SessionStatus
from provision_ledger.services import actions as service_actions
from provision_ledger.services.models import Commission, Service, ServiceRole
from provision_ledger.submissions import keys
from provision_ledger.trusts import actions as trust_actions
from provision_ledger.trusts.models import Trust, TrustRole

_counter = iter(range(1, 10**6))


def make_la(name: str = "Northshire County Council") -> LocalAuthority:
    n = next(_counter)
    return LocalAuthority.objects.create(code=f"{n % 1000:03d}", name=name)


def make_school(
    la: LocalAuthority | None = None, name: str = "Hillside Primary School", years=(2025,), terms=None
) -> School:
    """A school with the typical English terms of the given years, or exactly the `terms` given."""
    n = next(_counter)
    school = School.objects.create(urn=f"{100000 + n}", name=name, local_authority=la or make_la())
    add_terms(school, terms if terms is not None else [row for year in years for row in english_terms(year)])
    return school


def make_user(email: str | None = None, first_name: str = "Sam", last_name: str = "Lee") -> User:
    return User.objects.create_user(
        email or f"user{next(_counter)}@example.test", "pw", first_name=first_name, last_name=last_name
    )


def make_senco(school: School, **kwargs: Any) -> User:
    user = make_user(**kwargs)
    Membership.objects.create(user=user, role=Role.SENCO, school=school)
    return user


def make_staff(school: School, *children: Child, **kwargs: Any) -> User:
    user = make_user(**kwargs)
    Membership.objects.create(user=user, role=Role.STAFF, school=school)
    for child in children:
        StaffAssignment.objects.create(user=user, child=child)
    return user


def make_la_officer(la: LocalAuthority, **kwargs: Any) -> User:
    user = make_user(**kwargs)
    Membership.objects.create(user=user, role=Role.LA_OFFICER, local_authority=la)
    return user


def make_parent(*children: Child, **kwargs: Any) -> User:
    user = make_user(**kwargs)
    for child in children:
        Guardianship.objects.create(user=user, child=child)
    return user


def make_child(school: School, first_name: str = "Oliver", last_name: str = "Bennett", **kwargs: Any) -> Child:
    fields = {"date_of_birth": date(2019, 7, 1), "year_group": "1", "primary_need": "SLCN", "sen_status": "K"}
    return Child.objects.create(school=school, first_name=first_name, last_name=last_name, **{**fields, **kwargs})


def make_plan(child: Child, by: User, kind: str = "sen_support", start: date = date(2025, 9, 1)) -> Plan:
    return plan_actions.create_plan(
        child=child,
        by=by,
        kind=kind,
        start_date=start,
        review_due=date(start.year + 1, 7, 1),
        status="active",
        replaces_confirmed=True,  # a later plan ends the one in force, as the SENCO confirms on the form
    )


def make_line(plan: Plan, by: User, **terms: Any) -> ProvisionLine:
    fields = {
        "description": "Motor Skills programme",
        "category": "sensory_physical",
        "delivered_by": "ta",
        "qualification": "",
        "group_size": 1,
        "sessions": 2,
        "period": "week",
        "minutes_per_session": 30,
        "weekly_minutes": None,
        "weekdays": [],
        "time_of_day": None,
        "start_date": plan.start_date,
        "end_date": None,
        "outcome": "",
        "funder": "school",
    }
    return plan_actions.add_line(plan=plan, by=by, **{**fields, **terms})


def make_session(line: ProvisionLine, by: User, day: date, status: str = "delivered", **kwargs: Any) -> Session:
    entry = SessionEntry(line=line, date=day, status=SessionStatus(status), **kwargs)
    return record_session(entry, by=by, today=max(day, date.today()))


def make_totp_device(user: User) -> TOTPDevice:
    """The person's confirmed authenticator (made once; a second call returns the same one)."""
    return twofactor.confirmed_device(user) or TOTPDevice.objects.create(
        user=user, name=twofactor.DEVICE_NAME, confirmed=True
    )


class FormClient(Client):
    """A test client that posts a form as its page would send it: with a one-time key of its own, unless the test
    gives the key (a form sent twice) or sends an empty one (a post that did not come from a page)."""

    def post(self, path: str, data: Any = None, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        signed_in = self._signed_in_id()
        if (
            signed_in is not None
            and (data is None or isinstance(data, dict))
            and not args
            and "content_type" not in kwargs
        ):
            data = {keys.FIELD: keys.issue(signed_in), **(data or {})}
        return super().post(path, data, *args, **kwargs)

    def _signed_in_id(self) -> int | None:
        cookie = self.cookies.get(settings.SESSION_COOKIE_NAME)
        if cookie is None:
            return None
        user_id = import_module(settings.SESSION_ENGINE).SessionStore(cookie.value).get(SESSION_KEY)
        return int(user_id) if user_id is not None else None


class VerifiedClient(FormClient):
    """A test client whose force_login also passes the second step, as a person with an authenticator would."""

    def force_login(self, user: Any, backend: str | None = None) -> None:
        super().force_login(user, backend)
        if twofactor.asks_for_code(user):
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = make_totp_device(user).persistent_id
            session.save()


def make_outcome(plan: Plan, by: User, *lines: ProvisionLine, **fields: Any) -> Outcome:
    """A small-steps outcome from step 2 towards step 8 over the school year, served by the given lines."""
    values = {
        "description": "Oliver plans his day with a visual timetable",
        "measure": "steps",
        "scale_low": Decimal(0),
        "scale_high": Decimal(8),
        "baseline": Decimal(2),
        "target": Decimal(8),
        "baseline_date": plan.start_date,
        "target_date": date(plan.start_date.year + 1, 7, 1),
    }
    return outcome_actions.create_outcome(plan=plan, by=by, lines=lines, **{**values, **fields})


def make_progress(
    outcome: Outcome, by: User, day: date, value: int | None, support: str = "independent", note: str = ""
) -> ProgressEntry:
    return outcome_actions.record_progress(
        outcome=outcome,
        by=by,
        date=day,
        value=None if value is None else Decimal(value),
        support=support if value is not None else "",
        note=note or ("" if value is not None else "Seen in class"),
        today=max(day, date.today()),
    )


def administrator() -> User:
    """The site administrator who links trusts and commissions services: one per test database, made when first
    asked for, so the trail of those changes names who made them."""
    found = User.objects.filter(email="administrator@factories.test").first()
    return found or User.objects.create_superuser("administrator@factories.test", "pw")


def make_trust(*schools: School, name: str = "Riverside Learning Trust", group_uid: str = "") -> Trust:
    trust = trust_actions.create_trust(name=name, group_uid=group_uid)
    for school in schools:
        trust_actions.add_school(trust=trust, school=school, joined_on=date(2020, 9, 1), by=administrator())
    return trust


def make_trust_lead(trust: Trust, role: str = TrustRole.Role.SEND_LEAD, **kwargs: Any) -> User:
    user = make_user(**kwargs)
    trust_actions.give_role(user=user, trust=trust, role=role, by=administrator())
    return user


def make_service(name: str = "Children’s Speech and Language Therapy") -> Service:
    return service_actions.create_service(
        name=name, organisation="Northshire Community Health NHS Trust", kind=Service.Kind.NHS
    )


def make_commission(service: Service, school: School, **fields: Any) -> Commission:
    values: dict[str, Any] = {
        "commissioner": Commission.Commissioner.AUTHORITY,
        "commissioner_name": school.local_authority.name,
        "start_date": date(2025, 9, 1),
        "category": "sensory_physical",
    }
    return service_actions.commission(service=service, school=school, by=administrator(), **{**values, **fields})


def make_practitioner(service: Service, *children: Child, by: User | None = None, **kwargs: Any) -> User:
    user = make_user(**kwargs)
    service_actions.give_role(user=user, service=service, role=ServiceRole.Role.PRACTITIONER, by=administrator())
    for child in children:
        service_actions.add_to_caseload(
            service=service, practitioner=user, child=child, start_date=date(2025, 9, 1), by=by or user
        )
    return user


def make_service_manager(service: Service, **kwargs: Any) -> User:
    user = make_user(**kwargs)
    service_actions.give_role(user=user, service=service, role=ServiceRole.Role.MANAGER, by=administrator())
    return user
