"""An authority's spend by school: delivered provision costed at each school's rates, and top-ups agreed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from provision_ledger.delivery.actions import void_session
from provision_ledger.money import actions
from provision_ledger.money.models import RateCard, StaffRate
from provision_ledger.money.queries import authority_spend, line_costs
from provision_ledger.oversight.synth import synthesise
from provision_ledger.people.models import LocalAuthority, School, User
from provision_ledger.plans.actions import amend_line
from provision_ledger.plans.models import LINE_TERM_FIELDS, DeliveredBy, ExpectedMonth, Plan, ProvisionLine
from provision_ledger.plans.queries import live_lines, with_delivery
from provision_ledger.rules.costing import pennies
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
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 31)  # the last day of financial year 2025-26


def _rates(year: int = 2025, *, la=None, school=None, **rates: str) -> None:
    card = RateCard.objects.create(local_authority=la, school=school, financial_year=year)
    for role, value in rates.items():
        # Each figure is the cost of an hour with the child: the annual cost of an hour a week ÷ 38 weeks.
        StaffRate.objects.create(card=card, role=role, annual_cost=Decimal(value) * 38)


@pytest.fixture
def authority():
    """Two schools of one authority, each with a child on a plan, and a third school in another authority."""
    la = make_la("North")
    hillside, riverside = make_school(la, name="Hillside"), make_school(la, name="Riverside")
    elsewhere = make_school(make_la("South"), name="Elsewhere")
    _rates(la=la, ta="18.00", teacher="48.00")
    _rates(school=riverside, ta="21.00")
    return la, hillside, riverside, elsewhere


def test_delivered_provision_is_costed_at_each_schools_rates_with_groups_shared(authority):
    _, hillside, riverside, _ = authority
    senco = make_senco(hillside)
    plan = make_plan(make_child(hillside), senco)
    one_to_one = make_line(plan, senco)  # a TA, one-to-one
    group = make_line(plan, senco, description="Reading group", delivered_by="teacher", group_size=3)
    health = make_line(plan, senco, description="NHS speech therapy", funder="health")
    make_session(one_to_one, senco, date(2025, 9, 8))  # 30 minutes
    make_session(
        one_to_one, senco, date(2025, 9, 10), status="part_delivered", delivered_minutes=15, reason="staff_absent"
    )
    make_session(group, senco, date(2025, 9, 9))
    make_session(health, senco, date(2025, 9, 9))  # paid by health: not the school's or the authority's spend
    make_session(one_to_one, senco, date(2026, 4, 20))  # the next financial year
    voided = make_session(one_to_one, senco, date(2025, 9, 15))
    void_session(voided, by=senco, reason="Entered twice")
    riverside_senco = make_senco(riverside)
    riverside_line = make_line(make_plan(make_child(riverside), riverside_senco), riverside_senco)
    make_session(riverside_line, riverside_senco, date(2025, 9, 8))

    hillside_spend, riverside_spend = authority_spend([hillside, riverside], 2025, TODAY)

    # Hillside: TA 45 minutes at £18 = £13.50; the group's teacher 30 minutes at £48 shared by 3 = £8.00.
    assert (hillside_spend.delivered_minutes, hillside_spend.delivered_cost) == (75, Decimal("21.50"))
    # Riverside's own TA rate (£21) overrides the authority's: 30 minutes = £10.50.
    assert (riverside_spend.delivered_minutes, riverside_spend.delivered_cost) == (30, Decimal("10.50"))


def test_a_session_is_costed_at_the_group_size_in_force_on_its_day(authority):
    _, hillside, _, _ = authority
    senco = make_senco(hillside)
    line = make_line(make_plan(make_child(hillside), senco), senco, delivered_by="teacher")
    make_session(line, senco, date(2025, 9, 8))  # 30 minutes one-to-one at £48 = £24.00
    amend_line(
        line=line,
        by=senco,
        effective_from=date(2025, 10, 1),
        reason="Joined a group of four",
        today=date(2025, 10, 1),
        **{**{f: getattr(line.current_version, f) for f in LINE_TERM_FIELDS}, "group_size": 4},
    )
    make_session(line, senco, date(2025, 10, 6))  # 30 minutes shared by 4 = £6.00

    (spend,) = authority_spend([hillside], 2025, TODAY)

    assert spend.delivered_cost == Decimal("30.00")


def test_the_authority_total_agrees_with_the_schools_lines_costed_one_by_one(authority):
    _, hillside, _, _ = authority
    senco = make_senco(hillside)
    plan = make_plan(make_child(hillside), senco)
    lines = [make_line(plan, senco), make_line(plan, senco, delivered_by="teacher", group_size=2)]
    for day in (date(2025, 9, 8), date(2025, 9, 9), date(2025, 10, 13)):
        for line in lines:
            make_session(line, senco, day)

    (spend,) = authority_spend([hillside], 2025, TODAY)
    one_by_one = line_costs(lines, hillside, hillside.calendar(), 2025, TODAY)

    assert spend.delivered_cost == sum(c.delivered_to_date.total for c in one_by_one) == Decimal("63.00")


def test_non_contact_time_and_extra_adults_are_costed_in_the_authority_total_as_on_the_line(authority):
    _, hillside, _, _ = authority
    senco = make_senco(hillside)
    plan = make_plan(make_child(hillside), senco)
    # 2 × 30 minutes a week with 30 minutes' planning a week: half a minute of non-contact time per contact minute.
    planned_for = make_line(plan, senco, non_contact_minutes=30)
    two_adults = make_line(plan, senco, description="Swimming", adults=2)
    for day in (date(2025, 9, 8), date(2025, 9, 9)):
        make_session(planned_for, senco, day)
        make_session(two_adults, senco, day)

    (spend,) = authority_spend([hillside], 2025, TODAY)
    one_by_one = line_costs([planned_for, two_adults], hillside, hillside.calendar(), 2025, TODAY)

    # TA at £18 an hour: 60 contact + 30 non-contact minutes = £27.00; 60 minutes × 2 adults = £36.00.
    assert spend.delivered_cost == sum(c.delivered_to_date.total for c in one_by_one) == Decimal("63.00")
    assert spend.planned_cost == sum(c.planned_year.total for c in one_by_one)


def test_a_role_with_no_rate_is_named_and_left_out_of_the_cost(authority):
    _, hillside, _, _ = authority
    senco = make_senco(hillside)
    line = make_line(make_plan(make_child(hillside), senco), senco, delivered_by="ot")
    make_session(line, senco, date(2025, 9, 8))

    (spend,) = authority_spend([hillside], 2025, TODAY)

    assert spend.delivered_cost == Decimal("0.00")
    assert spend.problems == (
        "There is no rate for Occupational therapist in 2025-26. Set one on the rate card for 2025-26.",
    )


def test_top_ups_and_personal_budgets_agreed_are_summed_per_school(authority):
    _, hillside, riverside, _ = authority
    senco = make_senco(hillside)
    for top_up, budget in ((Decimal(4000), Decimal(0)), (Decimal(2500), Decimal(600)), (Decimal(0), Decimal(300))):
        actions.save_child_funding(
            child=make_child(hillside), year=2025, top_up=top_up, personal_budget=budget, note="", by=senco
        )

    hillside_spend, riverside_spend = authority_spend([hillside, riverside], 2025, TODAY)

    assert (hillside_spend.children_topped_up, hillside_spend.top_up, hillside_spend.personal_budgets) == (
        2,
        Decimal(6500),
        Decimal(900),
    )
    assert (riverside_spend.children_topped_up, riverside_spend.top_up) == (0, Decimal(0))


def test_an_officer_sees_the_spend_of_their_own_authoritys_schools_only(client, authority):
    la, hillside, riverside, elsewhere = authority
    client.force_login(make_la_officer(la))

    response = client.get(reverse("authority-spend"), {"year": 2025})

    assert response.status_code == 200
    assert [s.school for s in response.context["spend"]] == [hillside, riverside]
    assert elsewhere.name not in response.content.decode()


@pytest.mark.parametrize("who", ["senco", "parent"])
def test_schools_and_parents_are_sent_home_from_the_authority_spend_page(client, authority, who):
    _, hillside, _, _ = authority
    senco = make_senco(hillside)
    user = senco if who == "senco" else make_parent(make_child(hillside))
    client.force_login(user)

    response = client.get(reverse("authority-spend"))

    assert (response.status_code, response.url) == (302, reverse("home"))


def test_the_authority_spend_page_reads_in_a_fixed_number_of_queries(client, authority, django_assert_num_queries):
    la, hillside, riverside, _ = authority
    for school in (hillside, riverside):
        senco = make_senco(school)
        line = make_line(make_plan(make_child(school), senco), senco)
        make_session(line, senco, date(2025, 9, 8))
    officer = make_la_officer(la)
    client.force_login(officer)
    client.get(reverse("authority-spend"))  # warm the session

    # session, user, authenticator, memberships, assignments, guardianships, schools, rates, delivered sums,
    # planned sums, funding sums
    with django_assert_num_queries(11):
        client.get(reverse("authority-spend"), {"year": 2025})


def test_the_planned_cost_for_the_year_agrees_with_the_lines_costed_one_by_one(authority):
    _, hillside, riverside, _ = authority
    senco = make_senco(hillside)
    plan = make_plan(make_child(hillside), senco)
    lines = [
        make_line(plan, senco),  # 2 × 30 minutes a week with a TA at £18
        make_line(plan, senco, delivered_by="teacher", group_size=3, sessions=1, minutes_per_session=45),
        make_line(plan, senco, description="NHS speech therapy", funder="health"),
    ]

    hillside_spend, riverside_spend = authority_spend([hillside, riverside], 2025, TODAY)
    one_by_one = line_costs(lines[:2], hillside, hillside.calendar(), 2025, TODAY)

    assert hillside_spend.planned_cost == sum(c.planned_year.total for c in one_by_one)
    assert hillside_spend.planned_minutes == sum(c.planned_year.minutes for c in one_by_one)
    assert hillside_spend.planned_cost > 0
    assert (riverside_spend.planned_minutes, riverside_spend.planned_cost) == (Decimal(0), Decimal("0.00"))


def test_a_plan_replaced_during_the_year_counts_its_lines_up_to_its_end(authority):
    _, hillside, riverside, _ = authority
    senco = make_senco(hillside)
    child = make_child(hillside)
    old = make_plan(child, senco, start=date(2025, 9, 1))
    line = make_line(old, senco)
    make_plan(child, senco, start=date(2026, 2, 2))
    old.refresh_from_db()
    assert old.end_date == date(2026, 2, 1)
    hillside_spend, _ = authority_spend([hillside, riverside], 2025, TODAY)
    laid = ExpectedMonth.objects.filter(line=line).aggregate(minutes=Sum("minutes"))["minutes"]
    assert laid > 0
    assert ExpectedMonth.objects.filter(line=line).order_by("month").last().month == date(2026, 1, 1)
    assert hillside_spend.planned_minutes == laid


def test_every_schools_planned_and_delivered_spend_on_a_synthetic_authority_equals_its_lines_costed_by_the_rule():
    synthesise(children=40, seed=7, year=2025, la_code="990", children_per_school=13)
    la = LocalAuthority.objects.get(code="990")
    _rates(la=la, **{role: str(10 + i) for i, role in enumerate(DeliveredBy.values)})
    schools = list(School.objects.filter(local_authority=la).order_by("name"))
    # Some lines carry non-contact time and a second adult from the spring, so both parts of the rule are used.
    senco = User.objects.get(email=f"senco{schools[0].urn}@synth.test")
    for line in ProvisionLine.objects.filter(plan__child__school=schools[0]).order_by("pk")[:3]:
        version = line.current_version
        amend_line(
            line=line,
            by=senco,
            effective_from=date(2026, 1, 5),
            reason="Planning time and a second adult",
            today=date(2026, 1, 5),
            **{
                **{f: getattr(version, f) for f in LINE_TERM_FIELDS},
                "non_contact_minutes": 20,
                "adults": 2,
            },
        )

    spend = authority_spend(schools, 2025, TODAY)

    for school, figures in zip(schools, spend, strict=True):
        plans = Plan.objects.filter(with_delivery(), child__school=school)
        costs = line_costs(list(live_lines(plans)), school, school.calendar(), 2025, TODAY)
        counted = [c for c in costs if c.counts]
        exact = sum((p.exact for c in counted for p in c.delivered_to_date.parts), Decimal(0))
        planned_exact = sum((p.exact for c in counted for p in c.planned_year.parts), Decimal(0))
        assert figures.problems == ()
        assert figures.delivered_cost == pennies(exact)
        assert figures.delivered_minutes == sum(c.delivered_to_date.minutes for c in counted)
        assert figures.planned_minutes == sum(c.planned_year.minutes for c in counted)
        assert figures.planned_cost == pennies(planned_exact)
    assert sum(s.delivered_cost for s in spend) > 0
    assert sum(s.planned_cost for s in spend) > sum(s.delivered_cost for s in spend)


def test_a_line_amended_mid_month_is_costed_at_each_versions_terms_from_the_day_it_took_effect(authority):
    _, hillside, _, _ = authority
    senco = make_senco(hillside)
    plan = make_plan(make_child(hillside), senco, start=date(2026, 1, 5))
    line = make_line(plan, senco)  # 2 × 30 minutes a week with a TA at £18: 12 minutes a school day
    terms = {f: getattr(line.current_version, f) for f in LINE_TERM_FIELDS}
    amend_line(
        line=line,
        by=senco,
        effective_from=date(2026, 1, 14),  # a Wednesday
        reason="Taught by a teacher in a group of three",
        today=date(2026, 1, 14),
        **{**terms, "delivered_by": "teacher", "group_size": 3},
    )
    first, amended = line.versions_in_order

    (spend,) = authority_spend([hillside], 2025, TODAY)
    (one_by_one,) = line_costs([line], hillside, hillside.calendar(), 2025, TODAY)

    # January's 20 school days are held apart at the amendment: 5 to 13 January, 7 days, under the TA; 14 to 30
    # January, 13 days, under the teacher.
    january = ExpectedMonth.objects.filter(line=line, month=date(2026, 1, 1)).order_by("version__effective_from")
    assert [(row.version, row.minutes) for row in january] == [(first, Decimal(84)), (amended, Decimal(156))]
    # 84 minutes with the TA = £25.20; the teacher's 48 school days to 27 March (half-term 16 to 20 February),
    # 576 minutes at £48 shared by 3 = £153.60. The first of January's terms for the whole month would say £184.00.
    assert spend.planned_minutes == 660
    assert spend.planned_cost == one_by_one.planned_year.total == Decimal("178.80")
