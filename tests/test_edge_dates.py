"""Stored data a page does not expect (dates the models allow but no action would write) is shown, never a 500."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from provision_ledger.delivery.models import Session
from provision_ledger.plans.models import LineVersion, Plan
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
