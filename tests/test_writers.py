"""Every change goes through an action with its event: no view writes a row itself, and who may see a child is in the
child's trail."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
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
