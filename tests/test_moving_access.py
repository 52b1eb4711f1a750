"""Who sees what of a child who moved school, through access only: before the move and after, for every role."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from provision_ledger.core import access
from provision_ledger.core.access import Permission
from provision_ledger.parents.actions import raise_concern
from provision_ledger.parents.models import Concern
from provision_ledger.people.actions import move_child
from provision_ledger.people.models import StaffAssignment
from tests.factories import (
    make_child,
    make_la,
    make_la_officer,
    make_line,
    make_parent,
    make_plan,
    make_school,
    make_senco,
    make_session,
    make_staff,
    make_trust,
    make_trust_lead,
)

pytestmark = pytest.mark.django_db

MOVED_ON = date(2026, 1, 14)


@pytest.fixture
def world():
    """Oliver, with an EHC plan at Oak (North), moving to Elm (South); a trust runs Oak alone, another runs Elm."""
    north, south = make_la("North"), make_la("South")
    oak, elm = make_school(north, "Oak Primary"), make_school(south, "Elm Primary")
    oak_senco, elm_senco = make_senco(oak), make_senco(elm)
    child = make_child(oak)
    plan = make_plan(child, oak_senco, kind="ehc_plan")
    line = make_line(plan, oak_senco)
    old_ta = make_staff(oak, child)
    before = make_session(line, old_ta, date(2026, 1, 12))
    concern_before = raise_concern(child=child, by=oak_senco, subject="Group at Oak", body="Did he go?")
    # Raised on 5 January, before the move: an action dates a concern by the clock, so the test sets the day.
    Concern.objects.filter(pk=concern_before.pk).update(raised_at=datetime(2026, 1, 5, 10, tzinfo=UTC))
    users = {
        "old_senco": oak_senco,
        "old_ta": old_ta,
        "new_senco": elm_senco,
        "new_ta": make_staff(elm),
        "old_la_officer": make_la_officer(north),
        "new_la_officer": make_la_officer(south),
        "parent": make_parent(child),
        "old_trust_lead": make_trust_lead(make_trust(oak, name="Oak Trust")),
        "new_trust_lead": make_trust_lead(make_trust(elm, name="Elm Trust")),
    }
    return {"child": child, "plan": plan, "line": line, "before": before, "concern": concern_before,
            "oak": oak, "elm": elm, "users": users}  # fmt: skip


def _moved(world):
    move_child(world["child"], world["elm"], MOVED_ON, world["users"]["old_senco"], "Moved house")
    StaffAssignment.objects.create(user=world["users"]["new_ta"], child=world["child"])
    world["after"] = make_session(world["line"], world["users"]["new_senco"], date(2026, 1, 20))
    world["concern_after"] = raise_concern(child=world["child"], by=world["users"]["new_senco"], subject="Group at Elm",
                                           body="And here?")  # fmt: skip


ROUTES = {
    "child-detail": lambda w: {"child_id": w["child"].pk},
    "child-history": lambda w: {"child_id": w["child"].pk},
    "line-detail": lambda w: {"line_id": w["line"].pk},
    "session-create": lambda w: {"line_id": w["line"].pk},
    "session-void": lambda w: {"session_id": w["before"].pk},
    "plan-create": lambda w: {"child_id": w["child"].pk},
    "concern-detail": lambda w: {"concern_id": w["concern"].pk},
    "record-pdf": lambda w: {"child_id": w["child"].pk},
    "child-move": lambda w: {"child_id": w["child"].pk},
    "child-earlier": lambda w: {"child_id": w["child"].pk},
    "move-void": lambda w: {"child_id": w["child"].pk},
}
ROLES = list(ROUTES)

# The status each role gets on each route, before the move and after it.
# Nobody undoes a move before there is one.
BEFORE = {
    "old_senco": {**dict.fromkeys(ROUTES, 200), "child-earlier": 404, "move-void": 404},
    "old_ta": {**dict.fromkeys(ROUTES, 200), "session-void": 403, "plan-create": 403, "record-pdf": 403,
               "child-move": 403, "child-earlier": 404, "move-void": 404},
    "new_senco": dict.fromkeys(ROUTES, 404),
    "new_ta": dict.fromkeys(ROUTES, 404),
    "old_la_officer": {**dict.fromkeys(ROUTES, 403), "child-detail": 200, "child-history": 200, "line-detail": 200,
                       "concern-detail": 200, "child-earlier": 404, "move-void": 404},
    "new_la_officer": dict.fromkeys(ROUTES, 404),
    "parent": {**dict.fromkeys(ROUTES, 403), "child-detail": 200, "child-history": 200, "line-detail": 200,
               "concern-detail": 200, "record-pdf": 200, "child-earlier": 404, "move-void": 404},
    "old_trust_lead": {**dict.fromkeys(ROUTES, 403), "child-detail": 200, "child-history": 200, "line-detail": 200,
                       "concern-detail": 200, "child-earlier": 404, "move-void": 404},
    "new_trust_lead": dict.fromkeys(ROUTES, 404),
}  # fmt: skip
EARLIER_ONLY = {**dict.fromkeys(ROUTES, 404), "child-earlier": 200}
AFTER = {
    # The school he left, and its authority, read his time there on one page; nothing else of him is in reach.
    # Either school's SENCO may find the move was recorded in error.
    "old_senco": {**EARLIER_ONLY, "move-void": 200},
    "old_ta": EARLIER_ONLY,
    "old_la_officer": EARLIER_ONLY,
    # The school he joined manages the whole record, except the earlier school's sessions, which stay as it left them.
    "new_senco": {**dict.fromkeys(ROUTES, 200), "child-earlier": 404, "session-void": 200},
    "new_ta": BEFORE["old_ta"],
    "new_la_officer": BEFORE["old_la_officer"],
    "parent": BEFORE["parent"],
    "old_trust_lead": dict.fromkeys(ROUTES, 404),
    "new_trust_lead": BEFORE["old_trust_lead"],
}


def _statuses(client, world, role):
    client.force_login(world["users"][role])
    return {route: client.get(reverse(route, kwargs=kw(world))).status_code for route, kw in ROUTES.items()}


@pytest.mark.parametrize("role", list(BEFORE))
def test_each_role_reaches_the_child_as_before_until_the_move(client, world, role):
    assert _statuses(client, world, role) == BEFORE[role]


@pytest.mark.parametrize("role", list(AFTER))
def test_after_the_move_each_role_reaches_what_the_new_arrangement_gives_it(client, world, role):
    _moved(world)
    assert _statuses(client, world, role) == AFTER[role]


def test_the_new_school_cannot_void_a_session_the_earlier_school_recorded(client, world):
    _moved(world)
    client.force_login(world["users"]["new_senco"])
    response = client.post(reverse("session-void", args=[world["before"].pk]), {"reason": "Not ours"})
    assert response.status_code == 200
    assert "recorded by the school the child was at before they moved" in response.content.decode()
    world["before"].refresh_from_db()
    assert world["before"].voided_at is None


@pytest.mark.parametrize("role", ["old_senco", "old_ta"])
def test_the_school_he_left_reads_up_to_his_last_day_and_nothing_after(client, world, role):
    _moved(world)
    client.force_login(world["users"][role])
    page = client.get(reverse("child-earlier", args=[world["child"].pk])).content.decode()
    assert "12 Jan 2026" in page
    assert "Group at Oak" in page
    assert "20 Jan 2026" not in page
    assert "Group at Elm" not in page
    assert "At Oak Primary to 13 January 2026, their last day there." in page


def test_the_old_senco_cannot_log_or_manage_and_the_child_is_off_their_register_and_overview(client, world):
    _moved(world)
    senco = world["users"]["old_senco"]
    assert not access.children_for(senco).exists()
    assert not access.lines_for(senco, Permission.LOG).exists()
    assert not access.sessions_for(senco).exists()
    assert not access.concerns_for(senco).exists()
    assert not access.plans_for(senco).exists()
    client.force_login(senco)
    overview = client.get(reverse("school-overview", args=[world["oak"].urn])).content.decode()
    assert "No children on the register yet." in overview
    assert 'data-testid="moved-away"' in overview
    assert "Oliver Bennett</a>: last day 13 January 2026" in overview
    assert client.post(reverse("register-record"), {"line": world["line"].pk}).status_code == 404


def test_the_old_ta_no_longer_has_the_child_on_their_register(client, world):
    _moved(world)
    ta = world["users"]["old_ta"]
    assert not access.lines_for(ta, Permission.LOG).exists()
    client.force_login(ta)
    assert "Motor Skills programme" not in client.get(reverse("register")).content.decode()


def test_the_new_school_sees_the_whole_history_each_session_with_the_school_it_was_delivered_at(client, world):
    _moved(world)
    client.force_login(world["users"]["new_senco"])
    page = client.get(reverse("line-detail", args=[world["line"].pk])).content.decode()
    rows = [chunk.split("</td>")[0] for chunk in page.split('data-testid="delivered-at">')[1:]]
    assert rows == ["Elm Primary", "Oak Primary"]  # newest first: 20 January at Elm, 12 January at Oak
    child_page = client.get(reverse("child-detail", args=[world["child"].pk])).content.decode()
    assert "Oak Primary from 1 September 2025 to 13 January 2026; Elm Primary from 14 January 2026" in child_page


def test_the_parent_sees_one_record_with_both_schools_sessions(client, world):
    client.force_login(world["users"]["parent"])
    before = client.get(reverse("child-detail", args=[world["child"].pk]))
    _moved(world)
    after = client.get(reverse("child-detail", args=[world["child"].pk]))
    assert (before.status_code, after.status_code) == (200, 200)
    assert 'data-testid="schools"' not in after.content.decode()
    line_page = client.get(reverse("line-detail", args=[world["line"].pk])).content.decode()
    assert "Mon 12 Jan 2026" in line_page
    assert "Tue 20 Jan 2026" in line_page
