"""The provision map, a child's funding page and support time, in Chromium, with no accessibility violations."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from provision_ledger.core.demo import load_demo
from provision_ledger.people.models import Child
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_senco_filters_the_provision_map_and_a_parent_reads_the_funding_page(page: Page, live_server, sign_in):
    load_demo(timezone.localdate())
    maya = Child.objects.get(first_name="Maya", last_name="Okafor")
    found = {}

    sign_in("senco@demo.test", "demo")
    page.goto(f"{live_server.url}/schools/990001/")
    page.get_by_role("link", name="Provision map and costs").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Provision map")
    page.get_by_label("Category").select_option("communication")
    page.get_by_label("Sort by").select_option("planned")
    page.get_by_role("button", name="Show").click()
    rows = page.get_by_test_id("provision-map").locator("tbody tr")
    expect(rows.first).to_contain_text("Maya Okafor")  # 20 hours a week costs the most
    expect(rows.filter(has_text="Sensory and/or physical")).to_have_count(0)
    found["map"] = axe_violations(page)
    page.goto(f"{live_server.url}/schools/990001/rates/")
    found["rates"] = axe_violations(page)
    page.goto(f"{live_server.url}/children/{maya.pk}/allocations/")
    found["allocations"] = axe_violations(page)

    page.context.clear_cookies()
    sign_in("ehcp.parent@demo.test", "demo")
    page.get_by_role("link", name="Funding and what it paid for").click()
    expect(page.get_by_test_id("funding")).to_contain_text("Top-up agreed by the local authority")
    expect(page.get_by_test_id("conversion")).to_contain_text("£6,000.00 buys about 8.0 hours a week")
    page.get_by_label("A sum of money (£)").fill("")
    page.get_by_label("Or hours a week").fill("12")
    page.get_by_role("button", name="Work it out").click()
    expect(page.get_by_test_id("conversion")).to_contain_text(
        "12 hours a week of a teaching assistant for a year costs £9,000.00"  # 12 × £750
    )
    found["funding"] = axe_violations(page)
    page.get_by_role("link", name="Where allocated support time went").click()
    expect(page.get_by_test_id("with-child").first).to_contain_text("hours")
    found["support time"] = axe_violations(page)

    page.context.clear_cookies()
    sign_in("ta@demo.test", "demo")
    page.get_by_role("link", name="Your support time log").click()
    page.get_by_role("link", name="Maya Okafor").click()
    expect(page.get_by_role("button", name="Save the day")).to_be_visible()
    found["time log"] = axe_violations(page)

    assert found == {name: [] for name in found}
