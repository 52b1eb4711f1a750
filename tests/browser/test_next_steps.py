"""In Chromium, on the demo: each parent is shown the route their plan gives them, and takes the letters."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from provision_ledger.core.demo import load_demo
from provision_ledger.nextsteps.evidence import evidence_for
from provision_ledger.people.models import Child
from provision_ledger.rules.reporting import whole
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pdf_text(path) -> str:
    return " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages).split())


def _write_and_download(page: Page, step_title: str) -> str:
    page.get_by_role("link", name=re.compile(f"^Write this letter.*{re.escape(step_title)}$")).click()
    expect(page.get_by_role("button", name="Save as sent, then download")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save as sent, then download").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    text = _pdf_text(download.value.path())
    page.get_by_role("link", name="Oliver Bennett").or_(page.get_by_role("link", name="Maya Okafor")).first.click()
    return text


def test_sen_support_parent_gets_the_school_letter_and_the_assessment_request(page: Page, live_server, sign_in):
    load_demo(timezone.localdate())
    oliver = Child.objects.get(first_name="Oliver", last_name="Bennett")
    motor = next(e for e in evidence_for(oliver, timezone.localdate()).lines if str(e.line) == "Motor Skills programme")
    promised = motor.overall.expected.sessions  # the demo's school days, and so this count, move with today's date
    sign_in("parent@demo.test", "demo")
    steps = page.get_by_test_id("next-steps")
    expect(page.get_by_text("A SEN Support plan cannot be enforced as a right")).to_be_visible()
    expect(steps).to_contain_text("Ask the school to reinstate the provision")
    expect(steps).to_contain_text("Ask the local authority for an EHC needs assessment")

    school_letter = _write_and_download(page, "Ask the school to reinstate the provision")
    assert "Section 66, Children and Families Act 2014" in school_letter
    assert "Motor Skills programme: the plan specifies 2 sessions of 30 minutes a week" in school_letter
    assert motor.overall.delivered_sessions == 1
    assert (
        f"{whole(promised)} sessions due, 1 delivered, {motor.overall.missed_sessions} recorded as missed, "
        f"{motor.overall.not_recorded_sessions} with no record at all" in school_letter
    )

    request = _write_and_download(page, "Ask the local authority for an EHC needs assessment")
    assert "section 36(1) of the Children and Families Act 2014" in request
    assert "section 36(8)" in request
    assert "not legal advice" in request


def test_ehc_plan_parent_gets_the_s42_letter_listing_the_ta_hours_not_delivered(page: Page, live_server, sign_in):
    load_demo(timezone.localdate())
    sign_in("ehcp.parent@demo.test", "demo")
    expect(page.get_by_text("The local authority must secure every part")).to_be_visible()
    letter = _write_and_download(page, "Write to the local authority: it must secure the provision")
    assert "Section 42(2), Children and Families Act 2014" in letter
    assert "1:1 teaching assistant support in class: the plan specifies 20 hours a week" in letter
    assert "Time owed:" in letter
    assert "Staff redeployed to other duties" in letter
