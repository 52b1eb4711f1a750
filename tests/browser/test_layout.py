"""The pages people use on a phone fit a 320 px screen, and the authority's wide table shows its key columns at 1280 px.

Each page is also saved as a screenshot under var/screenshots, to be looked at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from provision_ledger.core.demo import load_demo
from provision_ledger.people.models import Child

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

PAGES_BY_ROLE = {
    "senco@demo.test": [
        "/",
        "/lines/{motor}/",
        "/plans/{oliver_plan}/lines/new/",
        "/children/{oliver}/reviews/new/",
        "/schools/990001/provision-map/",
        "/children/{maya}/items/",
        "/children/{maya}/support-time/",
        "/children/{oliver}/move/",
        "/children/{mover}/",
        "/children/{mover}/move/undo/",
        "/plan-proposals/{proposal}/adopt/",
    ],
    "senco@brookside.demo.test": ["/children/{mover}/earlier/"],
    "ta@demo.test": ["/today/", "/children/{maya}/time/", "/my-time/"],
    "parent@demo.test": ["/", "/children/{oliver}/", "/account/calendar/"],
    "la@demo.test": ["/", "/authority/delivery/"],
}

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _paths() -> dict[str, int]:
    oliver = Child.objects.get(first_name="Oliver", last_name="Bennett")
    maya = Child.objects.get(first_name="Maya")
    plan = oliver.plans.get()
    motor = plan.lines.get(versions__description="Motor Skills programme")
    mover = Child.objects.get(enrolments__school__urn="990002", school__urn="990001")
    proposal = mover.plan_proposals.get()
    return {"oliver": oliver.pk, "maya": maya.pk, "oliver_plan": plan.pk, "motor": motor.pk, "mover": mover.pk,
            "proposal": proposal.pk}  # fmt: skip


@pytest.mark.parametrize("width", [320, 1280])
def test_no_page_a_person_uses_scrolls_sideways(page: Page, live_server, sign_in, width):
    load_demo(timezone.localdate())
    ids = _paths()
    page.set_viewport_size({"width": width, "height": 900})
    SHOTS.mkdir(parents=True, exist_ok=True)
    overflow = {}
    for email, paths in PAGES_BY_ROLE.items():
        page.context.clear_cookies()
        sign_in(email, "demo")
        for path in paths:
            page.goto(live_server.url + path.format(**ids))
            name = f"{width}-{email.split('@')[0]}-{path.strip('/').replace('/', '_') or 'home'}.png"
            size = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            clip = {"x": 0, "y": 0, "width": size[0], "height": min(size[1], 2400)}  # the top, where problems show
            page.screenshot(path=str(SHOTS / name), full_page=True, clip=clip)
            overflow[(email, path)] = page.evaluate(OVERFLOW)
    assert overflow == {(email, path): 0 for email, paths in PAGES_BY_ROLE.items() for path in paths}


def test_the_authoritys_table_shows_breaches_owed_hours_concerns_and_reviews_without_scrolling_at_1280(
    page: Page, live_server, sign_in
):
    load_demo(timezone.localdate())
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in("la@demo.test", "demo")
    page.goto(live_server.url + "/authority/delivery/")
    hidden = page.evaluate(
        """(names) => names.filter(name => {
            const th = [...document.querySelectorAll('th')].find(t => t.textContent.trim().startsWith(name));
            if (!th) return true;
            const box = th.getBoundingClientRect();
            const region = th.closest('.pl-scroll') || document.documentElement;
            return box.right > Math.min(window.innerWidth, region.getBoundingClientRect().right) + 1;
        })""",
        ["Lines in breach", "Owed hours", "Open concerns", "Reviews overdue"],
    )
    assert hidden == []
