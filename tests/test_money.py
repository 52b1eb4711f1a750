"""Rate cards, a child's funding, support time and the provision map, through the pages people use."""

from __future__ import annotations

import csv
import io
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from provision_ledger.core.demo import load_demo
from provision_ledger.money import actions
from provision_ledger.money.models import Allocation, ItemPrice, RateCard, StaffRate, TimeBlock
from provision_ledger.money.queries import allocation_accounts, hourly_rates
from provision_ledger.nextsteps.evidence import _rates
from provision_ledger.people.models import Child, Membership, Role
from provision_ledger.rules.money import TA_HOURLY_COST
from provision_ledger.rules.support_time import WITH_THE_CHILD
from tests.factories import make_la, make_la_officer, make_line, make_parent, make_plan, make_session, make_staff

pytestmark = pytest.mark.django_db

MONDAY = date(2025, 9, 8)
_TODAY = date.today()
# Time is logged for the last year only: the Monday of last week.
LAST_MONDAY = _TODAY - timedelta(days=_TODAY.weekday() + 7)


def _card(la, year: int = 2025, **rates: str) -> RateCard:
    card = RateCard.objects.create(local_authority=la, financial_year=year)
    for role, value in rates.items():
        # Each figure is the cost of an hour with the child: the annual cost of an hour a week ÷ 38 weeks.
        StaffRate.objects.create(card=card, role=role, annual_cost=Decimal(value) * 38, source="Set by the authority")
    return card


def test_the_demo_ehc_child_shows_allocated_and_spent_time_matching_the_logged_blocks(client):
    today = timezone.localdate()
    load_demo(today)
    maya = Child.objects.get(first_name="Maya", last_name="Okafor")
    allocation = Allocation.objects.get(child=maya)
    blocks = TimeBlock.objects.filter(allocation=allocation)
    assert allocation.weekly_minutes == 1200
    (account,) = allocation_accounts(maya, date(2000, 1, 1), today)
    with_child = sum(b.minutes for b in blocks if b.activity in WITH_THE_CHILD)
    assert account.with_child_minutes == with_child
    assert account.elsewhere_minutes == sum(b.minutes for b in blocks) - with_child
    assert {"other_children", "class_cover", "admin"} <= set(blocks.values_list("activity", flat=True))
    client.force_login(maya.guardians.get().user)
    response = client.get(reverse("support-time", args=[maya.pk]))
    assert response.status_code == 200
    shown = response.context["accounts"][0]
    cost = (Decimal(shown.with_child_minutes) / 60 * TA_HOURLY_COST).quantize(Decimal("0.01"))
    assert shown.with_child_minutes == sum(
        b.minutes for b in blocks.filter(date__gte=response.context["start"]) if b.activity in WITH_THE_CHILD
    )
    assert f"£{cost:,.2f}" in response.content.decode()
    # A parent sees the child's totals, not who logged them.
    assert "Priya Shah" not in response.content.decode()
    # Each logged day is also the day's session of her in-class support: the two records are one account.
    from provision_ledger.delivery.models import Session

    logged_days = set(blocks.values_list("date", flat=True))
    support = Session.objects.current().filter(child=maya, line__versions__weekly_minutes=1200, date__in=logged_days)
    assert support.count() == len(logged_days)
    # The same minutes, not only the same days: what her statement counts as delivered is her time with her TA.
    with_her_by_day: dict[date, int] = {}
    for b in blocks:
        if b.activity in WITH_THE_CHILD:
            with_her_by_day[b.date] = with_her_by_day.get(b.date, 0) + b.minutes
    assert {s.date: s.delivered_minutes for s in support} == {d: with_her_by_day.get(d, 0) for d in logged_days}
    # And over the weeks the support-time page shows, the statement's rule gives her line the page's hours with her.
    from provision_ledger.delivery.queries import line_reports
    from provision_ledger.rules.reporting import Window

    [hours_line] = {s.line for s in support}
    window = Window("shown", "", response.context["start"], today)
    [report] = line_reports([hours_line], maya.school, maya.school.calendar(), [window])
    assert report.assessments["shown"].delivered_minutes == shown.with_child_minutes
    assert sum(support.values_list("delivered_minutes", flat=True)) == with_child


def test_the_funding_page_shows_planned_school_part_top_up_delivered_and_variance(client, school, senco, child):
    _card(school.local_authority, ta="18.00")
    plan = make_plan(child, senco, start=date(2025, 9, 1))
    line = make_line(plan, senco)  # 2 × 30 minutes a week, one-to-one, with a TA
    make_session(line, senco, MONDAY)
    make_session(
        line, senco, MONDAY + timedelta(days=2), status="part_delivered", delivered_minutes=15, reason="staff_absent"
    )
    actions.save_child_funding(
        child=child, year=2025, top_up=Decimal(2000), personal_budget=Decimal(0), note="", by=senco
    )
    client.force_login(make_parent(child))
    response = client.get(reverse("child-funding", args=[child.pk]), {"year": 2025})
    funding = response.context["report"].funding
    # 1 Sep 2025–31 Mar 2026: 125 school days = 25 weeks of an hour at £18 = £450; the summer term to 31 Mar is
    # outside the year. Delivered: 30 + 15 minutes = 0.75 hours × £18 = £13.50.
    assert (funding.planned_year, funding.delivered_to_date, funding.school_contribution, funding.top_up) == (
        Decimal("464.40"),
        Decimal("13.50"),
        Decimal("464.40"),
        Decimal(2000),
    )
    html = response.content.decode()
    # On the annual cost: £18 × 38 weeks = £684 a year for an hour a week; £6,000 ÷ £684 = 8.77… → 8.8.
    assert "£6,000.00 ÷ £684.00 a year for an hour a week = 8.8 hours a week" in html
    assert response.context["report"].story == [
        f"The school pays for 1 line from its SEN budget (Element 2): £464.40 planned for the year, of the first "
        f"£6,000.00 of {child.first_name}’s additional provision that a school meets. Delivered so far: £13.50.",
        "A top-up of £2,000.00 is agreed, but no line says the local authority pays.",
    ]


def test_when_the_authority_pays_every_line_the_page_never_counts_it_as_the_schools_spending(
    client, school, senco, child
):
    _card(school.local_authority, ta="18.00")
    plan = make_plan(child, senco, start=date(2025, 9, 1))
    line = make_line(plan, senco, funder="la")
    make_session(line, senco, MONDAY)
    actions.save_child_funding(
        child=child, year=2025, top_up=Decimal(400), personal_budget=Decimal(0), note="", by=senco
    )
    client.force_login(senco)
    response = client.get(reverse("child-funding", args=[child.pk]), {"year": 2025})
    funding = response.context["report"].funding
    assert (funding.school.planned_year, funding.authority.planned_year, funding.threshold_shown_spent) == (
        Decimal(0),
        Decimal("464.40"),
        Decimal(0),
    )
    assert response.context["report"].story == [
        "No line is paid for from the school’s SEN budget (Element 2).",
        "The local authority’s top-up (Element 3) pays for 1 line: £464.40 planned for the year, against £400.00 "
        "agreed. Delivered so far: £9.00.",
        "The top-up agreed is £64.40 short of what its lines are planned to cost.",
    ]


def test_a_role_in_use_with_no_rate_is_named_with_its_year_on_the_funding_page(client, school, senco, child):
    plan = make_plan(child, senco)
    make_line(plan, senco, delivered_by="hlta")
    client.force_login(senco)
    response = client.get(reverse("child-funding", args=[child.pk]), {"year": 2025})
    assert response.context["report"].problems == [
        "There is no rate for Higher level teaching assistant in 2025-26. Set one on the rate card for 2025-26."
    ]


def test_a_negative_rate_is_refused_naming_the_role_and_year(client, school, senco):
    client.force_login(senco)
    response = client.post(
        reverse("school-rates", args=[school.urn]) + "?year=2025", {"rate_hlta": "-3", "source_hlta": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "rate_hlta": ["The rate for Higher level teaching assistant in 2025-26 cannot be negative."]
    }
    assert not StaffRate.objects.exists()


def test_a_schools_override_wins_over_the_authority_and_letters_read_it(school, senco, child):
    _card(school.local_authority, ta="18.00", hlta="21.00")
    # £722 a year for an hour a week ÷ 38 weeks of contact = £19.00 an hour with the child.
    actions.save_rate_card(
        year=2025, rates={"ta": (Decimal("722.00"), "School budget 2025-26")}, school=school, by=senco
    )
    rates = hourly_rates(child, date(2025, 10, 1))
    assert (rates["ta"], rates["hlta"][0]) == ((Decimal("19.00"), "School budget 2025-26"), Decimal("21.00"))
    assert _rates(child, date(2025, 10, 1)) == rates


def test_letters_fall_back_to_the_derived_ta_rate_with_no_card(child):
    # £750 ÷ 38 = £19.7368… an hour with the child, shown to the penny.
    assert _rates(child, date(2025, 10, 1)) == {
        "ta": (Decimal("19.74"), hourly_rates(child, date(2025, 10, 1))["ta"][1])
    }


def test_a_year_after_the_default_has_no_rate_and_the_funding_page_says_so(client, senco, child):
    plan = make_plan(child, senco)
    make_line(plan, senco)
    client.force_login(senco)
    response = client.get(reverse("child-funding", args=[child.pk]), {"year": 2026})
    assert response.context["report"].problems == [
        "There is no rate for Teaching assistant in 2026-27. The default rate is for 2025-26 only. "
        "Set one on the rate card for 2026-27."
    ]
    assert "There are no rates for 2026-27" in response.content.decode()


def _allocated(school, child):
    ta = make_staff(school, child, email="ta@school.test")
    allocation = actions.add_allocation(
        child=child,
        staff=ta,
        role="ta",
        weekly_minutes=1200,
        timetable=[[0, "09:00", "12:00"], [0, "13:00", "14:00"]],
        start_date=LAST_MONDAY - timedelta(days=28),
        by=ta,
    )
    return ta, allocation


def test_the_days_time_log_is_prefilled_from_the_allocation_timetable(client, school, child):
    ta, _ = _allocated(school, child)
    client.force_login(ta)
    response = client.get(reverse("time-log", args=[child.pk]), {"date": LAST_MONDAY.isoformat()})
    assert [
        (f.initial["start"], f.initial["end"], f.initial["activity"]) for f in response.context["formset"].initial_forms
    ] == [
        (time(9), time(12), "with_child"),
        (time(13), time(14), "with_child"),
    ]


def _post_day(client, child, rows, reason=""):
    data = {
        "date": LAST_MONDAY.isoformat(),
        "block-TOTAL_FORMS": str(len(rows)),
        "block-INITIAL_FORMS": "0",
        "reason": reason,
    }
    for n, (start, end, activity) in enumerate(rows):
        data |= {f"block-{n}-start": start, f"block-{n}-end": end, f"block-{n}-activity": activity}
    return client.post(reverse("time-log", args=[child.pk]) + f"?date={LAST_MONDAY.isoformat()}", data)


def test_overlapping_blocks_are_refused_with_a_clear_message_and_nothing_saved(client, school, child):
    ta, _ = _allocated(school, child)
    client.force_login(ta)
    response = _post_day(client, child, [("09:00", "10:30", "with_child"), ("10:00", "11:00", "class_cover")])
    assert response.context["problems"] == ["The blocks 09:00 to 10:30 and 10:00 to 11:00 overlap."]
    assert not TimeBlock.objects.exists()


def test_blocks_longer_than_the_school_day_are_refused_and_nothing_saved(client, school, child):
    ta, _ = _allocated(school, child)
    client.force_login(ta)
    response = _post_day(client, child, [("07:00", "12:00", "with_child"), ("12:00", "14:00", "admin")])
    assert response.context["problems"] == [
        "The blocks add up to 7 hours, longer than the school day of 6 hours 30 minutes."
    ]
    assert not TimeBlock.objects.exists()


def test_a_day_logged_again_voids_the_earlier_blocks_with_the_reason_and_keeps_them(client, school, child):
    ta, _ = _allocated(school, child)
    client.force_login(ta)
    _post_day(client, child, [("09:00", "12:00", "with_child")])
    response = _post_day(
        client,
        child,
        [("09:00", "10:00", "with_child"), ("10:00", "12:00", "class_cover")],
        reason="I covered Year 4 after break",
    )
    assert response.status_code == 302
    assert list(TimeBlock.objects.current().values_list("activity", "minutes")) == [
        ("with_child", 60),
        ("class_cover", 120),
    ]
    assert list(TimeBlock.objects.filter(voided_at__isnull=False).values_list("minutes", "void_reason")) == [
        (180, "I covered Year 4 after break")
    ]
    assert child.audit_events.filter(object_type="allocation").count() == 3


def test_a_day_saved_as_the_timetable_prefilled_it_is_logged(client, school, child):
    ta, allocation = _allocated(school, child)
    client.force_login(ta)
    prefilled = [
        (b.start.strftime("%H:%M"), b.end.strftime("%H:%M"), b.activity.value)
        for b in allocation.timetable_on(LAST_MONDAY.weekday())
    ]
    response = _post_day(client, child, prefilled)
    assert response.status_code == 302
    assert [(b.start.strftime("%H:%M"), b.end.strftime("%H:%M"), b.activity) for b in TimeBlock.objects.all()] == (
        prefilled
    )
    assert prefilled


def test_a_day_already_logged_is_not_changed_without_a_reason(client, school, child):
    ta, _ = _allocated(school, child)
    client.force_login(ta)
    _post_day(client, child, [("09:00", "12:00", "with_child")])
    response = _post_day(client, child, [("09:00", "10:00", "class_cover")])
    assert response.context["problems"] == [f"{LAST_MONDAY:%-d %B %Y} is already logged: say why you are changing it."]
    assert list(TimeBlock.objects.values_list("activity", "minutes", "voided_at")) == [("with_child", 180, None)]


def _map_world(school, senco, child):
    _card(school.local_authority, ta="18.00")
    plan = make_plan(child, senco)
    make_line(plan, senco)
    make_line(plan, senco, description="Talk Boost", category="communication", group_size=4)


def test_the_provision_map_exports_as_xlsx_that_reads_back(client, school, senco, child):
    _map_world(school, senco, child)
    client.force_login(senco)
    response = client.get(reverse("provision-map-xlsx", args=[school.urn]), {"year": 2025, "sort": "category"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:5] == ["Child", "Year group", "Primary need", "Category", "Provision"]
    # Both lines promise 25.8 hours in 2025-26 (£464.40); Talk Boost's cost is shared by 4: £116.10.
    assert [(r[3], r[4], r[6], r[9]) for r in rows[1:]] == [
        ("Communication and interaction", "Talk Boost", 4, 116.1),
        ("Sensory and/or physical", "Motor Skills programme", 1, 464.4),
    ]


def test_the_provision_map_csv_filters_by_category(client, school, senco, child):
    _map_world(school, senco, child)
    client.force_login(senco)
    response = client.get(reverse("provision-map-csv", args=[school.urn]), {"year": 2025, "category": "communication"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [row[4] for row in rows] == ["Provision", "Talk Boost"]


@pytest.mark.parametrize("children", [1, 3])
def test_the_provision_map_reads_in_a_fixed_number_of_queries(
    client, school, senco, children, django_assert_num_queries
):
    from tests.factories import make_child

    _card(school.local_authority, ta="18.00")
    for n in range(children):
        plan = make_plan(make_child(school, first_name=f"Child{n}"), senco)
        make_line(plan, senco)
    client.force_login(senco)
    # session, user, authenticator, scope (3), school, lines with their plans and versions (2), calendar (2), rates,
    # delivered minutes, and the plans' children
    with django_assert_num_queries(13):
        client.get(reverse("provision-map", args=[school.urn]), {"year": 2025})


def test_a_senco_ends_an_allocation_with_a_reason_and_no_time_can_be_logged_after(client, school, senco, child):
    ta, allocation = _allocated(school, child)
    end = LAST_MONDAY - timedelta(days=3)
    client.force_login(senco)
    response = client.post(
        reverse("allocation-end", args=[allocation.pk]), {"end_date": end.isoformat(), "reason": "Moved to Year 5"}
    )
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert allocation.end_date == end
    assert child.audit_events.filter(object_type="allocation", reason="Moved to Year 5").count() == 1
    client.force_login(ta)
    response = _post_day(client, child, [("09:00", "10:00", "with_child")])
    assert response.context["problems"] == [f"The allocation does not cover {LAST_MONDAY:%-d %B %Y}."]
    assert not TimeBlock.objects.exists()


def test_an_allocation_cannot_end_before_time_already_logged(client, school, senco, child):
    ta, allocation = _allocated(school, child)
    client.force_login(ta)
    _post_day(client, child, [("09:00", "10:00", "with_child")])
    client.force_login(senco)
    response = client.post(
        reverse("allocation-end", args=[allocation.pk]),
        {"end_date": (LAST_MONDAY - timedelta(days=1)).isoformat(), "reason": "Moved"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "end_date": [f"Time is logged up to {LAST_MONDAY:%-d %B %Y}: choose that day or later."]
    }
    allocation.refresh_from_db()
    assert allocation.end_date is None


def test_an_item_provided_counts_in_the_childs_costs_at_the_schools_price(client, school, senco, child):
    _card(school.local_authority, ta="18.00")
    actions.save_item_price(
        year=2025,
        name="Talk Boost licence",
        pounds=Decimal("300.00"),
        source="Price list",
        local_authority=school.local_authority,
        by=senco,
    )
    actions.save_item_price(
        year=2025, name="Talk Boost licence", pounds=Decimal("240.00"), source="Own deal", school=school, by=senco
    )
    actions.save_item_price(
        year=2025, name="Writing slope", pounds=Decimal("25.50"), source="", school=school, by=senco
    )
    client.force_login(senco)
    licence = ItemPrice.objects.get(card__school=school, name="Talk Boost licence")
    slope = ItemPrice.objects.get(name="Writing slope")
    for item, quantity in ((licence, 1), (slope, 2)):
        response = client.post(
            reverse("child-items", args=[child.pk]) + "?year=2025", {"item": item.pk, "quantity": quantity}
        )
        assert response.status_code == 302
    funding = client.get(reverse("child-funding", args=[child.pk]), {"year": 2025}).context["report"].funding
    # £240 (the school's price, not the authority's £300) + 2 × £25.50; no plan, so nothing else.
    assert (funding.planned_year, funding.delivered_to_date) == (Decimal("291.00"), Decimal("291.00"))
    pdf = client.get(reverse("cost-statement-pdf", args=[child.pk]), {"year": 2025}).content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "2 × Writing slope" in text
    assert "£51.00" in text


def test_a_voided_item_stays_in_the_record_and_stops_counting(client, school, senco, child):
    price = actions.save_item_price(
        year=2025, name="Writing slope", pounds=Decimal("25.50"), source="", school=school, by=senco
    )
    item = actions.add_child_item(child=child, year=2025, item=price, quantity=1, note="", by=senco)
    client.force_login(senco)
    response = client.post(reverse("child-item-void", args=[item.pk]), {"reason": "Recorded for the wrong child"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.void_reason, item.voided_by) == ("Recorded for the wrong child", senco)
    funding = client.get(reverse("child-funding", args=[child.pk]), {"year": 2025}).context["report"].funding
    assert funding.planned_year == Decimal(0)


def test_a_negative_item_price_is_refused_naming_the_field(client, school, senco):
    client.force_login(senco)
    response = client.post(
        reverse("school-rates", args=[school.urn]) + "?year=2025",
        {"form": "item", "name": "Ear defenders", "pounds": "-4", "source": ""},
    )
    assert response.status_code == 200
    assert response.context["item_form"].errors == {"pounds": ["Ensure this value is greater than or equal to 0."]}
    assert not ItemPrice.objects.exists()


def test_a_day_of_support_time_is_also_the_session_of_the_childs_hours_line_recorded_once(client):
    """The time log is the one account of in-class support in hours: the session is written from it."""
    from provision_ledger.delivery.models import Session
    from tests.factories import make_child, make_school, make_senco

    school = make_school(years=(2026,))
    senco = make_senco(school)
    child = make_child(school, first_name="Maya", last_name="Okafor")
    line = make_line(
        make_plan(child, senco, kind="ehc_plan", start=date(2026, 9, 1)),
        senco,
        description="In-class support",
        weekly_minutes=1200,
        minutes_per_session=240,
        sessions=5,
        start_date=date(2026, 9, 1),
    )
    ta, _ = _allocated(school, child)
    client.force_login(ta)
    _post_day(client, child, [("09:00", "12:00", "with_child"), ("13:00", "14:00", "with_child")])
    [session] = Session.objects.current().filter(line=line)
    assert (session.date, session.status, session.delivered_minutes, session.reason) == (
        LAST_MONDAY,
        "delivered",
        240,
        "",
    )
    response = _post_day(
        client,
        child,
        [("09:00", "10:00", "with_child"), ("10:00", "12:00", "class_cover"), ("13:00", "14:00", "with_child")],
        reason="I covered Year 4 after break",
    )
    assert response.status_code == 302
    [corrected] = Session.objects.current().filter(line=line)
    assert (corrected.status, corrected.planned_minutes, corrected.delivered_minutes, corrected.reason) == (
        "part_delivered",
        240,
        120,
        "staff_redeployed",
    )
    assert corrected.corrects == session
    register = client.get(reverse("register") + f"?date={LAST_MONDAY.isoformat()}").context
    assert register["due"] == []
    assert [(d.line, d.why) for d in register["by_time_log"]] == [(line, "Recorded from the support-time log")]


def test_a_days_blocks_are_read_on_the_24_hour_clock_and_as_people_type_times(client, school, child):
    ta, _ = _allocated(school, child)
    client.force_login(ta)
    _post_day(client, child, [("9.00", "1030", "with_child"), ("1:30pm", "14:30", "with_child")])
    assert list(TimeBlock.objects.order_by("start").values_list("start", "end")) == [
        (time(9), time(10, 30)),
        (time(13, 30), time(14, 30)),
    ]


def test_a_time_that_cannot_be_read_is_named_with_its_block_and_nothing_is_saved(client, school, child):
    ta, _ = _allocated(school, child)
    client.force_login(ta)
    response = _post_day(client, child, [("09:00", "10:30", "with_child"), ("half one", "14:30", "with_child")])
    assert '<a href="#id_block-1-start">Block 2, From: Enter a valid time.</a>' in response.content.decode()
    assert not TimeBlock.objects.exists()


def test_the_item_page_has_a_heading_that_says_what_it_is_for(client, senco, child):
    client.force_login(senco)
    response = client.get(reverse("child-items", args=[child.pk]))
    assert (
        f'<h1 class="govuk-heading-l">Record an item provided for {child.first_name}</h1>' in response.content.decode()
    )


def test_an_officer_of_two_authorities_sets_the_rates_of_the_one_they_choose(client):
    north, south = make_la("North"), make_la("South")
    officer = make_la_officer(north)
    Membership.objects.create(user=officer, role=Role.LA_OFFICER, local_authority=south)
    client.force_login(officer)
    page = reverse("la-rates")

    first = client.get(page, {"year": 2025})
    chosen = f"{page}?la={south.code}&year=2025"
    saved = client.post(chosen, {"contact_weeks": "38", "rate_ta": "800.00", "source_ta": "Pay"})

    assert first.context["la"] == north
    assert f'href="?la={south.code}&amp;year=2025">South</a>' in first.content.decode()
    assert saved["Location"] == chosen
    assert list(RateCard.objects.values_list("local_authority", "financial_year")) == [(south.pk, 2025)]
    assert client.get(page, {"la": "999"}).status_code == 404


def test_the_school_and_the_authority_see_who_logged_support_time_and_the_parent_sees_only_the_totals(client):
    from provision_ledger.people.models import Role

    load_demo(timezone.localdate())
    maya = Child.objects.get(first_name="Maya", last_name="Okafor")
    officer = maya.school.local_authority.membership_set.get(role=Role.LA_OFFICER).user
    senco = maya.school.membership_set.get(role=Role.SENCO).user
    shown = {}
    for who in (maya.guardians.get().user, senco, officer):
        client.force_login(who)
        shown[who.email] = "Priya Shah" in client.get(reverse("support-time", args=[maya.pk])).content.decode()
    assert shown == {maya.guardians.get().user.email: False, senco.email: True, officer.email: True}


def test_rates_and_prices_set_on_the_page_are_kept_in_the_trail_as_they_were_and_became(client, school, senco):
    from provision_ledger.audit.chain import verify
    from provision_ledger.audit.models import AuditEvent

    client.force_login(senco)
    page = reverse("school-rates", args=[school.urn]) + "?year=2025"
    client.post(page, {"contact_weeks": "38", "rate_ta": "722.00", "source_ta": "Budget"})
    client.post(page, {"contact_weeks": "39", "rate_ta": "760.50", "source_ta": "Budget"})
    client.post(page, {"form": "item", "name": "Writing slope", "pounds": "25.50", "source": ""})
    client.post(page, {"form": "item", "name": "Writing slope", "pounds": "27.00", "source": "New list"})

    events = AuditEvent.objects.filter(local_authority=school.local_authority, child=None).order_by("pk")
    rows = [(e.action, e.object_type, e.actor_id, e.summary, e.before, e.after) for e in events]
    slope = ItemPrice.objects.get(name="Writing slope")
    assert rows[0][:4] == ("create", "ratecard", senco.pk, f"Rates for 2025-26 set for {school}")
    first = {"Teaching assistant rate": "£722.00 a year for an hour a week over 38 weeks (Budget)"}
    assert rows[0][4:] == (None, first)
    assert rows[1][:2] + rows[1][4:] == (
        "change",
        "ratecard",
        first,
        {"Teaching assistant rate": "£760.50 a year for an hour a week over 39 weeks (Budget)"},
    )
    assert [(e[0], e[1], e[3]) for e in rows[2:]] == [
        ("create", "itemprice", f"Writing slope priced at £25.50 for 2025-26 for {school}"),
        ("change", "itemprice", f"Writing slope priced at £27.00 for 2025-26 for {school}"),
    ]
    assert (rows[3][4]["pounds"], rows[3][5]["pounds"], rows[3][5]["id"]) == ("25.50", "27.00", slope.pk)
    assert len(rows) == 4
    assert verify(school.local_authority_id) == []


def test_support_time_is_costed_by_the_one_hourly_rule_half_a_penny_going_up():
    from provision_ledger.money.queries import AllocationAccount

    account = AllocationAccount(allocation=Allocation(), weeks=[], rate=Decimal("0.05"))
    assert account.cost(30) == Decimal("0.03")  # 2.5p
