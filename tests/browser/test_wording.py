"""In Chromium: a SENCO pastes a Section F, sees the vague statements flagged, confirms the specific ones."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from provision_ledger.plans.models import LineVersion
from tests.browser.conftest import axe_violations
from tests.factories import make_child, make_plan, make_school, make_senco

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECTION_F = """Communication and interaction
• 2 x 30 minute sessions per week of speech and language therapy delivered by a qualified SALT.
• Access to a sensory room as required.

Cognition and learning
• Precision teaching for 10 minutes daily with a trained teaching assistant.
• Regular small group literacy support.
• Three 20-minute sessions a week of touch typing with a teaching assistant.
"""


def test_senco_pastes_section_f_sees_two_flagged_and_confirms_three_lines(page: Page, live_server, sign_in):
    school = make_school(years=(2025,))
    senco = make_senco(school, email="senco@school.test")
    child = make_child(school)
    plan = make_plan(child, senco, start=date(2025, 9, 1))

    sign_in(senco.email)
    page.goto(f"{live_server.url}/children/{child.pk}/")
    page.get_by_role("link", name="Read lines from the plan’s wording").click()
    page.get_by_label("Paste Section F").fill(SECTION_F)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Check the wording").click()

    expect(page.get_by_test_id("wording-score")).to_have_text("3 of 5 statements specific (60%).")
    flagged = [2, 4]
    for number in flagged:
        statement = page.get_by_test_id(f"statement-{number}")
        expect(statement.get_by_text("Vague", exact=True)).to_be_visible()
        expect(statement.locator("mark").first).to_be_visible()
    expect(page.get_by_test_id("statement-2").locator("mark")).to_have_text(["Access to", "as required"])
    expect(page.get_by_test_id("statement-4")).to_contain_text("“Regular” could mean daily or once a term")
    expect(page.get_by_test_id("statement-4")).to_contain_text("Group without a size: “small group”")
    salt = page.get_by_test_id("statement-1")
    expect(salt.get_by_label("How many sessions")).to_have_value("2")
    expect(salt.get_by_label("Minutes each session")).to_have_value("30")
    expect(page.get_by_test_id("statement-5").get_by_label("How many sessions")).to_have_value("3")
    assert axe_violations(page) == []
    page.screenshot(path="test-results/wording-review.png", full_page=True)

    # The SENCO edits one proposal before confirming: touch typing runs for 25 minutes, not 20.
    page.get_by_test_id("statement-5").get_by_label("Minutes each session").fill("25")
    page.get_by_role("button", name="Add the ticked lines to the plan").click()

    expect(page.get_by_text("3 provision lines added to the plan.")).to_be_visible()
    expect(
        page.get_by_text("Promised: 2 sessions of 30 minutes a week, one-to-one, with a speech and language therapist")
    )
    expect(
        page.get_by_text("Promised: 1 session of 10 minutes a day, one-to-one, with a teaching assistant.")
    ).to_be_visible()
    expect(
        page.get_by_text("Promised: 3 sessions of 25 minutes a week, one-to-one, with a teaching assistant.")
    ).to_be_visible()
    expect(page.get_by_test_id("plan-wording-score")).to_contain_text("3 of 5 statements specified and quantified")
    assert sorted(
        LineVersion.objects.filter(line__plan=plan).values_list("sessions", "minutes_per_session", "period")
    ) == [(1, 10, "day"), (2, 30, "week"), (3, 25, "week")]
    assert axe_violations(page) == []


def test_line_form_highlights_vague_words_as_the_senco_types(page: Page, live_server, sign_in):
    school = make_school(years=(2025,))
    senco = make_senco(school, email="senco@school.test")
    plan = make_plan(make_child(school), senco, start=date(2025, 9, 1))

    sign_in(senco.email)
    page.goto(f"{live_server.url}/plans/{plan.pk}/lines/new/")
    page.get_by_label("What is provided").press_sequentially("Access to phonics as appropriate")
    check = page.get_by_test_id("wording-check")
    expect(check.locator("mark")).to_have_text(["Access to", "as appropriate"])
    expect(check).to_contain_text("Source: SEND Code of Practice 9.69")
    page.screenshot(path="test-results/wording-line-form.png", full_page=True)
    assert axe_violations(page) == []
