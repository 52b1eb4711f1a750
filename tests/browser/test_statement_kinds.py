"""In Chromium: a SENCO pastes a section with equipment, a "TA trained in" line, a range and a line of hours a week
plus daily sessions; each statement says which kind it was read as, the range is flagged and proposes nothing, and
the mixed line proposes two lines."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from provision_ledger.plans.models import LineVersion
from tests.browser.conftest import axe_violations
from tests.factories import make_child, make_plan, make_school, make_senco

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECTION = """Cognition and learning
• A sloped writing board for all written work.
• Lego therapy for 45 minutes weekly from a TA trained in Lego-based therapy, in a group of 3.
• 4-6 fortnightly 45-minute sessions of speech and language therapy from a qualified SALT.
• 1:1 support from a teaching assistant for 20 hours a week and 10 minutes of precision teaching daily.
"""


def test_senco_sees_each_statements_kind_and_findings_and_the_mixed_line_proposes_two(page: Page, live_server, sign_in):
    school = make_school(years=(2025,))
    senco = make_senco(school, email="senco@school.test")
    child = make_child(school)
    plan = make_plan(child, senco, start=date(2025, 9, 1))

    sign_in(senco.email)
    page.goto(f"{live_server.url}/plans/{plan.pk}/read/")
    page.get_by_label("Paste Section F").fill(SECTION)
    page.get_by_role("button", name="Check the wording").click()

    expect(page.get_by_test_id("wording-score")).to_have_text("3 of 4 statements specific (75%).")
    board = page.get_by_test_id("statement-1")
    expect(board.get_by_text("Specific", exact=True)).to_be_visible()
    expect(page.get_by_test_id("statement-1-kind")).to_have_text(
        "Read as: equipment or an adaptation, which must say what it is, when it is used and who maintains it."
    )
    expect(page.get_by_test_id("statement-1-no-line")).to_be_visible()
    expect(board.get_by_label("How many sessions")).to_have_count(0)

    lego = page.get_by_test_id("statement-2")
    expect(page.get_by_test_id("statement-2-kind")).to_contain_text("sessions delivered by staff")
    expect(lego.get_by_label("Who delivers it")).to_have_value("ta")
    expect(lego.get_by_label("Qualification")).to_have_value("TA trained in Lego-based therapy")
    expect(lego.get_by_label("Minutes each session")).to_have_value("45")

    ranged = page.get_by_test_id("statement-3")
    expect(ranged.get_by_text("Vague", exact=True)).to_be_visible()
    expect(ranged.locator("mark")).to_have_text(["4-6 fortnightly 45-minute sessions"])
    expect(ranged).to_contain_text("A range, not an amount")
    expect(ranged.get_by_label("How many sessions")).to_have_count(0)

    expect(page.get_by_test_id("statement-4-kind")).to_contain_text("in-class support in hours")
    expect(page.get_by_test_id("statement-4-parts")).to_have_text(
        "This statement makes 2 provisions, so 2 lines are proposed."
    )
    hours = page.get_by_test_id("statement-4-line-1")
    daily = page.get_by_test_id("statement-4-line-2")
    expect(hours.get_by_label("Hours a week")).to_have_value("20.00")
    expect(daily.get_by_label("How many sessions")).to_have_value("1")
    expect(daily.get_by_label("Minutes each session")).to_have_value("10")
    expect(hours.get_by_label("Who delivers it")).to_have_value("ta")
    expect(daily.get_by_label("Who delivers it")).to_have_value("ta")
    page.screenshot(path="test-results/statement-kinds-review.png", full_page=True)
    assert axe_violations(page) == []

    page.get_by_role("button", name="Add the ticked lines to the plan").click()
    expect(page.get_by_text("3 provision lines added to the plan.")).to_be_visible()
    expect(page.get_by_test_id("plan-wording-score")).to_contain_text(
        "4 of 5 statements specified and quantified (80%), counting 2 read from the plan and not entered as lines."
    )
    expect(page.get_by_test_id("plan-wording-vague-read")).to_contain_text("4-6 fortnightly 45-minute sessions")
    versions = LineVersion.objects.filter(line__plan=plan)
    assert sorted(v.weekly_minutes or 0 for v in versions) == [0, 0, 1200]
    assert sorted((v.sessions, v.minutes_per_session, v.period) for v in versions if v.weekly_minutes is None) == [
        (1, 10, "day"),
        (1, 45, "week"),
    ]
