"""A service's figures for a child who moved school: each school that commissioned it counts the child's line over
the months the child was there while it commissioned it, by the authority's own rule; the school left keeps the
earlier delivery, the school joined claims nothing from before the child arrived. Each school's page says the same."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from provision_ledger.core import access
from provision_ledger.delivery.actions import SessionEntry, record_session
from provision_ledger.oversight.queries import Figures, assess_line, authority_window, line_figures
from provision_ledger.people.actions import move_child
from provision_ledger.rules.compliance import SessionStatus
from provision_ledger.services import figures
from provision_ledger.services.models import Commission
from tests.factories import (
    make_child,
    make_commission,
    make_la,
    make_la_officer,
    make_line,
    make_plan,
    make_practitioner,
    make_school,
    make_senco,
    make_service,
    make_session,
    make_trust,
    make_trust_lead,
)

pytestmark = pytest.mark.django_db

MOVED_ON = date(2026, 2, 2)  # a Monday: his first day at Elm; January is Oak's last month
TODAY = date(2026, 3, 2)
WINDOW = authority_window(TODAY, 2025)  # 1 September 2025 to 28 February 2026
# One 30-minute session a week: 6 minutes on each school day.
SALT = {"category": "communication", "delivered_by": "salt", "description": "Speech and language therapy",
        "sessions": 1, "minutes_per_session": 30}  # fmt: skip
# At Oak, September to January: 21 + 18 + 20 + 15 + 20 = 94 school days, 564 minutes; 90 delivered (3 sessions).
OAK = (1, 564, 90, 474)
# At Elm, February less its half-term week: 15 school days, 90 minutes; all 90 delivered (3 sessions).
ELM = (1, 90, 90, 0)


def _commission(world, school, **fields):
    values = {"commissioner": Commission.Commissioner.SCHOOL, "commissioner_name": school.name, "category": "",
              "delivered_by": "salt"}  # fmt: skip
    return make_commission(world["service"], school, **{**values, **fields})


@pytest.fixture
def world():
    """Oliver at Oak Primary with an EHC plan's speech and language therapy line, three sessions recorded there; Elm
    Primary is in the same authority. Nothing is commissioned yet."""
    north = make_la("North")
    oak, elm = make_school(north, "Oak Primary"), make_school(north, "Elm Primary")
    oak_senco, elm_senco = make_senco(oak), make_senco(elm)
    child = make_child(oak)
    line = make_line(make_plan(child, oak_senco, kind="ehc_plan"), oak_senco, **SALT)
    for day in (date(2025, 9, 9), date(2025, 9, 16), date(2026, 1, 13)):
        make_session(line, oak_senco, day)
    return {"north": north, "oak": oak, "elm": elm, "oak_senco": oak_senco, "elm_senco": elm_senco,
            "child": child, "line": line, "service": make_service()}  # fmt: skip


def _move(world, moved_on=MOVED_ON, to="elm", after=(date(2026, 2, 3), date(2026, 2, 10), date(2026, 2, 24))):
    """Oliver moves; the school he joins records the sessions after it."""
    move_child(world["child"], world[to], moved_on, world["oak_senco"], "The family moved house.", today=TODAY)
    senco = world["elm_senco"] if to == "elm" else world[f"{to}_senco"]
    for day in after:
        record_session(SessionEntry(world["line"], day, SessionStatus.DELIVERED), by=senco, today=TODAY)


def _figures(part: Figures) -> tuple[int, int, int, int]:
    return (part.lines, part.expected_minutes, part.delivered, part.owed)


def _by_school(delivery):
    return {p.label: _figures(p.figures) for p in delivery.by_school}


def _delivery():
    return figures.delivery_of(Commission.objects.all(), WINDOW)


def test_a_moved_childs_line_counts_at_the_school_left_before_the_move_and_at_the_school_joined_after_it(world):
    _commission(world, world["oak"])
    _commission(world, world["elm"], start_date=MOVED_ON)
    _move(world)
    delivery = _delivery()
    assert _by_school(delivery) == {"Oak Primary": OAK, "Elm Primary": ELM}
    assert {p.label: _figures(p.figures) for p in delivery.by_commissioner} == {
        "Oak Primary (School)": OAK,
        "Elm Primary (School)": ELM,
    }
    # The totals are the two schools' parts added up: his line once at each school.
    assert _figures(delivery.total) == (2, 654, 180, 474)
    # 90 of 564 minutes at Oak is a breach; all of Elm's 90 is on track.
    assert [(p.label, p.figures.breaches) for p in delivery.by_school] == [("Elm Primary", 0), ("Oak Primary", 1)]
    assert [(row.line_id, row.school_id) for row in delivery.lines] == [
        (world["line"].pk, world["oak"].pk),
        (world["line"].pk, world["elm"].pk),
    ]
    # Together they are the authority's own figures for the line over the window.
    whole = line_figures([world["north"].pk], WINDOW)[world["line"].pk]
    assert (whole.expected, whole.delivered) == (delivery.total.expected, delivery.total.delivered)


def test_a_service_commissioned_only_at_the_school_left_still_counts_the_childs_delivery_there_after_the_move(world):
    _commission(world, world["oak"])
    # Before he leaves, February is Oak's too: 654 minutes promised.
    assert _by_school(_delivery()) == {"Oak Primary": (1, 654, 90, 564)}
    _move(world)
    # After, Oak keeps September to January; February, and what Elm recorded in it, left with him.
    assert _by_school(_delivery()) == {"Oak Primary": OAK}


def test_the_school_joined_claims_nothing_from_before_the_child_arrived_even_under_a_commission_from_september(
    world,
):
    _commission(world, world["elm"])  # from 1 September 2025, months before he came
    _move(world)
    assert _by_school(_delivery()) == {"Elm Primary": ELM}


def test_a_commission_that_ended_before_the_move_counts_only_the_months_it_was_in_force(world):
    _commission(world, world["oak"], end_date=date(2025, 12, 31))
    _commission(world, world["elm"], start_date=MOVED_ON)
    _move(world)
    delivery = _delivery()
    # Oak, September to December: 74 school days, 444 minutes; the 13 January session was after the commission ended.
    assert _by_school(delivery) == {"Oak Primary": (1, 444, 60, 384), "Elm Primary": ELM}
    assert _figures(delivery.total) == (2, 534, 150, 384)


def test_a_line_two_commissions_of_one_school_cover_counts_each_day_once_under_the_one_begun_first(world):
    _commission(world, world["oak"], end_date=date(2025, 12, 31))
    _commission(world, world["oak"], commissioner=Commission.Commissioner.AUTHORITY, commissioner_name="North",
                start_date=date(2025, 11, 1))  # fmt: skip
    delivery = _delivery()
    # The school's to December (74 school days, the September sessions); the authority's from January (20 school
    # days in January and 15 in February, 210 minutes, the 13 January session).
    assert {p.label: _figures(p.figures) for p in delivery.by_commissioner} == {
        "Oak Primary (School)": (1, 444, 60, 384),
        "North (Local authority)": (1, 210, 30, 180),
    }
    whole = line_figures([world["north"].pk], WINDOW)[world["line"].pk]
    assert (delivery.total.expected, delivery.total.delivered) == (whole.expected, whole.delivered) == (654, 90)


def test_a_move_between_authorities_mid_month_splits_the_month_by_each_schools_days_as_each_dashboard_does(world):
    south = make_la("South")
    world["far"] = make_school(south, "Far Primary")
    world["far_senco"] = make_senco(world["far"])
    _commission(world, world["oak"])
    _commission(world, world["far"], commissioner=Commission.Commissioner.AUTHORITY, commissioner_name="South",
                start_date=date(2026, 1, 14))  # fmt: skip
    # His first day at Far is Wednesday 14 January; Far records the 20th.
    _move(world, date(2026, 1, 14), "far", after=(date(2026, 1, 20),))
    delivery = _delivery()
    # Oak: 74 school days to December and 7 in January (5 to 13), 486 minutes. Far: 13 days in January and 15 in
    # February, 168 minutes.
    assert _by_school(delivery) == {"Oak Primary": (1, 486, 90, 396), "Far Primary": (1, 168, 30, 138)}
    for row in delivery.lines:
        school = row.commission.school
        sums = line_figures([school.local_authority_id], WINDOW)[row.line_id]
        assert row.figures == assess_line(sums, school.make_up_policy, school.thresholds)


def test_a_move_within_one_authority_mid_month_splits_the_month_by_each_schools_days_too(world):
    _commission(world, world["oak"])
    _commission(world, world["elm"], start_date=date(2026, 1, 14))
    # January's stored sums hold both schools' days under the one authority: each school's are its sessions and the
    # rules' expected delivery for its own days, as between authorities.
    _move(world, date(2026, 1, 14), after=(date(2026, 1, 20), date(2026, 2, 3)))
    delivery = _delivery()
    assert _by_school(delivery) == {"Oak Primary": (1, 486, 90, 396), "Elm Primary": (1, 168, 60, 108)}
    whole = line_figures([world["north"].pk], WINDOW)[world["line"].pk]
    assert (whole.expected, whole.delivered) == (delivery.total.expected, delivery.total.delivered)


def test_the_school_lefts_own_make_up_policy_applies_to_its_part_of_a_month_the_move_splits(world):
    # Oak owes only the time recorded as missed for a reason it owes: staff absence on 30 September and 12 January.
    world["oak"].unrecorded_owed = False
    world["oak"].save()
    for day in (date(2025, 9, 30), date(2026, 1, 12)):
        make_session(world["line"], world["oak_senco"], day, "not_delivered", reason="staff_absent")
    _commission(world, world["oak"])
    _commission(world, world["elm"], start_date=date(2026, 1, 14))
    _move(world, date(2026, 1, 14), after=(date(2026, 1, 20),))
    # Elm owes every gap, as by default: 168 promised less 30 delivered.
    assert _by_school(_delivery()) == {"Oak Primary": (1, 486, 90, 60), "Elm Primary": (1, 168, 30, 138)}


def test_the_services_figures_take_the_same_queries_however_many_children_moved(world, django_assert_max_num_queries):
    _commission(world, world["oak"])
    _commission(world, world["elm"], start_date=MOVED_ON)
    _move(world)
    with CaptureQueriesContext(connection) as one:
        _delivery()
    for name in ("Ava", "Noah"):
        child = make_child(world["oak"], first_name=name)
        line = make_line(make_plan(child, world["oak_senco"], kind="ehc_plan"), world["oak_senco"], **SALT)
        make_session(line, world["oak_senco"], date(2025, 9, 9))
        move_child(child, world["elm"], MOVED_ON, world["oak_senco"], "Moved house", today=TODAY)
        record_session(SessionEntry(line, date(2026, 2, 3), SessionStatus.DELIVERED), by=world["elm_senco"],
                       today=TODAY)  # fmt: skip
    with django_assert_max_num_queries(len(one)):
        delivery = _delivery()
    assert [(p.label, p.figures.lines, p.figures.delivered) for p in delivery.by_school] == [
        ("Elm Primary", 3, 150),
        ("Oak Primary", 3, 150),
    ]


def test_a_practitioner_reaches_a_moved_childs_line_only_through_a_commission_at_the_school_the_child_is_at_now(
    world,
):
    _commission(world, world["oak"])
    therapist = make_practitioner(world["service"], world["child"], by=world["oak_senco"])
    assert set(access.lines_for(therapist)) == {world["line"]}
    _move(world)
    therapist._ledger_scope = None
    # Oak's commission counts his months there in the figures, but opens nothing of him now he has left.
    assert list(access.lines_for(therapist)) == []
    _commission(world, world["elm"], start_date=MOVED_ON)
    therapist._ledger_scope = None
    assert set(access.lines_for(therapist)) == {world["line"]}


@pytest.fixture
def on_the_second_of_march(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


def _rows(client, user, school):
    client.force_login(user)
    response = client.get(reverse("school-services", kwargs={"urn": school.urn}), {"year": 2025})
    assert response.status_code == 200
    return [
        (shown.child_name, shown.description, shown.url, shown.left_on, _figures(shown.service_line.figures))
        for _, rows in response.context["services"]
        for shown in rows
    ]


def test_each_schools_page_shows_a_moved_childs_line_over_its_own_time_with_him_only(
    client, world, on_the_second_of_march
):
    _commission(world, world["oak"])
    _commission(world, world["elm"], start_date=MOVED_ON)
    _move(world)
    earlier = reverse("child-earlier", args=[world["child"].pk])
    # The school he left reads its own months, linked to its page of his time there (his record is Elm's now).
    assert _rows(client, world["oak_senco"], world["oak"]) == [
        ("Oliver Bennett", "Speech and language therapy", earlier, date(2026, 2, 1), OAK)
    ]
    page = client.get(reverse("school-services", kwargs={"urn": world["oak"].urn}), {"year": 2025}).content.decode()
    assert "Oliver Bennett (left: last day here 1 February 2026)" in page
    line_page = reverse("line-detail", args=[world["line"].pk])
    assert _rows(client, world["elm_senco"], world["elm"]) == [
        ("Oliver Bennett", "Speech and language therapy", line_page, None, ELM)
    ]
    # The authority's officer reads each school's page the same way.
    officer = make_la_officer(world["north"])
    assert [row[4] for row in _rows(client, officer, world["oak"])] == [OAK]
    assert [row[4] for row in _rows(client, officer, world["elm"])] == [ELM]


def test_a_school_page_names_a_child_who_left_only_to_those_who_reach_their_time_there(
    client, world, on_the_second_of_march
):
    _commission(world, world["oak"])
    _move(world)
    # The trust running Oak reads its present pupils only: Oliver is no longer one.
    lead = make_trust_lead(make_trust(world["oak"]))
    assert _rows(client, lead, world["oak"]) == []
    # Elm's SENCO cannot open Oak's page at all.
    client.force_login(world["elm_senco"])
    assert client.get(reverse("school-services", kwargs={"urn": world["oak"].urn})).status_code == 404
