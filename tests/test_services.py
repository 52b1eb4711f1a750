"""Services that deliver provision across schools: a practitioner reaches only the commissioned lines of the children
on their caseload, logs them from one register through the one session writer, and the service's figures are the
authority's own, by school and by commissioner."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from provision_ledger.audit.chain import verify
from provision_ledger.audit.models import AuditEvent
from provision_ledger.core import access
from provision_ledger.core.access import Permission
from provision_ledger.delivery.models import Session
from provision_ledger.oversight import queries
from provision_ledger.services import actions, figures
from provision_ledger.services.models import Commission
from tests.factories import (
    administrator,
    make_child,
    make_commission,
    make_la,
    make_line,
    make_plan,
    make_practitioner,
    make_school,
    make_senco,
    make_service,
    make_service_manager,
    make_session,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen_today(monkeypatch):
    """Friday 17 October 2025, in the autumn term."""
    day = date(2025, 10, 17)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)
    return day


SALT = {"category": "communication", "delivered_by": "salt", "description": "Speech and language therapy"}


@pytest.fixture
def salt_world():
    """An NHS speech and language therapy service commissioned at two schools in two authorities. Each school has a
    child with a therapy line and a teaching assistant's line; a third child's therapy line is not on the caseload."""
    north, south = make_la("North"), make_la("South")
    schools = [make_school(north, name="Oakfield"), make_school(south, name="Brookside")]
    service = make_service()
    world: dict = {"schools": schools, "service": service, "salt": [], "ta": [], "children": []}
    for school in schools:
        senco = make_senco(school)
        child = make_child(school, first_name=f"Ava{school.name}")
        plan = make_plan(child, senco)
        world["salt"].append(make_line(plan, senco, **SALT))
        world["ta"].append(make_line(plan, senco))
        world["children"].append(child)
        commissioner = Commission.Commissioner.HEALTH if school == schools[0] else Commission.Commissioner.AUTHORITY
        make_commission(service, school, commissioner=commissioner, commissioner_name=f"Pays for {school.name}",
                        category="", delivered_by="salt")  # fmt: skip
        world[f"senco_{school.name}"] = senco
    other = make_child(schools[0], first_name="Noah")
    world["not_on_caseload"] = make_line(make_plan(other, world["senco_Oakfield"]), world["senco_Oakfield"], **SALT)
    world["therapist"] = make_practitioner(service, *world["children"], by=world["senco_Oakfield"])
    world["manager"] = make_service_manager(service)
    return world


def test_a_practitioner_reaches_only_commissioned_lines_of_children_on_their_caseload(salt_world):
    therapist = salt_world["therapist"]
    assert set(access.lines_for(therapist)) == set(salt_world["salt"])
    assert set(access.lines_for(therapist, Permission.LOG)) == set(salt_world["salt"])
    assert list(access.lines_for(therapist, Permission.MANAGE)) == []
    # Never the child as a whole: not their page, plans, concerns or the other lines.
    assert list(access.children_for(therapist)) == []
    assert list(access.plans_for(therapist)) == []


def test_a_practitioner_is_refused_what_is_not_theirs_404_and_what_they_may_not_do_403(client, salt_world):
    client.force_login(salt_world["therapist"])
    ta_line, stranger = salt_world["ta"][0], salt_world["not_on_caseload"]
    own = salt_world["salt"][0]
    assert client.get(reverse("line-detail", kwargs={"line_id": own.pk})).status_code == 200
    assert client.get(reverse("line-detail", kwargs={"line_id": ta_line.pk})).status_code == 404
    assert client.get(reverse("line-detail", kwargs={"line_id": stranger.pk})).status_code == 404
    child = salt_world["children"][0]
    assert client.get(reverse("child-detail", kwargs={"child_id": child.pk})).status_code == 404
    assert client.post(reverse("line-void", kwargs={"line_id": own.pk}), {"reason": "x"}).status_code == 403
    assert client.get(reverse("service-delivery", kwargs={"service_id": salt_world["service"].pk})).status_code == 403


def test_a_line_leaves_the_practitioners_reach_when_the_child_leaves_the_caseload(salt_world):
    therapist = salt_world["therapist"]
    entry = therapist.caseload.get(child=salt_world["children"][1])
    last_day = date.today() - timedelta(days=1)
    actions.end_caseload(entry=entry, end_date=last_day, reason="Discharged", by=salt_world["senco_Brookside"])
    therapist._ledger_scope = None
    assert set(access.lines_for(therapist)) == {salt_world["salt"][0]}
    event = AuditEvent.objects.filter(child=salt_world["children"][1], object_type="caseload").order_by("pk").last()
    assert event.summary.startswith("On the caseload of")
    assert event.summary.endswith(f"until {last_day:%-d %B %Y}")


def test_a_caseload_refuses_a_future_start_and_someone_not_of_the_service(salt_world):
    with pytest.raises(ValidationError) as future:
        actions.add_to_caseload(
            service=salt_world["service"], practitioner=salt_world["therapist"], child=salt_world["children"][0],
            start_date=date(2999, 1, 1), by=salt_world["therapist"],
        )  # fmt: skip
    assert "start_date" in future.value.message_dict
    with pytest.raises(ValidationError) as stranger:
        actions.add_to_caseload(
            service=salt_world["service"], practitioner=salt_world["manager"], child=salt_world["children"][0],
            start_date=date(2025, 9, 1), by=salt_world["manager"],
        )  # fmt: skip
    assert "practitioner" in stranger.value.message_dict


def test_a_commission_names_only_lines_of_its_own_school(salt_world):
    with pytest.raises(ValidationError) as elsewhere:
        actions.commission(
            service=salt_world["service"], school=salt_world["schools"][0], commissioner="school",
            commissioner_name="Oakfield", start_date=date(2025, 9, 1), lines=[salt_world["salt"][1]],
            by=administrator(),
        )  # fmt: skip
    assert "lines" in elsewhere.value.message_dict


def test_one_register_lists_the_practitioners_lines_at_both_schools_and_records_them(client, salt_world, frozen_today):
    client.force_login(salt_world["therapist"])
    response = client.get(reverse("register"))
    due = [d.line for d in response.context["due"]]
    assert sorted(line.pk for line in due) == sorted(line.pk for line in salt_world["salt"])
    client.post(reverse("register-record"), {"line": [line.pk for line in salt_world["salt"]], "status": "delivered"})
    sessions = Session.objects.filter(recorded_by=salt_world["therapist"])
    assert sorted((s.line_id, s.child.school.name) for s in sessions) == sorted(
        (line.pk, line.plan.child.school.name) for line in salt_world["salt"]
    )
    # A line of another child at the same school, replayed into the register, is not recorded.
    client.post(reverse("register-record"), {"line": salt_world["ta"][0].pk})
    assert not Session.objects.filter(line=salt_world["ta"][0]).exists()


def test_the_services_figures_are_the_authoritys_by_school_and_by_commissioner(salt_world):
    for line, days in zip(salt_world["salt"], ((10, 17), (10,)), strict=True):
        for day in days:
            make_session(line, salt_world["therapist"], date(2025, 9, day))
    make_session(salt_world["ta"][0], salt_world["senco_Oakfield"], date(2025, 9, 10))
    window = queries.authority_window(date(2026, 9, 15), 2025)
    delivery = figures.delivery_of(Commission.objects.filter(service=salt_world["service"]), window)
    by_school = {p.label: (p.figures.lines, p.figures.delivered) for p in delivery.by_school}
    # The not-on-caseload line is commissioned too: the service's figures are the service's, not one practitioner's.
    assert by_school == {"Oakfield": (2, 60), "Brookside": (1, 30)}
    assert {p.label: p.figures.delivered for p in delivery.by_commissioner} == {
        "Pays for Oakfield (NHS (integrated care board))": 60,
        "Pays for Brookside (Local authority)": 30,
    }
    # Each line's figures are the authority dashboard's for that line.
    for row in delivery.lines:
        school = row.commission.school
        sums = queries.line_figures([school.local_authority_id], window)[row.line_id]
        assert row.figures == queries.assess_line(sums, school.make_up_policy, school.thresholds)


def test_the_service_manager_sees_the_figures_and_no_child(client, salt_world):
    client.force_login(salt_world["manager"])
    response = client.get(reverse("service-delivery", kwargs={"service_id": salt_world["service"].pk}))
    assert response.status_code == 200
    assert [p.label for p in response.context["delivery"].by_school] == ["Brookside", "Oakfield"]
    assert list(access.children_for(salt_world["manager"])) == []
    assert list(access.lines_for(salt_world["manager"])) == []


def test_a_school_sees_which_lines_a_service_delivers_and_how(client, salt_world):
    school = salt_world["schools"][0]
    client.force_login(salt_world["senco_Oakfield"])
    response = client.get(reverse("school-services", kwargs={"urn": school.urn}), {"year": 2025})
    assert response.status_code == 200
    [(name, rows)] = response.context["services"]
    assert name == str(salt_world["service"])
    lines = {salt_world["salt"][0], salt_world["not_on_caseload"]}
    assert {(shown.url, shown.left_on) for shown in rows} == {
        (reverse("line-detail", kwargs={"line_id": line.pk}), None) for line in lines
    }
    assert {shown.service_line.line_id for shown in rows} == {line.pk for line in lines}


def test_the_read_log_names_the_practitioner_and_their_service(client, salt_world):
    line = salt_world["salt"][0]
    client.force_login(salt_world["therapist"])
    client.get(reverse("line-detail", kwargs={"line_id": line.pk}))
    client.force_login(salt_world["senco_Oakfield"])
    page = client.get(reverse("record-views", kwargs={"child_id": line.plan.child_id})).content.decode()
    assert "Practitioner, Children’s Speech and Language Therapy" in page


def _another_school_with_a_therapy_line(world):
    school = make_school(make_la("West"), name="Westfield")
    senco = make_senco(school)
    child = make_child(school, first_name="Zara")
    line = make_line(make_plan(child, senco), senco, **SALT)
    make_commission(world["service"], school, category="", delivered_by="salt")
    actions.add_to_caseload(
        service=world["service"], practitioner=world["therapist"], child=child, start_date=date(2025, 9, 1), by=senco
    )
    return line


@pytest.mark.parametrize("page", ["register", "service-delivery"])
def test_the_practitioners_register_and_the_service_page_take_the_same_queries_for_more_schools(
    client, salt_world, frozen_today, django_assert_max_num_queries, page
):
    user = salt_world["therapist"] if page == "register" else salt_world["manager"]
    url = reverse(page, **({} if page == "register" else {"kwargs": {"service_id": salt_world["service"].pk}}))
    client.force_login(user)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    _another_school_with_a_therapy_line(salt_world)
    user._ledger_scope = None
    with django_assert_max_num_queries(len(before)):
        response = client.get(url)
    if page == "register":
        assert len(response.context["due"]) == 3
    else:
        assert len(response.context["delivery"].by_school) == 3


def test_trust_and_service_people_must_use_two_step_sign_in_and_cannot_close_their_account_as_a_parent(salt_world):
    from provision_ledger.accounts.actions import close_parent_account
    from provision_ledger.accounts.twofactor import must_use_second_factor
    from tests.factories import make_trust, make_trust_lead

    lead = make_trust_lead(make_trust(salt_world["schools"][0]))
    for user in (salt_world["therapist"], salt_world["manager"], lead):
        assert must_use_second_factor(user)
        with pytest.raises(ValidationError, match="belongs to a member of staff"):
            close_parent_account(user=user, by=user, reason="Leaving")


def test_the_admin_pages_for_trusts_services_and_commissions_open(client, salt_world):
    from tests.factories import make_user

    admin = make_user()
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    for url in (
        "/admin/trusts/trust/add/",
        "/admin/services/service/add/",
        "/admin/services/commission/add/",
        "/admin/services/caseload/",
    ):
        assert client.get(url).status_code == 200, url


def test_a_child_joins_a_caseload_from_the_admin_through_its_action_and_a_refusal_names_its_field(client, salt_world):
    from tests.factories import make_user

    admin = make_user()
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    child = salt_world["not_on_caseload"].plan.child
    form = {
        "service": salt_world["service"].pk,
        "practitioner": salt_world["therapist"].pk,
        "child": child.pk,
        "start_date": "2999-01-01",
    }
    refused = client.post("/admin/services/caseload/add/", form)
    assert refused.status_code == 200
    assert "This date has not happened yet." in refused.content.decode()
    assert not child.caseloads.exists()
    added = client.post("/admin/services/caseload/add/", {**form, "start_date": "2025-09-01"})
    assert added.status_code == 302
    assert child.caseloads.get().practitioner == salt_world["therapist"]
    event = AuditEvent.objects.get(child=child, object_type="caseload")
    assert (event.actor, event.action) == (admin, "create")


def test_a_commission_from_the_admin_names_only_lines_of_its_school(client, salt_world):
    from tests.factories import make_user

    admin = make_user()
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    oakfield = salt_world["schools"][0]
    form = {
        "service": salt_world["service"].pk,
        "school": oakfield.pk,
        "commissioner": "school",
        "commissioner_name": "Oakfield",
        "start_date": "2025-09-01",
        "lines": [salt_world["salt"][1].pk],
    }
    before = Commission.objects.count()
    refused = client.post("/admin/services/commission/add/", form)
    assert refused.status_code == 200
    assert "is not a line of a child at Oakfield" in refused.content.decode()
    assert Commission.objects.count() == before
    assert (
        client.post("/admin/services/commission/add/", {**form, "lines": [salt_world["salt"][0].pk]}).status_code == 302
    )
    assert Commission.objects.count() == before + 1
    from provision_ledger.audit.models import AuditEvent

    made = Commission.objects.latest("pk")
    event = AuditEvent.objects.get(object_type="commission", object_id=made.pk)
    assert (event.actor, event.local_authority_id, event.after["lines"]) == (
        admin, oakfield.local_authority_id, [salt_world["salt"][0].pk]
    )  # fmt: skip
    assert list(made.lines.all()) == [salt_world["salt"][0]]


def test_a_service_role_given_and_ended_is_in_the_chain_of_each_authority_whose_schools_commission_the_service(
    salt_world,
):
    therapist = salt_world["therapist"]
    role = therapist.service_roles.get()
    events = AuditEvent.objects.filter(object_type="servicerole", object_id=role.pk).order_by("local_authority__name")
    who = f"{therapist.get_full_name()}: practitioner of {salt_world['service'].name}"
    assert [(e.local_authority.name, e.action, e.summary, e.child_id) for e in events] == [
        ("North", "create", f"{who}: role given", None),
        ("South", "create", f"{who}: role given", None),
    ]
    actions.end_role(role, by=administrator(), reason="Left the service")
    ended = events.filter(action=AuditEvent.Action.VOID)
    assert [(e.local_authority.name, e.reason) for e in ended] == [
        ("North", "Left the service"),
        ("South", "Left the service"),
    ]
    assert not therapist.service_roles.exists()
    assert access.lines_for(therapist).count() == 0
    assert verify() == []
