"""Every change goes through an action with its event: no view writes a row itself, and who may see a child is in the
child's trail."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

import provision_ledger
from provision_ledger.audit.models import AuditEvent
from provision_ledger.parents.actions import invite_parent
from provision_ledger.people.actions import remove_child_link, save_child_link
from provision_ledger.people.models import Guardianship, StaffAssignment, User
from tests.factories import make_user

pytestmark = pytest.mark.django_db

WRITES = re.compile(r"\.objects\.(create|get_or_create|update_or_create|bulk_create|bulk_update)\(|\.save\(|\.delete\(|"
                    r"\.update\(")  # fmt: skip


def test_no_view_or_api_endpoint_writes_a_row_itself():
    package = Path(provision_ledger.__file__).parent
    edges = [*package.rglob("views.py"), package / "api" / "endpoints.py"]
    writing = {
        f"{path.relative_to(package)}:{number}"
        for path in edges
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if WRITES.search(line)
    }
    assert writing == set()


def test_giving_and_ending_sight_of_a_child_is_in_the_childs_trail(child, senco):
    assistant = make_user(first_name="Priya", last_name="Shah")

    link = save_child_link(StaffAssignment(user=assistant, child=child), by=senco)
    remove_child_link(link, by=senco, reason="Moved to another class")

    events = AuditEvent.objects.filter(child=child, object_type="staffassignment").order_by("seq")
    assert [(e.action, e.summary, e.reason) for e in events] == [
        ("create", "Priya Shah can see Oliver's record as staff assigned to them", ""),
        ("void", "Priya Shah no longer sees Oliver's record", "Moved to another class"),
    ]
    assert not StaffAssignment.objects.filter(user=assistant).exists()


def test_a_parent_accepting_an_invitation_is_in_the_childs_trail(unverified_client, child, senco):
    invite_parent(child=child, email="dad@example.test", relationship="Father", by=senco, base_url="http://testserver")
    page = mail.outbox[-1].body.split("http://testserver", 1)[1].split()[0]
    form = {
        "first_name": "Tom",
        "last_name": "Bennett",
        "password": "a-long-pass-phrase",
        "password_again": "a-long-pass-phrase",
    }

    response = unverified_client.post(page, form)

    assert response["Location"] == reverse("child-detail", args=[child.pk])
    [event] = AuditEvent.objects.filter(child=child, object_type="guardianship")
    assert (event.action, event.summary) == ("create", "Tom Bennett can see Oliver's record as father")
    assert Guardianship.objects.get(child=child).relationship == "Father"


def test_giving_and_ending_a_staff_role_is_in_the_authoritys_chain(school, senco):
    from provision_ledger.audit.chain import verify
    from provision_ledger.people.actions import end_role, give_role
    from provision_ledger.people.models import Membership, Role

    admin = User.objects.create_superuser("admin@council.test", "pw")
    assistant = make_user(first_name="Priya", last_name="Shah")

    role = give_role(Membership(user=assistant, role=Role.STAFF, school=school), by=admin)
    again = give_role(Membership(user=assistant, role=Role.STAFF, school=school), by=admin)
    assert again.pk == role.pk  # a role already held is kept, with no second event
    end_role(role, by=admin, reason="Left the school")

    events = AuditEvent.objects.filter(local_authority=school.local_authority, object_type="membership").order_by("seq")
    assert [(e.child_id, e.action, e.summary, e.reason) for e in events] == [
        (None, "create", f"Priya Shah: teaching assistant, teacher or therapist at {school}: role given", ""),
        (
            None,
            "void",
            f"Priya Shah: teaching assistant, teacher or therapist at {school}: role ended",
            "Left the school",
        ),
    ]
    assert not Membership.objects.filter(user=assistant).exists()
    assert verify(school.local_authority_id) == []


def test_a_staff_role_given_in_the_admin_is_in_the_authoritys_chain(client, school):
    from provision_ledger.people.models import Membership, Role

    admin = User.objects.create_superuser("admin@council.test", "pw")
    officer = make_user(email="officer@council.test", first_name="Tom", last_name="Reeves")
    client.force_login(admin)
    form = {
        "email": officer.email, "first_name": "Tom", "last_name": "Reeves", "is_active": "on",
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
        "memberships-0-role": Role.LA_OFFICER, "memberships-0-local_authority": school.local_authority_id,
        "memberships-0-school": "",
    }  # fmt: skip

    response = client.post(reverse("admin:people_user_change", args=[officer.pk]), form)

    assert response.status_code == 302
    assert Membership.objects.get(user=officer).role == Role.LA_OFFICER
    [event] = AuditEvent.objects.filter(object_type="membership")
    assert (event.local_authority_id, event.child_id, event.actor_id, event.action) == (
        school.local_authority_id, None, admin.pk, "create"
    )  # fmt: skip


def test_a_school_joining_and_leaving_a_trust_and_its_lead_are_in_each_authoritys_chain():
    from datetime import date

    from provision_ledger.audit.chain import verify
    from provision_ledger.trusts import actions as trusts
    from tests.factories import administrator, make_la, make_school

    admin = administrator()
    north, south = (
        make_school(make_la("North"), name="North Academy"),
        make_school(make_la("South"), name="South Academy"),
    )
    trust = trusts.create_trust(name="Riverside Learning Trust")
    links = [trusts.add_school(trust=trust, school=s, joined_on=date(2024, 9, 1), by=admin) for s in (north, south)]
    lead = make_user(first_name="Alison", last_name="Grant")
    role = trusts.give_role(user=lead, trust=trust, role="trust_send_lead", by=admin)
    trusts.end_role(role, by=admin, reason="Left the trust")
    trusts.remove_school(link=links[1], left_on=date(2025, 8, 31), by=admin)

    def trail(school):
        events = AuditEvent.objects.filter(local_authority=school.local_authority).order_by("seq")
        return [(e.child_id, e.object_type, e.action, e.summary) for e in events]

    assert trail(north) == [
        (None, "trustschool", "create", "Riverside Learning Trust runs North Academy from 1 September 2024"),
        (None, "trustrole", "create", "Alison Grant: trust send lead of Riverside Learning Trust: role given"),
        (None, "trustrole", "void", "Alison Grant: trust send lead of Riverside Learning Trust: role ended"),
    ]
    assert trail(south) == [
        (None, "trustschool", "create", "Riverside Learning Trust runs South Academy from 1 September 2024"),
        (None, "trustrole", "create", "Alison Grant: trust send lead of Riverside Learning Trust: role given"),
        (None, "trustrole", "void", "Alison Grant: trust send lead of Riverside Learning Trust: role ended"),
        (None, "trustschool", "change", "Riverside Learning Trust no longer runs South Academy from 31 August 2025"),
    ]
    assert verify(north.local_authority_id) == verify(south.local_authority_id) == []


def test_a_service_commissioned_and_ended_at_a_school_is_in_its_authoritys_chain(school):
    from datetime import date

    from provision_ledger.services import actions as services
    from tests.factories import administrator, make_commission, make_service

    made = make_commission(make_service(), school)
    services.end_commission(commission=made, end_date=date(2026, 7, 22), by=administrator())

    events = AuditEvent.objects.filter(local_authority=school.local_authority, object_type="commission").order_by("seq")
    assert [(e.child_id, e.action, e.summary) for e in events] == [
        (None, "create", f"Children’s Speech and Language Therapy commissioned by {school.local_authority.name} to "
                         f"deliver at {school.name} from 1 September 2025"),
        (None, "change", f"{made} ends on 22 July 2026"),
    ]  # fmt: skip
    with pytest.raises(ValidationError) as twice:
        services.end_commission(commission=made, end_date=date(2026, 7, 23), by=administrator())
    assert twice.value.message_dict == {"end_date": ["The commission already ends on 22 July 2026."]}
