"""axe-core finds no WCAG 2.2 A or AA violation on the pages each role uses, and finds one when present."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page

from provision_ledger.core.demo import load_demo
from provision_ledger.parents.actions import invite_parent
from provision_ledger.people.models import Child
from tests.browser.conftest import axe_violations, csp_violations
from tests.factories import make_child, make_school, make_senco

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_axe_reports_a_violation_it_is_shown(page: Page, live_server):
    page.set_content('<html lang="en"><head><title>t</title></head><body><main><img src="x.png"></main></body></html>')
    assert [v.split(":")[0] for v in axe_violations(page)] == ["image-alt"]


PAGES_BY_ROLE = {
    "senco@demo.test": [
        "/",
        "/children/{oliver}/",
        "/children/{oliver}/history/",
        "/lines/{motor}/",
        "/children/{oliver}/plans/new/",
        "/lines/{motor}/sessions/new/",
        "/lines/{motor}/amend/",
        "/children/{oliver}/items/",
        "/children/{oliver}/reviews/new/",
        "/schools/990001/provision-map/",
    ],
    "parent@demo.test": [
        "/",
        "/children/{oliver}/",
        "/children/{oliver}/history/",
        "/lines/{motor}/",
        "/children/{oliver}/concerns/",
        "/children/{oliver}/views/",
        "/account/alerts/",
        "/account/calendar/",
        "/account/two-factor/",
        "/account/close/",
        "/children/{oliver}/funding/",
        "/privacy/",
        "/accessibility/",
    ],
    "ta@demo.test": ["/today/", "/today/?date={last_friday}"],
    "la@demo.test": [
        "/",
        "/schools/990001/",
        "/authority/spend/",
        "/authority/delivery/",
        "/authority/rates/",
    ],
}


def test_a_content_security_policy_violation_is_seen_in_the_console(page: Page, live_server):
    refused = csp_violations(page)
    page.goto(f"{live_server.url}/sign-in/")

    page.evaluate("document.body.append(Object.assign(document.createElement('script'), {text: 'window.x = 1'}))")

    assert len(refused) == 1
    assert refused[0].startswith("Executing inline script violates the following Content Security Policy directive")


def test_pages_each_role_uses_have_no_accessibility_or_content_security_policy_violations(
    page: Page, live_server, sign_in
):
    refused = csp_violations(page)
    today = timezone.localdate()
    load_demo(today)
    oliver = Child.objects.get(first_name="Oliver", last_name="Bennett")
    motor = oliver.plans.get().lines.get(versions__description="Motor Skills programme")
    last_friday = today - timedelta(days=(today.weekday() - 4) % 7 or 7)
    found = {}
    for email, paths in PAGES_BY_ROLE.items():
        page.context.clear_cookies()
        sign_in(email, "demo")
        for path in paths:
            page.goto(live_server.url + path.format(oliver=oliver.pk, motor=motor.pk, last_friday=last_friday))
            found[(email, path)] = axe_violations(page)
    assert found == {(email, path): [] for email, paths in PAGES_BY_ROLE.items() for path in paths}
    assert refused == []


def test_signed_out_pages_have_no_accessibility_violations(page: Page, live_server):
    school = make_school()
    child = make_child(school)
    invite_parent(
        child=child, email="mum@example.test", relationship="Mother", by=make_senco(school), base_url=live_server.url
    )
    invitation_link = mail.outbox[0].body.split(live_server.url)[1].split()[0]
    found = {}
    for path in ("/sign-in/", "/password-reset/", invitation_link, "/invitations/not-a-token/"):
        page.goto(live_server.url + path)
        found[path] = axe_violations(page)
    assert found == {path: [] for path in found}
