from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from provision_ledger.accounts import twofactor
from provision_ledger.people.models import User

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session", autouse=True)
def warm_pdfs() -> None:
    """Draw one PDF before the first journey, as each production worker does at start: the live server runs in this
    process, so a journey's first download is not the one that loads the fonts (seconds on a loaded machine)."""
    from provision_ledger.kit.pdf import warm_up

    warm_up()


@pytest.fixture
def sign_in(page: Page, live_server):
    """Sign in through the pages, as a person would: the password, then (for staff) the code from their app."""

    def _sign_in(email: str, password: str = "pw") -> None:
        page.goto(f"{live_server.url}/sign-in/")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        if "/sign-in/code/" in page.url or "/account/two-factor/" in page.url:
            enter_code(page, email)

    return _sign_in


def enter_code(page: Page, email: str) -> None:
    """Type the code the person's authenticator app would show (setting one up first if they have none)."""
    user = User.objects.get(email=email)
    device = twofactor.confirmed_device(user) or twofactor.pending_device(user)
    page.get_by_label("Code from your authenticator app").fill(twofactor.next_usable_code(device))
    page.get_by_role("button", name=re.compile("^(Continue|Turn on two-step sign-in)$")).click()
    page.wait_for_load_state()


def axe_violations(page: Page) -> list[str]:
    """Run axe-core against WCAG 2.2 A and AA; return each violation with the elements at fault."""
    # A click that navigates returns before the next document exists; injecting then finds no <head>.
    page.wait_for_load_state("load")
    # Served as if from the site, since the Content Security Policy refuses an inline script.
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
    url = f"{origin}/test-only/axe.min.js"
    page.route(url, lambda route: route.fulfill(path=AXE, content_type="text/javascript"))
    page.add_script_tag(url=url)
    return page.evaluate(
        """async () => (await axe.run(document,
                {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}))
            .violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""
    )


def csp_violations(page: Page) -> list[str]:
    """The Content Security Policy refusals Chromium reports on the console from now on (a live list)."""
    refused: list[str] = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    return refused
