"""An annual review in Chromium: the SENCO opens the pack, the parent adds views, the SENCO records "amend"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from provision_ledger.core.demo import load_demo
from provision_ledger.delivery.queries import line_reports
from provision_ledger.people.models import Child
from provision_ledger.plans.models import ProvisionLine
from provision_ledger.rules.reporting import Window
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _past_compliance(line: ProvisionLine, window: Window) -> tuple[int, int, int]:
    line = ProvisionLine.objects.prefetch_related("versions").get(pk=line.pk)
    school = line.plan.child.school
    [report] = line_reports([line], school, school.calendar(), [window])
    a = report.assessments[window.key]
    return (round(a.expected.minutes), a.delivered_minutes, a.owed_minutes)


def test_senco_reviews_maya_parent_adds_views_and_an_amendment_leaves_past_compliance(page: Page, live_server, sign_in):
    today = timezone.localdate()
    load_demo(today)
    maya = Child.objects.get(first_name="Maya", last_name="Okafor")
    support = ProvisionLine.objects.get(plan__child=maya, versions__description__startswith="1:1 teaching assistant")
    before_today = Window("past", "Before the review", support.plan.start_date, today - timedelta(days=1))
    past = _past_compliance(support, before_today)
    found = {}

    sign_in("senco@demo.test", "demo")
    page.goto(f"{live_server.url}/children/{maya.pk}/")
    page.get_by_role("link", name="Outcomes, progress and annual reviews").click()
    expect(page.get_by_test_id("outcome-" + str(maya.outcomes.first().pk))).to_contain_text("Shown only with support")
    found["outcomes"] = axe_violations(page)
    timetable = maya.outcomes.get(description__startswith="Maya plans her day")
    for name, path in (
        ("outcome", f"/outcomes/{timetable.pk}/"),
        ("progress form", f"/outcomes/{timetable.pk}/progress/"),
        ("outcome form", f"/children/{maya.pk}/outcomes/new/"),
        ("school progress", "/schools/990001/progress/"),
    ):
        page.goto(f"{live_server.url}{path}")
        found[name] = axe_violations(page)
    expect(page.get_by_test_id("dose-response")).to_contain_text("Communication and interaction")
    page.goto(f"{live_server.url}/children/{maya.pk}/outcomes/")
    page.get_by_role("link", name="Review meeting on").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annual review pack")
    expect(page.get_by_test_id(f"pack-line-{support.pk}")).to_contain_text("hours delivered")
    expect(page.get_by_test_id("only-with-support")).to_contain_text(
        "Maya plans her day with a visual timetable: step 7 of 8 shown only with 1:1 adult support; "
        "independently, step 3 of 8."
    )
    expect(page.locator("svg.pl-chart").first).to_be_visible()
    found["pack (SENCO)"] = axe_violations(page)

    page.context.clear_cookies()
    sign_in("ehcp.parent@demo.test", "demo")
    page.get_by_role("link", name="Outcomes, progress and annual reviews").click()
    page.get_by_role("link", name="Add what you have seen at home for Maya plans her day").click()
    expect(page.get_by_label("What you saw at home")).to_be_visible()
    found["observation form"] = axe_violations(page)
    page.get_by_label("What you saw at home").fill("She got her picture list out before school by herself.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("She got her picture list out before school by herself.")).to_be_visible()
    page.goto(f"{live_server.url}/children/{maya.pk}/outcomes/")
    page.get_by_role("link", name="Review meeting on").click()
    page.get_by_role("link", name="Add views for the review").click()
    page.get_by_label("The parent's views").fill("Maya copes in class only when her TA is beside her.")
    page.get_by_label("The child's views").fill("I like my picture timetable.")
    found["views form"] = axe_violations(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("parent-views")).to_have_text("Maya copes in class only when her TA is beside her.")
    found["pack (parent)"] = axe_violations(page)

    page.context.clear_cookies()
    sign_in("senco@demo.test", "demo")
    page.goto(f"{live_server.url}/children/{maya.pk}/outcomes/")
    page.get_by_role("link", name="Review meeting on").click()
    page.get_by_role("link", name="Record steps and decision").click()
    page.get_by_label("Date of the review meeting").fill(today.isoformat())
    page.get_by_label("Amend the plan").check()
    page.get_by_label("Date of the local authority's decision").fill(today.isoformat())
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Amend the line 1:1 teaching assistant support in class").click()
    page.get_by_label("Takes effect from").fill(today.isoformat())
    page.get_by_label("Why is it changing?").fill("Agreed at the annual review: 25 hours a week")
    page.get_by_label("Or: hours a week of in-class support").fill("25")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maya Okafor")

    assert [v.weekly_minutes for v in support.versions.order_by("effective_from")] == [1200, 1500]
    assert _past_compliance(support, before_today) == past
    assert found == {name: [] for name in found}
