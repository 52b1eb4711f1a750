"""In Chromium: Oak's SENCO records that Oliver moved to Elm, a school of another authority; Elm's SENCO sees his
whole history, each session with its school; Oak's SENCO sees his time at Oak only; his father sees one record."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_violations
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

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_move_to_another_authoritys_school_as_each_party_then_sees_it(page: Page, live_server, sign_in):
    north, south = make_la("North"), make_la("South")
    oak, elm = make_school(north, "Oak Primary"), make_school(south, "Elm Primary")
    make_la_officer(north, email="officer@north.test")
    make_la_officer(south, email="officer@south.test")
    oak_senco = make_senco(oak, email="senco@oak.test")
    elm_senco = make_senco(elm, email="senco@elm.test")
    oliver = make_child(oak)
    make_parent(oliver, email="dad@home.test")
    line = make_line(make_plan(oliver, oak_senco, kind="ehc_plan"), oak_senco)
    make_session(line, oak_senco, date(2026, 1, 12))

    sign_in("senco@oak.test")
    page.get_by_role("link", name="Oliver Bennett").click()
    page.get_by_role("link", name="Record a move to another school").click()
    page.get_by_label("URN of the school they moved to").fill(elm.urn)
    page.get_by_label("Their first day at the new school").fill("2026-01-14")
    page.get_by_label("Why they moved").fill("The family moved to Elmton.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check the move before you record it")).to_be_visible()
    expect(page.get_by_test_id("move-summary")).to_contain_text("Tuesday 13 January 2026")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Record the move").click()
    expect(page.get_by_text("Oliver is recorded as a pupil of Elm Primary.")).to_be_visible()
    expect(page.get_by_test_id("overview")).to_contain_text("No children on the register yet.")
    expect(page.get_by_test_id("moved-away")).to_contain_text("last day 13 January 2026")
    page.get_by_role("button", name="Sign out").click()

    # At Elm, a session is recorded after the move; Elm's SENCO reads both schools' entries.
    make_session(line, elm_senco, date(2026, 1, 20))
    sign_in("senco@elm.test")
    page.get_by_role("link", name="Oliver Bennett").click()
    expect(page.get_by_test_id("schools")).to_contain_text(
        "Oak Primary from 1 September 2025 to 13 January 2026; Elm Primary from 14 January 2026"
    )
    expect(page.get_by_test_id("law-deadlines")).to_contain_text("Transfer of the EHC plan to the new local authority")
    page.get_by_role("link", name="Every entry for Motor Skills programme").click()
    expect(page.get_by_test_id("delivered-at")).to_have_text(["Elm Primary", "Oak Primary"])
    page.get_by_role("button", name="Sign out").click()

    # Oak's SENCO reads his time at Oak, to his last day there, and nothing after it.
    sign_in("senco@oak.test")
    page.get_by_test_id("moved-away").get_by_role("link", name="Oliver Bennett").click()
    expect(page.get_by_test_id("left-on")).to_contain_text("At Oak Primary to 13 January 2026")
    sessions = page.get_by_test_id(f"sessions-{line.pk}")
    expect(sessions).to_contain_text("12 Jan 2026")
    expect(sessions).not_to_contain_text("20 Jan 2026")
    assert page.goto(f"{live_server.url}/children/{oliver.pk}/").status == 404
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="Sign out").click()

    # His father sees one record: the same page, both schools' sessions.
    sign_in("dad@home.test")
    expect(page.get_by_role("heading", name="Oliver Bennett")).to_be_visible()
    page.get_by_role("link", name="Every entry for Motor Skills programme").click()
    expect(page.locator("tbody")).to_contain_text("Mon 12 Jan 2026")
    expect(page.locator("tbody")).to_contain_text("Tue 20 Jan 2026")
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="Sign out").click()

    # North, which maintained Oak, reads his time there and its own schools only; South reads his whole record.
    sign_in("officer@north.test")
    assert page.goto(f"{live_server.url}/children/{oliver.pk}/").status == 404
    page.goto(f"{live_server.url}/children/{oliver.pk}/earlier/")
    expect(page.get_by_test_id("left-on")).to_contain_text("At Oak Primary to 13 January 2026")
    page.goto(f"{live_server.url}/authority/delivery/?year=2025")
    expect(page.get_by_test_id("schools")).to_contain_text("Oak Primary")
    expect(page.get_by_test_id("schools")).not_to_contain_text("Elm Primary")
    page.get_by_role("button", name="Sign out").click()
    sign_in("officer@south.test")
    page.goto(f"{live_server.url}/children/{oliver.pk}/")
    expect(page.get_by_test_id("schools")).to_contain_text("Elm Primary from 14 January 2026")
    assert page.goto(f"{live_server.url}/children/{oliver.pk}/earlier/").status == 404
    page.goto(f"{live_server.url}/authority/delivery/?year=2025")
    expect(page.get_by_test_id("schools")).to_contain_text("Elm Primary")
    expect(page.get_by_test_id("schools")).not_to_contain_text("Oak Primary")
