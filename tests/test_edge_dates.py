"""Stored data a page does not expect (dates the models allow but no action would write) is shown, never a 500."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from provision_ledger.delivery.models import Session
from provision_ledger.nextsteps.models import Letter, StatutoryEvent
from provision_ledger.plans.models import LineVersion, Plan
from provision_ledger.rules.clocks import ClockKind
from tests.factories import make_la_officer, make_line, make_parent, make_plan, make_session, make_staff

pytestmark = pytest.mark.django_db

EDGES = [date(1, 1, 1), date(1900, 1, 1), date(2099, 12, 31), date(9999, 12, 31)]


@pytest.mark.parametrize("edge", EDGES)
def test_every_page_of_a_child_loads_when_stored_dates_are_at_the_edges_the_database_allows(
    client, school, senco, child, edge
):
    line = make_line(make_plan(child, senco, start=date(2025, 9, 1)), senco)
    session = make_session(line, senco, date(2025, 9, 10))
    # Written past the actions, as an old import or a hand edit might have left them.
    Session.objects.filter(pk=session.pk).update(date=edge)
    LineVersion.objects.filter(line=line).update(end_date=edge if edge >= date(2025, 9, 1) else None)
    other = make_plan(child, senco, kind="ehc_plan", start=date(2026, 9, 1))
    Plan.objects.filter(pk=other.pk).update(review_due=edge if edge > date(2026, 9, 1) else date(2027, 9, 1))
    pages = [
        reverse("child-detail", args=[child.pk]),
        reverse("child-history", args=[child.pk]),
        reverse("line-detail", args=[line.pk]),
        reverse("record-pdf", args=[child.pk]),
        reverse("record-csv", args=[child.pk]),
        reverse("record-json", args=[child.pk]),
        reverse("statutory-events", args=[child.pk]),
        reverse("school-overview", args=[school.urn]),
        reverse("register"),
        reverse("register") + f"?date={edge.isoformat()}",
    ]
    for person in (senco, make_staff(school, child), make_parent(child)):
        client.force_login(person)
        for page in pages:
            assert client.get(page).status_code in (200, 302, 403, 404), (person, page)
    client.force_login(make_la_officer(school.local_authority))
    for page in (reverse("la-overview"), reverse("la-delivery"), reverse("la-delivery-trend")):
        assert client.get(page).status_code == 200, page


@pytest.mark.parametrize("edge", [*EDGES, date(2030, 1, 1)])
def test_letters_replies_and_statutory_dates_stored_at_the_edges_leave_every_page_of_the_child_loading(
    client, school, senco, child, edge
):
    # As data written before the actions refused such dates may hold them: a reply dated 2030 once broke the child's
    # page and the deadlines page for good.
    plan = make_plan(child, senco, kind="ehc_plan", start=date(2025, 9, 1))
    make_session(make_line(plan, senco), senco, date(2025, 9, 10))
    parent = make_parent(child)
    for kind, replied in (("ask_school_to_reinstate", edge), ("write_to_la_s42", None)):
        Letter.objects.create(
            local_authority=child.local_authority, child=child, kind=kind, addressee="The headteacher",
            subject=f"Letter {kind}", body="…", sent_on=edge, reply_due=edge, replied_on=replied, written_by=parent,
        )  # fmt: skip
    StatutoryEvent.objects.create(
        local_authority=child.local_authority, child=child, kind="review_meeting", date=edge, recorded_by=senco
    )
    pages = [
        reverse(name, args=[child.pk])
        for name in ("child-detail", "child-history", "record-pdf", "record-json", "statutory-events", "child-outcomes")
    ] + [reverse("school-overview", args=[school.urn]), reverse("home")]
    for person in (senco, parent):
        client.force_login(person)
        for page in pages:
            assert client.get(page).status_code in (200, 302, 403, 404), (person, page)
    client.force_login(make_la_officer(school.local_authority))
    assert client.get(reverse("la-delivery")).status_code == 200


def test_a_letter_stored_as_sent_after_today_is_named_on_the_parents_page_and_starts_no_clock(
    client, school, senco, child
):
    plan = make_plan(child, senco, kind="ehc_plan", start=date(2025, 9, 1))
    make_line(plan, senco)
    parent = make_parent(child)
    Letter.objects.create(
        local_authority=child.local_authority, child=child, kind="write_to_la_s42", addressee="The SEN team",
        subject="Section 42 letter", body="…", sent_on=date(2030, 1, 1), written_by=parent,
    )  # fmt: skip
    client.force_login(parent)
    response = client.get(reverse("child-detail", args=[child.pk]))
    page = " ".join(response.content.decode().split())
    assert (
        "The letter “Section 42 letter” is recorded as sent on 1 January 2030, after today, so it is left out of the "
        "next steps and the deadlines until its date is corrected." in page
    )
    assert [v.clock.kind for v in response.context["deadlines"] if v.clock.kind == ClockKind.LA_REPLY_REQUESTED] == []
