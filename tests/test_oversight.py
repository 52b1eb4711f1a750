"""The authority's view at scale: synthetic authorities, the dashboard's sums, open statistics."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from provision_ledger.delivery.actions import void_session
from provision_ledger.delivery.models import Session
from provision_ledger.delivery.queries import line_reports
from provision_ledger.oversight import opendata, queries
from provision_ledger.oversight.synth import EHC_SHARE, synthesise
from provision_ledger.people.models import Child, LocalAuthority, School, User
from provision_ledger.plans.actions import void_line
from provision_ledger.plans.models import Plan, ProvisionLine
from provision_ledger.plans.queries import live_lines, with_delivery
from provision_ledger.rules.compliance import Status
from provision_ledger.rules.disclosure import SUPPRESSED, suppressed_keys
from provision_ledger.rules.reporting import Window
from tests.factories import make_child, make_la, make_la_officer, make_line, make_plan, make_school, make_senco

pytestmark = pytest.mark.django_db

# The synthetic year is 2025/26; a day in September 2026 puts the whole of it in the dashboard's window.
AFTER_THE_YEAR = date(2026, 9, 15)


@pytest.fixture
def synthetic():
    synthesise(children=40, seed=7, year=2025, la_code="990", children_per_school=13)
    return LocalAuthority.objects.get(code="990")


def _fingerprint(la: LocalAuthority) -> list[tuple]:
    children = list(
        Child.objects.filter(local_authority=la)
        .order_by("upn")
        .values_list("first_name", "last_name", "year_group", "primary_need", "sen_status")
    )
    sessions = list(
        Session.objects.filter(local_authority=la)
        .order_by("id")
        .values_list("date", "status", "planned_minutes", "delivered_minutes", "reason")
    )
    return children + sessions


def test_synth_gives_the_same_authority_for_the_same_seed():
    synthesise(children=12, seed=3, year=2025, la_code="991")
    synthesise(children=12, seed=3, year=2025, la_code="992")
    synthesise(children=12, seed=4, year=2025, la_code="993")
    first, second, third = (_fingerprint(LocalAuthority.objects.get(code=c)) for c in ("991", "992", "993"))
    assert first == second
    assert first != third


def test_synth_writes_plans_lines_and_a_year_of_sessions_with_misses(synthetic):
    children = Child.objects.filter(local_authority=synthetic)
    assert children.count() == 40
    ehc = children.filter(sen_status="E")
    assert set(Plan.objects.filter(child__in=ehc).values_list("kind", flat=True)) == {"ehc_plan"}
    assert set(Plan.objects.filter(child__in=children.filter(sen_status="K")).values_list("kind", flat=True)) == {
        "sen_support"
    }
    # Deterministic by seed, and close to the national mix of EHC plans to SEN Support (§6).
    assert abs(ehc.count() / 40 - EHC_SHARE) < 0.15
    sessions = Session.objects.filter(local_authority=synthetic)
    assert sessions.filter(date__lt=date(2025, 9, 1)).count() == 0
    assert sessions.filter(date__gt=date(2026, 8, 31)).count() == 0
    statuses = set(sessions.values_list("status", flat=True))
    assert statuses == {"delivered", "part_delivered", "not_delivered"}
    per_child = sessions.count() / 40
    assert 300 < per_child < 700  # about five million sessions for 10,000 children


def _rules_figures(school: School, window: Window) -> dict[str, object]:
    """What the per-child rules say about a school: the same sums, line by line, through line_reports."""
    plans = Plan.objects.filter(with_delivery(), child__school=school)
    reports = line_reports(list(live_lines(plans)), school, school.calendar(), [window])
    assessments = [r.assessments[window.key] for r in reports]
    return {
        "lines": len(assessments),
        "expected": sum(a.expected.minutes for a in assessments),
        "delivered": sum(a.delivered_minutes for a in assessments),
        "owed": sum(a.owed_minutes for a in assessments),
        "breaches": sum(1 for a in assessments if a.status is Status.BREACH),
    }


def _with_default_policy(school: School) -> School:
    school.unrecorded_owed = True
    return school


def test_dashboard_figures_equal_the_per_child_rules_summed(synthetic):
    schools = list(School.objects.filter(local_authority=synthetic).order_by("name"))
    # One school owes only what staff absence lost, with stricter thresholds: the sums must follow its policy.
    schools[0].owed_reasons, schools[0].at_risk_percent, schools[0].on_track_percent = ["staff_absent"], 85, 95
    schools[0].save()
    any_session = Session.objects.filter(child__school=schools[1]).order_by("id").first()
    senco = User.objects.get(email=f"senco{schools[1].urn}@synth.test")
    void_session(any_session, by=senco, reason="Entered twice")
    void_line(line=ProvisionLine.objects.filter(plan__child__school=schools[1]).first(), by=senco, reason="Error")
    # A line promised from the spring with nothing ever recorded, at a school that owes only the time recorded as
    # missed: all of it expected, none delivered, and none of it owed there.
    schools[2].unrecorded_owed = False
    schools[2].save()
    their_senco = User.objects.get(email=f"senco{schools[2].urn}@synth.test")
    plan = Plan.objects.filter(child__school=schools[2]).first()
    unrecorded = make_line(plan, their_senco, start_date=date(2026, 1, 5))
    assert not unrecorded.sessions.exists()
    # A child whose plan was replaced after February half-term: the old plan's lines count up to the day before.
    replaced = Plan.objects.filter(child__school=schools[-1], status=Plan.Status.ACTIVE).first()
    make_plan(replaced.child, User.objects.get(email=f"senco{schools[-1].urn}@synth.test"), start=date(2026, 2, 23))
    replaced.refresh_from_db()
    assert replaced.end_date == date(2026, 2, 22)

    board = queries.dashboard(schools, [synthetic.pk], AFTER_THE_YEAR)
    window = Window("year", "2025/26", board.window.start, board.window.end)
    assert (window.start, window.end) == (date(2025, 9, 1), date(2026, 8, 31))
    sql = {
        s.school.pk: {
            "lines": s.overall.lines,
            "expected": s.overall.expected,
            "delivered": s.overall.delivered,
            "owed": s.overall.owed,
            "breaches": s.overall.breaches,
        }
        for s in board.schools
    }
    rules = {school.pk: _rules_figures(school, window) for school in schools}
    assert sql == rules
    never_recorded = queries.line_figures([synthetic.pk], board.window, own_policy_school_ids=[schools[2].pk])
    never_recorded = never_recorded[unrecorded.pk]
    assert never_recorded.delivered == 0
    assert never_recorded.expected > 0
    assert queries.assess_line(never_recorded, schools[2].make_up_policy, schools[2].thresholds).owed == 0
    # The same school under the default policy would owe the whole line: the policy is what the sums follow.
    assert rules[schools[2].pk]["owed"] < _rules_figures(_with_default_policy(schools[2]), window)["owed"]
    assert board.total.breaches > 0
    assert board.total.owed > 0
    months = queries.trend([synthetic.pk], board.window, [s.pk for s in schools])
    assert sum(m.delivered for m in months) == board.total.delivered
    assert sum(m.expected for m in months) == board.total.expected
    assert [m.month for m in months] == [date(2025 + (m < 9), m, 1) for m in (9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7)]


def test_dashboard_by_category_adds_up_to_each_school(synthetic):
    schools = list(School.objects.filter(local_authority=synthetic))
    board = queries.dashboard(schools, [synthetic.pk], AFTER_THE_YEAR)
    for s in board.schools:
        assert sum(f.delivered for f in s.by_category.values()) == s.overall.delivered
        assert sum(f.expected for f in s.by_category.values()) == s.overall.expected
        assert sum(f.breaches for f in s.by_category.values()) == s.overall.breaches


def test_school_drill_down_lists_each_childs_figures_equal_to_the_rules(synthetic, client):
    school = School.objects.filter(local_authority=synthetic).order_by("name").first()
    window = queries.authority_window(AFTER_THE_YEAR, 2025)
    rows = queries.children_of_school(school, window)
    child = Child.objects.get(pk=rows[0][0])
    reports = line_reports(
        list(live_lines(child.plans.filter(status="active"))),
        school,
        school.calendar(),
        [Window("y", "", window.start, window.end)],
    )
    assert rows[0][1].delivered == sum(r.assessments["y"].delivered_minutes for r in reports)
    assert rows[0][1].owed == sum(r.assessments["y"].owed_minutes for r in reports)
    client.force_login(User.objects.get(email="officer990@synth.test"))
    response = client.get(reverse("la-school-delivery", kwargs={"urn": school.urn}), {"year": 2025})
    assert response.status_code == 200
    assert [c.pk for c, _ in response.context["rows"]] == [pk for pk, _ in rows]


@pytest.fixture
def two_authorities():
    north, south = make_la("North"), make_la("South")
    schools = [make_school(north, name="North A"), make_school(north, name="North B"), make_school(south)]
    for school in schools:
        senco = make_senco(school)
        plan = make_plan(make_child(school), senco, kind="ehc_plan")
        make_line(plan, senco)
    return {"north": north, "south": south, "schools": schools, "officer": make_la_officer(north)}


def test_dashboard_page_runs_a_fixed_number_of_queries(client, two_authorities, django_assert_num_queries):
    client.force_login(two_authorities["officer"])
    # session, user, the authenticator (two-step sign-in), scope (3), schools, the live lines with their sessions'
    # and expected minutes summed by month (one statement), the children who moved school (none here), children per
    # school, concerns, overdue reviews
    with django_assert_num_queries(12):
        response = client.get(reverse("la-delivery"), {"year": 2025})
    assert response.status_code == 200
    assert [s.school.name for s in response.context["board"].schools] == ["North A", "North B"]
    school = make_school(two_authorities["north"], name="North C")
    make_line(make_plan(make_child(school), make_senco(school)), make_senco(school))
    with django_assert_num_queries(12):
        client.get(reverse("la-delivery"), {"year": 2025})


def test_month_by_month_page_shows_the_authoritys_months(client, synthetic):
    client.force_login(User.objects.get(email="officer990@synth.test"))
    response = client.get(reverse("la-delivery-trend"), {"year": 2025})
    months = response.context["months"]
    assert len(months) == 11  # September to July: no sessions are due in August
    board = queries.dashboard(list(School.objects.filter(local_authority=synthetic)), [synthetic.pk], AFTER_THE_YEAR)
    assert sum(m.delivered for m in months) == board.total.delivered


def test_officer_of_one_authority_sees_nothing_of_another(client, two_authorities):
    client.force_login(two_authorities["officer"])
    south_school = two_authorities["schools"][2]
    response = client.get(reverse("la-delivery-csv"), {"year": 2025})
    text = response.content.decode()
    assert south_school.urn not in text
    assert client.get(reverse("la-school-delivery", kwargs={"urn": south_school.urn})).status_code == 404
    LocalAuthority.objects.filter(pk=two_authorities["north"].pk).update(
        new_la_code="E10000002", region_code="E12000008", region_name="South East"
    )
    stats = client.get(reverse("la-open-statistics"), {"term": "autumn-2025"})
    assert stats.status_code == 200
    with zipfile.ZipFile(io.BytesIO(stats.content)) as archive:
        assert all("South," not in archive.read(name).decode() for name in archive.namelist())


def test_dashboard_csv_has_a_row_per_school_with_its_figures(client, two_authorities):
    client.force_login(two_authorities["officer"])
    response = client.get(reverse("la-delivery-csv"), {"year": 2025})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Disposition"] == 'attachment; filename="delivery-2025-2026-08.csv"'
    assert rows[0] == queries.DASHBOARD_COLUMNS  # the header row first, nothing above it
    assert [row[4] for row in rows[1:]] == ["North A", "North B"]
    assert {tuple(row[:4]) for row in rows[1:]} == {("2025/26", "2025-09-01", "2026-08-31", "Final")}
    # One line of 2 × 30 minutes a week with nothing recorded: the whole year owed, and the line in breach.
    expected_minutes = int(rows[1][9])
    assert expected_minutes > 0
    assert rows[1][10:12] == ["0", "0"]
    assert rows[1][16:18] == ["1", str((Decimal(expected_minutes) / 60).quantize(Decimal("0.1")))]


def test_a_bad_school_year_is_refused_with_its_name(client, two_authorities):
    client.force_login(two_authorities["officer"])
    response = client.get(reverse("la-delivery"), {"year": "last"})
    assert response.status_code == 400
    assert "year: “last” is not a school year" in response.content.decode()


def test_people_who_are_not_officers_are_refused_the_authority_pages(client, two_authorities):
    senco = make_senco(two_authorities["schools"][0])
    client.force_login(senco)
    assert client.get(reverse("la-delivery")).status_code == 403
    assert client.get(reverse("la-delivery-csv")).status_code == 403
    assert client.get(reverse("la-open-statistics")).status_code == 403


# Open statistics


def test_suppression_hides_every_count_under_the_threshold_and_one_more_when_alone():
    counts = {"a": 0, "b": 1, "c": 4, "d": 5, "e": 40}
    assert suppressed_keys(counts) == {"b", "c"}
    assert suppressed_keys({"a": 3, "b": 9, "c": 7}) == {"a", "c"}  # the lone one, and the next smallest
    assert suppressed_keys({"a": 3, "b": 9}, threshold=3) == frozenset()
    assert suppressed_keys({"a": 0, "b": 9}) == frozenset()


def test_open_statistics_suppress_every_small_count_and_its_rate(synthetic):
    table = opendata.open_statistics([synthetic.pk], opendata.make_term("autumn", 2025), threshold=5)
    assert table.cells, "the export has rows"
    for cell in table.cells:
        assert cell.children == SUPPRESSED or cell.children == 0 or cell.children >= 5
        if cell.children == SUPPRESSED and cell.table != "Plans in force by kind":
            assert cell.rate == SUPPRESSED
    plans = {c.group: c.children for c in table.cells if c.table == "Plans in force by kind"}
    ehc = Plan.objects.filter(local_authority=synthetic, kind="ehc_plan").count()
    assert plans["Education, health and care (EHC) plan"] == (ehc if ehc >= 5 else SUPPRESSED)
    needs = {c.group: c.children for c in table.cells if c.table == "Delivery by primary need"}
    assert SUPPRESSED in needs.values()  # 40 children spread over 13 needs: some groups are small


def test_open_statistics_threshold_is_configurable(synthetic, settings):
    settings.OPEN_STATISTICS_SUPPRESS_UNDER = 1000
    table = opendata.open_statistics([synthetic.pk], opendata.make_term("autumn", 2025))
    assert {c.children for c in table.cells} <= {SUPPRESSED, 0}


def test_open_statistics_name_no_school_and_no_child(client, synthetic):
    LocalAuthority.objects.filter(pk=synthetic.pk).update(
        new_la_code="E10000002", region_code="E12000008", region_name="South East"
    )
    client.force_login(User.objects.get(email="officer990@synth.test"))
    response = client.get(reverse("la-open-statistics"), {"term": "spring-2026"})
    assert response["Content-Disposition"] == 'attachment; filename="open-statistics-spring-2026.zip"'
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        text = "".join(archive.read(name).decode() for name in archive.namelist())
        assert sorted(archive.namelist()) == [
            "delivery_by_primary_need_spring_2026.csv",
            "delivery_by_primary_need_spring_2026.meta.csv",
            "delivery_by_provision_category_spring_2026.csv",
            "delivery_by_provision_category_spring_2026.meta.csv",
            "plans_in_force_by_kind_spring_2026.csv",
            "plans_in_force_by_kind_spring_2026.meta.csv",
        ]
    for school in School.objects.filter(local_authority=synthetic):
        assert school.name not in text
    for child in Child.objects.filter(local_authority=synthetic):
        assert child.upn not in text


def test_a_bad_term_is_refused_with_its_name(client, synthetic):
    client.force_login(User.objects.get(email="officer990@synth.test"))
    response = client.get(reverse("la-open-statistics"), {"term": "winter-2025"})
    assert response.status_code == 400
    assert "term: “winter-2025” is not a term" in response.content.decode()


def test_refresh_expected_lays_the_months_again_after_a_calendar_change(two_authorities):
    from django.core.management import call_command

    from provision_ledger.people.models import NonTeachingDay
    from provision_ledger.plans.models import ExpectedMonth

    school = two_authorities["schools"][0]
    line = ProvisionLine.objects.get(plan__child__school=school)
    october = ExpectedMonth.objects.get(line=line, month=date(2025, 10, 1))
    # A closure on Wednesday 8 October 2025: one fifth of the week's two 30-minute sessions is no longer due.
    NonTeachingDay.objects.create(school=school, date=date(2025, 10, 8), kind=NonTeachingDay.Kind.CLOSURE)
    out = io.StringIO()
    call_command("refresh-expected", school=school.urn, stdout=out)
    assert out.getvalue().startswith("Laid ")
    assert ExpectedMonth.objects.get(line=line, month=date(2025, 10, 1)).minutes == october.minutes - 12


def test_saving_a_schools_calendar_in_the_admin_lays_its_lines_again(two_authorities, rf):
    from types import SimpleNamespace

    from django.contrib import admin

    from provision_ledger.people.admin import SchoolAdmin
    from provision_ledger.people.models import NonTeachingDay
    from provision_ledger.plans.models import ExpectedMonth

    school = two_authorities["schools"][0]
    line = ProvisionLine.objects.get(plan__child__school=school)
    october = ExpectedMonth.objects.get(line=line, month=date(2025, 10, 1))
    # The closure as the admin's inline saves it, then the admin's last step for the school's form.
    NonTeachingDay.objects.create(school=school, date=date(2025, 10, 8), kind=NonTeachingDay.Kind.CLOSURE)
    form = SimpleNamespace(instance=school, save_m2m=lambda: None)
    SchoolAdmin(School, admin.site).save_related(rf.post("/"), form, formsets=[], change=True)
    assert ExpectedMonth.objects.get(line=line, month=date(2025, 10, 1)).minutes == october.minutes - 12


def test_the_authoritys_figures_refuse_a_window_that_is_not_whole_months(two_authorities):
    with pytest.raises(ValueError, match="2025-09-01 to 2025-09-15 is not whole months"):
        queries.line_figures([two_authorities["north"].pk], queries.Window(2025, date(2025, 9, 1), date(2025, 9, 15)))
