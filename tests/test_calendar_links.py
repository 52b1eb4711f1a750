"""Calendar links are for families: a link reaches only its owner's own children, expires unless renewed, and each
fetch is in "Who has looked"; staff and the authority have none."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from provision_ledger.audit.models import RecordView
from provision_ledger.core.access import FEED_READING
from provision_ledger.parents.actions import make_calendar_link
from provision_ledger.parents.models import CalendarFeed
from provision_ledger.people.models import Guardianship
from tests.factories import make_child, make_la_officer, make_line, make_parent, make_plan, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def timetabled(senco, child, school, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2025, 10, 13))
    make_line(make_plan(child, senco), senco, description="Sensory circuit", weekdays=[0])
    ava = make_child(school, first_name="Ava")
    make_line(make_plan(ava, senco), senco, description="Ava's group", weekdays=[0])
    return ava


def _link(client, user) -> str:  # type: ignore[no-untyped-def]
    client.force_login(user)
    response = client.post(reverse("calendar-settings"), {"action": "create"})
    return response.context["new_link"].replace("http://testserver", "")


def _summaries(client, link) -> list[str]:  # type: ignore[no-untyped-def]
    body = client.get(link).content.decode()
    return sorted({line.split(":", 1)[1] for line in body.splitlines() if line.startswith("SUMMARY:")})


def test_a_parent_who_is_also_the_senco_gets_only_their_own_childs_dates(client, timetabled, senco, child):
    Guardianship.objects.create(user=senco, child=child)
    link = _link(client, senco)
    client.logout()
    assert _summaries(client, link) == ["Oliver: Sensory circuit", "Oliver: plan review due"]


@pytest.mark.parametrize("role", ["ta", "senco", "la_officer"])
def test_staff_and_the_authority_have_no_calendar_link_and_are_told_why(client, timetabled, school, senco, role):
    person = {
        "ta": lambda: make_staff(school, timetabled),
        "senco": lambda: senco,
        "la_officer": lambda: make_la_officer(school.local_authority),
    }[role]()
    client.force_login(person)
    for response in (
        client.get(reverse("calendar-settings")),
        client.post(reverse("calendar-settings"), {"action": "create"}),
    ):
        assert response.status_code == 403
        assert "A link for a member of staff would show every child they can see" in response.content.decode()
    assert CalendarFeed.objects.count() == 0
    with pytest.raises(ValidationError, match=r"Calendar links are for parents and carers, for their own children\."):
        make_calendar_link(user=person)


def test_a_link_stops_working_when_it_expires_and_renewing_keeps_it(client, timetabled, child, settings):
    parent = make_parent(child)
    link = _link(client, parent)
    feed = CalendarFeed.objects.get()
    assert feed.expires_at - feed.created_at == timedelta(days=settings.CALENDAR_LINK_DAYS)
    CalendarFeed.objects.update(expires_at=timezone.now() + timedelta(minutes=1))
    response = client.post(reverse("calendar-settings"), {"action": "renew"})
    assert "Your calendar link will keep working for 90 days from today." in response.content.decode()
    assert CalendarFeed.objects.get().expires_at > timezone.now() + timedelta(days=89)
    CalendarFeed.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client.logout()
    assert client.get(link).status_code == 404


def test_a_link_made_before_links_expired_no_longer_works(client, timetabled, child):
    parent = make_parent(child)
    link = _link(client, parent)
    CalendarFeed.objects.update(expires_at=None)
    client.logout()
    assert client.get(link).status_code == 404


def test_each_fetch_of_a_link_is_in_who_has_looked_once_an_hour(client, timetabled, child):
    parent = make_parent(child, timetabled)
    link = _link(client, parent)
    client.logout()
    for _ in range(3):
        assert client.get(link).status_code == 200
    reads = RecordView.objects.filter(viewer=parent, what=FEED_READING)
    assert sorted(reads.values_list("child__first_name", flat=True)) == ["Ava", "Oliver"]
    reads.update(at=timezone.now() - timedelta(hours=2))
    client.get(link)
    assert reads.count() == 4
    client.force_login(parent)
    page = client.get(reverse("record-views", kwargs={"child_id": child.pk})).content.decode()
    assert "The calendar (private link)" in page
