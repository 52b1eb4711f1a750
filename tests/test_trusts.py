"""Academy trusts: created and linked from GIAS or by hand; a trust's SEND lead reads its schools across authorities
with the authority's own figures; an authority still sees only its own schools."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from provision_ledger.core import access
from provision_ledger.money import queries as money_queries
from provision_ledger.oversight import queries
from provision_ledger.oversight.gias import GiasRefused, import_gias
from provision_ledger.people.models import School
from provision_ledger.trusts import actions
from provision_ledger.trusts.models import Trust, TrustRole, TrustSchool
from tests.factories import (
    administrator,
    make_child,
    make_la,
    make_la_officer,
    make_line,
    make_plan,
    make_school,
    make_senco,
    make_session,
    make_trust,
    make_trust_lead,
    make_user,
)
from tests.gias_files import establishment, gias_file

pytestmark = pytest.mark.django_db

AFTER_THE_YEAR = date(2026, 9, 15)


def _gias(rows):
    return import_gias(io.BytesIO(gias_file(rows)), by=make_user())


def _academy(urn: str, uid: str, trust: str, la: str = "889", la_name: str = "Northshire"):
    return establishment(
        urn, f"Academy {urn}", la=la, la_name=la_name, **{"Trusts (code)": uid, "Trusts (name)": trust}
    )


def test_gias_creates_a_trust_by_its_group_uid_and_links_its_schools_across_authorities():
    report = _gias(
        [
            _academy("140001", "16001", "Riverside Learning Trust"),
            _academy("140002", "16001", "Riverside Learning Trust", la="890", la_name="Eastborough"),
            establishment("140003", "Maintained School", **{"Trusts (code)": "", "Trusts (name)": ""}),
        ]
    )
    trust = Trust.objects.get()
    assert (trust.name, trust.group_uid) == ("Riverside Learning Trust", "16001")
    linked = TrustSchool.objects.filter(trust=trust, left_on__isnull=True).order_by("school__urn")
    assert [(link.school.urn, link.school.local_authority.code) for link in linked] == [
        ("140001", "889"),
        ("140002", "890"),
    ]
    assert "Did create 1 trusts: 16001 Riverside Learning Trust." in report.lines()


def test_gias_import_of_trusts_is_idempotent_and_follows_a_school_to_its_new_trust():
    _gias([_academy("140001", "16001", "Riverside Learning Trust")])
    again = _gias([_academy("140001", "16001", "Riverside Learning Trust")])
    assert (again.trusts.joined, again.trusts.left, again.trusts.created) == (0, 0, [])
    moved = _gias([_academy("140001", "17002", "Hill Academies")])
    assert (moved.trusts.joined, moved.trusts.left) == (1, 1)
    links = TrustSchool.objects.filter(school__urn="140001").order_by("pk")
    assert [(link.trust.group_uid, link.left_on is None) for link in links] == [("16001", False), ("17002", True)]
    assert Trust.objects.count() == 2  # the old trust stays, with its history


def test_gias_trust_code_that_is_not_a_group_uid_is_refused_with_row_and_column():
    with pytest.raises(GiasRefused) as refused:
        _gias([_academy("140001", "TR0001", "Riverside Learning Trust")])
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "Trusts (code)")]
    assert not Trust.objects.exists()
    assert not School.objects.exists()


def test_a_trust_made_by_hand_checks_its_numbers_and_a_school_is_in_one_trust_at_a_time():
    with pytest.raises(ValidationError) as bad:
        actions.create_trust(name="Riverside", companies_house_number="123")
    assert "companies_house_number" in bad.value.message_dict
    school = make_school()
    first = actions.create_trust(name="Riverside", companies_house_number="08123456")
    second = actions.create_trust(name="Hill")
    actions.add_school(trust=first, school=school, joined_on=date(2021, 9, 1), by=administrator())
    actions.add_school(trust=second, school=school, joined_on=date(2024, 9, 1), by=administrator())
    assert list(TrustSchool.objects.filter(school=school).order_by("pk").values_list("trust__name", "left_on")) == [
        ("Riverside", date(2024, 9, 1)),
        ("Hill", None),
    ]


@pytest.fixture
def trust_world():
    """A trust with a school in each of two authorities; a third school in the first authority outside the trust."""
    north, south = make_la("North"), make_la("South")
    north_academy = make_school(north, name="North Academy")
    south_academy = make_school(south, name="South Academy")
    north_maintained = make_school(north, name="North Maintained")
    for school, delivered in ((north_academy, 3), (south_academy, 1), (north_maintained, 2)):
        senco = make_senco(school)
        for n in range(2):
            plan = make_plan(make_child(school, first_name=f"Child{n}"), senco, kind="ehc_plan" if n else "sen_support")
            line = make_line(plan, senco)
            for day in (10, 11, 17, 18, 24, 25)[: delivered + n]:
                make_session(line, senco, date(2025, 9, day))
            make_session(line, senco, date(2025, 10, 1), status="not_delivered", reason="staff_absent")
    trust = make_trust(north_academy, south_academy)
    return {
        "north": north,
        "south": south,
        "trust": trust,
        "schools": [north_academy, south_academy, north_maintained],
        "lead": make_trust_lead(trust),
        "rates": make_trust_lead(trust, TrustRole.Role.RATES),
        "north_officer": make_la_officer(north),
    }


def _as_row(figures: queries.Figures) -> tuple:
    return (figures.lines, figures.expected, figures.delivered, figures.owed, figures.breaches)


def test_the_trusts_figures_are_its_schools_figures_under_the_authoritys_rule(trust_world):
    north_academy, south_academy, _ = trust_world["schools"]
    schools = list(access.trust_schools(trust_world["lead"], trust_world["trust"]))
    assert schools == [north_academy, south_academy]
    board = queries.dashboard(schools, {s.local_authority_id for s in schools}, AFTER_THE_YEAR, 2025)
    # Each school's row is the one its own authority's dashboard gives it.
    for la, school in ((trust_world["north"], north_academy), (trust_world["south"], south_academy)):
        authority_board = queries.dashboard(
            list(School.objects.filter(local_authority=la)), [la.pk], AFTER_THE_YEAR, 2025
        )
        [theirs] = [s for s in authority_board.schools if s.school == school]
        [ours] = [s for s in board.schools if s.school == school]
        assert _as_row(ours.overall) == _as_row(theirs.overall)
        assert (ours.ehc_children, ours.support_children) == (theirs.ehc_children, theirs.support_children)
    # And the trust's total is its schools' children's figures from the drill-down rule, summed.
    summed = queries.Figures()
    for school in schools:
        for _, figures in queries.children_of_school(school, board.window):
            summed.add(figures)
    assert _as_row(board.total) == _as_row(summed)
    assert board.total.delivered == 30 * (3 + 4 + 1 + 2)
    assert board.total.lines == 4


def test_the_trust_send_lead_sees_both_schools_across_authorities_and_nothing_else(client, trust_world):
    north_academy, south_academy, north_maintained = trust_world["schools"]
    lead = trust_world["lead"]
    assert {c.school for c in access.children_for(lead)} == {north_academy, south_academy}
    client.force_login(lead)
    response = client.get(reverse("trust-delivery", kwargs={"trust_id": trust_world["trust"].pk}), {"year": 2025})
    assert response.status_code == 200
    assert [s.school.name for s in response.context["board"].schools] == ["North Academy", "South Academy"]
    assert "North Maintained" not in response.content.decode()
    child = north_maintained.children.first()
    assert client.get(reverse("child-detail", kwargs={"child_id": child.pk})).status_code == 404
    assert client.get(reverse("school-overview", kwargs={"urn": north_maintained.urn})).status_code == 404


def test_the_trust_dashboard_csv_has_a_row_per_trust_school(client, trust_world):
    client.force_login(trust_world["lead"])
    response = client.get(reverse("trust-delivery-csv", kwargs={"trust_id": trust_world["trust"].pk}), {"year": 2025})
    rows = response.content.decode("utf-8-sig").splitlines()
    assert [row.split(",")[4] for row in rows[1:]] == ["North Academy", "South Academy"]


def test_an_authority_sees_only_its_own_schools_whichever_trust_runs_them(client, trust_world):
    officer = trust_world["north_officer"]
    north_academy, south_academy, north_maintained = trust_world["schools"]
    assert {c.school for c in access.children_for(officer)} == {north_academy, north_maintained}
    client.force_login(officer)
    board = client.get(reverse("la-delivery"), {"year": 2025}).context["board"]
    assert [s.school.name for s in board.schools] == ["North Academy", "North Maintained"]
    assert client.get(reverse("trust-delivery", kwargs={"trust_id": trust_world["trust"].pk})).status_code == 404
    child = south_academy.children.first()
    assert client.get(reverse("child-detail", kwargs={"child_id": child.pk})).status_code == 404


def test_the_trust_spend_page_sums_the_trusts_schools_as_the_authoritys_does(client, trust_world):
    north_academy, south_academy, _ = trust_world["schools"]
    client.force_login(trust_world["rates"])
    response = client.get(reverse("trust-spend", kwargs={"trust_id": trust_world["trust"].pk}), {"year": 2025})
    assert response.status_code == 200
    spend = response.context["spend"]
    assert [s.school for s in spend] == [north_academy, south_academy]
    same = money_queries.authority_spend([north_academy, south_academy], 2025, date.today())
    assert [(s.delivered_hours, s.delivered_cost) for s in spend] == [
        (s.delivered_hours, s.delivered_cost) for s in same
    ]
    assert response.context["totals"]["delivered_hours"] == sum((s.delivered_hours for s in same), Decimal(0))


def test_the_trust_rates_manager_sets_a_trust_schools_rates_but_reads_no_child(client, trust_world):
    north_academy, _, north_maintained = trust_world["schools"]
    client.force_login(trust_world["rates"])
    url = reverse("school-rates", kwargs={"urn": north_academy.urn})
    response = client.post(
        f"{url}?year=2025", {"rate_ta": "1300", "source_ta": "Trust pay scale", "contact_weeks": "39"}
    )
    assert response.status_code == 302
    assert north_academy.rate_cards.get(financial_year=2025).staff_rates.get(role="ta").annual_cost == Decimal(1300)
    assert client.get(reverse("school-rates", kwargs={"urn": north_maintained.urn})).status_code == 404
    child = north_academy.children.first()
    assert client.get(reverse("child-detail", kwargs={"child_id": child.pk})).status_code == 404
    assert client.get(reverse("trust-delivery", kwargs={"trust_id": trust_world["trust"].pk})).status_code == 403


def test_the_trust_send_lead_reads_rates_but_may_not_change_them(client, trust_world):
    north_academy = trust_world["schools"][0]
    client.force_login(trust_world["lead"])
    url = reverse("school-rates", kwargs={"urn": north_academy.urn})
    assert client.get(url).status_code == 200
    assert client.post(url, {"rate_ta": "1300", "contact_weeks": "39"}).status_code == 403


def test_the_read_log_names_the_trust_send_lead_as_a_reader(client, trust_world):
    lead = trust_world["lead"]
    child = trust_world["schools"][1].children.first()
    client.force_login(lead)
    client.get(reverse("child-detail", kwargs={"child_id": child.pk}))
    senco = make_senco(child.school)
    client.force_login(senco)
    page = client.get(reverse("record-views", kwargs={"child_id": child.pk})).content.decode()
    assert "Trust SEND lead, Riverside Learning Trust" in page
    assert child.record_views.filter(viewer=lead, what="the record page").count() == 1


def test_the_trust_rates_manager_sets_a_schools_thresholds_and_a_wrong_pair_is_refused_by_name(client, trust_world):
    north_academy = trust_world["schools"][0]
    url = reverse("school-rates", kwargs={"urn": north_academy.urn})
    client.force_login(trust_world["rates"])
    refused = client.post(url, {"form": "thresholds", "on_track_percent": "70", "at_risk_percent": "80"})
    assert refused.status_code == 200
    assert refused.context["thresholds_form"].errors == {
        "at_risk_percent": ["The at-risk threshold cannot be above the on-track threshold."]
    }
    north_academy.refresh_from_db()
    assert (north_academy.on_track_percent, north_academy.at_risk_percent) == (90, 75)
    saved = client.post(url, {"form": "thresholds", "on_track_percent": "95", "at_risk_percent": "85"})
    assert saved.status_code == 302
    north_academy.refresh_from_db()
    assert (north_academy.on_track_percent, north_academy.at_risk_percent) == (95, 85)
    client.force_login(trust_world["lead"])
    assert (
        client.post(url, {"form": "thresholds", "on_track_percent": "50", "at_risk_percent": "40"}).status_code == 403
    )
    assert "On track from 95 %" in client.get(url).content.decode()


@pytest.mark.parametrize("route", ["trust-delivery", "trust-spend"])
def test_the_trust_pages_take_the_same_queries_for_another_school_in_another_authority(
    client, trust_world, django_assert_max_num_queries, route
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lead, trust = trust_world["lead"], trust_world["trust"]
    url = reverse(route, kwargs={"trust_id": trust.pk})
    client.force_login(lead)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url, {"year": 2025}).status_code == 200
    west = make_school(make_la("West"), name="West Academy")
    senco = make_senco(west)
    make_session(make_line(make_plan(make_child(west), senco), senco), senco, date(2025, 9, 10))
    actions.add_school(trust=trust, school=west, by=administrator())
    with django_assert_max_num_queries(len(before)):
        response = client.get(url, {"year": 2025})
    shown = response.context["board"].schools if route == "trust-delivery" else response.context["spend"]
    assert [s.school.name for s in shown] == ["North Academy", "South Academy", "West Academy"]
