"""The parts of a child's page kept between requests are never out of date: after a write through any writing form,
and after an edit to the school's calendar or the child's own row, the page read again is exactly the page worked
out afresh."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.cache import caches
from django.urls import reverse

from provision_ledger.people.models import NonTeachingDay
from tests.test_forms_sent_twice import TESTED_HERE, _cases, _form
from tests.test_forms_sent_twice import world as world  # the fixture, used by its own name

pytestmark = pytest.mark.django_db

_ONE_TIME = re.compile(r'name="(csrfmiddlewaretoken|form_key)" value="[^"]*"')


def _page(client, child_id: int) -> str:
    response = client.get(reverse("child-detail", args=[child_id]))
    assert response.status_code == 200
    return _ONE_TIME.sub("", response.content.decode())


def _afresh(client, child_id: int) -> str:
    caches["pages"].clear()
    return _page(client, child_id)


@pytest.mark.parametrize("name", list(TESTED_HERE))
def test_the_childs_page_read_after_any_writing_form_is_the_page_worked_out_afresh(client, world, name):
    case, child = _cases(world)[name], world["child"].pk
    readers = {who: world[who] for who in ("senco", "parent", "staff")}
    before = {}
    for who, person in readers.items():
        client.force_login(person)
        before[who] = _page(client, child)  # worked out, and kept
        assert _page(client, child) == before[who]  # read again from what was kept
    client.force_login(world[case.who])
    page = client.get(case.page)
    data = {**_form(page.content.decode(), case.page, case.action, case.which), **case.fill}
    assert client.post(case.action, data).status_code == 302
    client.get(reverse("alert-preferences"))  # shows, and so clears, the "saved" message, which is not the record
    for who, person in readers.items():
        client.force_login(person)
        kept = _page(client, child)
        assert kept == _afresh(client, child), (name, who)


def test_the_childs_page_follows_an_edit_to_the_schools_calendar_or_the_childs_row_made_outside_the_pages(
    client, world
):
    child, senco = world["child"], world["senco"]
    client.force_login(senco)
    before = _page(client, child.pk)
    # A closure on a day the line's sessions were due: fewer were promised, whatever was recorded.
    NonTeachingDay.objects.create(school=child.school, date=date(2025, 10, 15), kind=NonTeachingDay.Kind.CLOSURE)
    closed = _page(client, child.pk)
    assert closed != before
    assert closed == _afresh(client, child.pk)
    type(child).objects.filter(pk=child.pk).update(first_name="Olly")
    renamed = _page(client, child.pk)
    assert "Olly" in renamed
    assert renamed == _afresh(client, child.pk)


def test_the_childs_page_follows_a_session_recorded_through_the_api(client, world):
    from django.test import Client

    from provision_ledger.api.actions import issue_token

    child, senco = world["child"], world["senco"]
    client.force_login(senco)
    before = _page(client, child.pk)
    secret = issue_token(by=senco, name="Arbor", school=child.school)[1]
    body = {"client_key": "k1", "line_id": world["line"].pk, "date": "2025-10-16", "status": "delivered"}
    sent = Client().post(
        "/api/v1/sessions", body, content_type="application/json", headers={"Authorization": f"Bearer {secret}"}
    )
    assert sent.status_code == 201
    after = _page(client, child.pk)
    assert after != before
    assert after == _afresh(client, child.pk)
