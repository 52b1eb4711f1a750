"""The move page: the old school's SENCO names the new school by its URN, checks, and records; and what the new
school's SENCO then sees: the plan brought along, and the clocks of an EHC plan's transfer."""

from __future__ import annotations

from datetime import date

import lxml.html
import pytest
from django.urls import reverse

from provision_ledger.audit.models import AuditEvent
from provision_ledger.people.actions import move_child
from provision_ledger.people.models import Child, Enrolment
from provision_ledger.plans.models import PlanProposal
from provision_ledger.submissions.middleware import ALREADY_SENT
from tests.factories import (
    make_child,
    make_la,
    make_line,
    make_parent,
    make_plan,
    make_school,
    make_senco,
    make_session,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    north, south = make_la("North"), make_la("South")
    oak, elm = make_school(north, "Oak Primary"), make_school(south, "Elm Primary")
    oak_senco, elm_senco = make_senco(oak), make_senco(elm)
    child = make_child(oak)
    line = make_line(make_plan(child, oak_senco, kind="ehc_plan"), oak_senco)
    make_session(line, oak_senco, date(2026, 1, 12))
    return {"oak": oak, "elm": elm, "oak_senco": oak_senco, "elm_senco": elm_senco, "child": child}


def _form_values(html: str) -> dict[str, str]:
    """The values the page's own form sends as rendered (it posts to its own page: the sign-out form does not)."""
    (form,) = [f for f in lxml.html.fromstring(html).forms if f.method.upper() == "POST" and not f.get("action")]
    return dict(form.form_values())


def _errors(html: str) -> list[str]:
    summary = lxml.html.fromstring(html).xpath('//ul[contains(@class, "govuk-error-summary__list")]/li')
    return [li.text_content().strip() for li in summary]


def _send(client, world, **typed):
    url = reverse("child-move", args=[world["child"].pk])
    page = client.get(url).content.decode()
    fields = {"urn": world["elm"].urn, "moved_on": "2026-01-14", "reason": "The family moved house.", **typed}
    return client.post(url, {**_form_values(page), **fields})


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ({"urn": "12"}, "URN of the school they moved to: A URN is six digits, for example 100000."),
        ({"urn": "999999"}, "URN of the school they moved to: No school with URN 999999 keeps its record here."),
        ({"moved_on": "2099-01-01"},
         "Their first day at the new school: A move cannot be recorded for a day that has not happened yet."),
        ({"moved_on": "2026-01-12"}, "Their first day at the new school: A session at Oak Primary is recorded on 12 "
         "January 2026: the child's first day at the new school must be after it."),
        ({"moved_on": "2026-02-31"}, "Their first day at the new school: Enter a real date."),
        ({"reason": ""}, "Why they moved: Say why the child moved (for example, the family moved house)."),
    ],
)  # fmt: skip
def test_a_move_that_cannot_be_recorded_is_refused_by_field_and_nothing_is_written(client, world, typed, error):
    client.force_login(world["oak_senco"])
    response = _send(client, world, **typed)
    assert response.status_code == 200
    assert _errors(response.content.decode()) == [error]
    assert not Enrolment.objects.exists()


def test_the_move_to_the_same_school_is_refused_on_the_urn(client, world):
    client.force_login(world["oak_senco"])
    response = _send(client, world, urn=world["oak"].urn)
    assert _errors(response.content.decode()) == [
        "URN of the school they moved to: Oliver is already at Oak Primary: choose the school they moved to."
    ]


def test_the_move_is_checked_first_then_recorded_once_however_often_the_form_is_sent(client, world):
    client.force_login(world["oak_senco"])
    check = _send(client, world)
    page = check.content.decode()
    assert "Check the move before you record it" in page
    assert "Elm Primary (URN" in page
    assert "Tuesday 13 January 2026" in page
    assert "transfers to South, which then maintains it" in page
    assert not Enrolment.objects.exists()
    confirm = _form_values(page)
    first = client.post(reverse("child-move", args=[world["child"].pk]), confirm)
    assert first.status_code == 302
    assert first["Location"] == reverse("school-overview", args=[world["oak"].urn])
    again = client.post(reverse("child-move", args=[world["child"].pk]), confirm, follow=True)
    assert ALREADY_SENT in again.content.decode()
    assert Enrolment.objects.count() == 2
    assert AuditEvent.objects.filter(summary__startswith="Oliver joined Elm Primary").count() == 1
    assert Child.objects.get(pk=world["child"].pk).school == world["elm"]


def test_the_new_senco_sees_the_transfer_clocks_of_the_ehc_plan_on_the_childs_page(client, world):
    move_child(world["child"], world["elm"], date(2026, 1, 14), world["oak_senco"], "Moved house",
               old_authority_aware_on=date(2026, 1, 8))  # fmt: skip
    client.force_login(world["elm_senco"])
    page = lxml.html.fromstring(client.get(reverse("child-detail", args=[world["child"].pk])).content)
    text = " ".join(page.text_content().split())
    assert "Transfer of the EHC plan to the new local authority" in text
    assert "28 January 2026" in text  # 15 working days beginning with 8 January
    assert "The new local authority writes to you about the transferred plan" in text
    assert "11 March 2026" in text  # 6 weeks from 28 January
    assert "First review of the EHC plan by the new local authority" in text
    assert "31 August 2026" in text  # 12 months from the plan made on 1 September 2025, the later
    assert "Regulation 15, Special Educational Needs and Disability Regulations 2014" in text
    # The s44 annual review clock gives way to reg 15(5) until the new authority's first review.
    assert "Annual review of the EHC plan" not in text


def test_the_parents_calendar_feed_carries_the_transfer_clocks_as_the_childs_page_does(client, world):
    """Reg 15(4) SEND Regulations 2014: transferred Wednesday 28 January 2026, the new authority writes within 6 weeks,
    by Wednesday 11 March 2026; reg 15(5) replaces the s44 annual review until the new authority's first review."""
    move_child(world["child"], world["elm"], date(2026, 1, 14), world["oak_senco"], "Moved house",
               old_authority_aware_on=date(2026, 1, 8))  # fmt: skip
    client.force_login(make_parent(world["child"]))
    link = client.post(reverse("calendar-settings"), {"action": "create"}).context["new_link"]
    client.logout()
    feed = client.get(link.replace("http://testserver", "")).content.decode().replace("\r\n ", "")
    assert "The new local authority writes to you about the transferred plan due" in feed
    assert "DTSTART;VALUE=DATE:20260311" in feed
    assert "First review of the EHC plan by the new local authority due" in feed
    assert "Annual review of the EHC plan due" not in feed


def test_a_school_plan_brought_along_is_shown_as_not_expected_until_the_new_senco_adopts_it(client, world):
    ava = make_child(world["oak"], first_name="Ava")
    make_line(make_plan(ava, world["oak_senco"]), world["oak_senco"])
    move_child(ava, world["elm"], date(2026, 1, 14), world["oak_senco"], "Moved house")
    client.force_login(world["elm_senco"])
    child_page = client.get(reverse("child-detail", args=[ava.pk])).content.decode()
    assert "has not adopted it yet, so nothing of it is expected here until it does" in child_page
    register = client.get(reverse("register")).content.decode()
    assert "It is not on this register: nothing of it is expected here until the SENCO adopts it" in register
    proposal = PlanProposal.objects.get(child=ava)
    url = reverse("proposal-adopt", args=[proposal.pk])
    page = client.get(url).content.decode()
    assert "Motor Skills programme: 2 sessions of 30 minutes a week" in page
    values = {**_form_values(page), "start_date": "2026-02-02", "review_due": "2026-07-01"}
    assert client.post(url, values).status_code == 302
    # Sent again (back, and send), it adopts nothing twice.
    assert ALREADY_SENT in client.post(url, values, follow=True).content.decode()
    assert ava.plans.filter(status="active").count() == 1
    proposal.refresh_from_db()
    assert proposal.outcome == "adopted"
    assert "has not adopted it yet" not in client.get(reverse("child-detail", args=[ava.pk])).content.decode()


def test_the_senco_of_the_school_left_undoes_a_move_recorded_in_error_once_from_the_earlier_page(client, world):
    move_child(world["child"], world["elm"], date(2026, 1, 14), world["oak_senco"], "Moved house")
    client.force_login(world["oak_senco"])
    earlier = client.get(reverse("child-earlier", args=[world["child"].pk])).content.decode()
    assert "Oliver did not leave: the move was recorded in error" in earlier
    url = reverse("move-void", args=[world["child"].pk])
    page = client.get(url).content.decode()
    assert (
        "joined Elm Primary on Wednesday 14 January 2026, so their last day on the roll at Oak Primary was Tuesday "
        "13 January 2026" in page
    )
    blank = client.post(url, {**_form_values(page), "reason": ""})
    assert _errors(blank.content.decode()) == ["Why was the move recorded in error?: This field is required."]
    sent = {**_form_values(blank.content.decode()), "reason": "Wrong child chosen."}
    first = client.post(url, sent)
    assert first["Location"] == reverse("school-overview", args=[world["oak"].urn])
    again = client.post(url, sent, follow=True)
    assert ALREADY_SENT in again.content.decode()
    assert Child.objects.get(pk=world["child"].pk).school == world["oak"]
    assert Enrolment.recorded.filter(voided_at__isnull=False).count() == 1
    # The new school's SENCO no longer reaches him.
    client.force_login(world["elm_senco"])
    assert client.get(reverse("child-detail", args=[world["child"].pk])).status_code == 404


def test_the_undo_page_says_at_once_that_a_move_with_something_recorded_after_it_stays_and_offers_no_form(
    client, world
):
    move_child(world["child"], world["elm"], date(2026, 1, 14), world["oak_senco"], "Moved house")
    make_session(world["child"].plans.get().lines.get(), world["elm_senco"], date(2026, 1, 20))
    client.force_login(world["elm_senco"])
    page = lxml.html.fromstring(client.get(reverse("move-void", args=[world["child"].pk])).content.decode())
    [stays] = page.xpath('//*[@data-testid="move-stays"]')
    assert "Something has been recorded since the move (" in stays.text_content()
    assert [f for f in page.forms if f.method.upper() == "POST" and not f.get("action")] == []
