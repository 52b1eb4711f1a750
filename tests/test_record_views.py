"""Every read of a child's record by staff is written down, and the family can see who looked."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from provision_ledger.audit.models import RecordView
from provision_ledger.parents.actions import raise_concern
from tests.factories import (
    make_child,
    make_la_officer,
    make_line,
    make_parent,
    make_plan,
    make_school,
    make_session,
    make_staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def line(child, senco):
    line = make_line(make_plan(child, senco), senco)
    make_session(line, senco, date(2025, 9, 10))
    return line


@pytest.mark.parametrize(
    ("route", "what"),
    [
        ("child-detail", "the record page"),
        ("child-history", "the history of changes"),
        ("record-pdf", "the statement (PDF)"),
        ("record-csv", "every session (CSV)"),
        ("record-json", "everything held (JSON)"),
        ("child-funding", "the funding page"),
        ("cost-statement-pdf", "the cost statement (PDF)"),
        ("support-time", "where support time went"),
        ("concerns", "the concerns raised"),
        ("statutory-events", "the statutory deadlines"),
    ],
)
def test_a_senco_reading_part_of_a_childs_record_is_logged_with_who_and_what(client, senco, child, line, route, what):
    client.force_login(senco)

    response = client.get(reverse(route, args=[child.pk]))

    assert response.status_code == 200
    assert list(RecordView.objects.values_list("viewer", "child", "what")) == [(senco.pk, child.pk, what)]


def test_reading_a_line_or_a_concern_is_logged_against_the_child(client, senco, child, line):
    concern = raise_concern(child=child, by=make_parent(child), subject="Speech group", body="Did it happen?")
    client.force_login(senco)

    client.get(reverse("line-detail", args=[line.pk]))
    client.get(reverse("concern-detail", args=[concern.pk]))

    assert sorted(RecordView.objects.values_list("child", "what")) == [
        (child.pk, "a concern and its replies"),
        (child.pk, "a provision line and its sessions"),
    ]


def test_teaching_assistants_and_la_officers_reads_are_logged_too(client, school, child):
    assistant, officer = make_staff(school, child), make_la_officer(school.local_authority)
    for reader in (assistant, officer):
        client.force_login(reader)
        client.get(reverse("child-detail", args=[child.pk]))

    assert sorted(RecordView.objects.values_list("viewer", flat=True)) == sorted([assistant.pk, officer.pk])


def test_a_parents_reading_of_their_own_childs_record_is_not_logged(client, child, line):
    client.force_login(make_parent(child))

    client.get(reverse("child-detail", args=[child.pk]))
    client.get(reverse("record-pdf", args=[child.pk]))

    assert RecordView.objects.count() == 0


def test_a_refused_read_logs_nothing(client, child):
    stranger = make_staff(make_school())
    client.force_login(stranger)

    assert client.get(reverse("child-detail", args=[child.pk])).status_code == 404
    assert RecordView.objects.count() == 0


def test_the_parent_sees_who_looked_at_what_and_when_in_plain_words(client, senco, school, child):
    assistant = make_staff(school, child, first_name="Priya", last_name="Shah")
    client.force_login(assistant)
    client.get(reverse("child-detail", args=[child.pk]))
    parent = make_parent(child)
    client.force_login(parent)

    child_page = client.get(reverse("child-detail", args=[child.pk])).content.decode()
    page = client.get(reverse("record-views", args=[child.pk])).content.decode()

    assert reverse("record-views", args=[child.pk]) in child_page
    assert "Who has looked at Oliver’s record" in page
    assert "1 time, newest first." in page
    assert (
        'Priya Shah<br><span class="govuk-body-s">Teaching assistant, teacher or therapist, Hillside Primary School'
        in page
    )
    assert "The record page" in page


def test_the_page_says_plainly_when_nobody_has_looked(client, child):
    client.force_login(make_parent(child))

    page = client.get(reverse("record-views", args=[child.pk])).content.decode()

    assert "Nobody at the school or the local authority has looked at it yet." in page


def test_a_logged_read_can_be_neither_changed_nor_deleted(senco, child):
    view = RecordView.objects.create(
        local_authority_id=child.local_authority_id, viewer=senco, child=child, what="the record page"
    )

    view.what = "nothing"
    with pytest.raises(ValueError, match="never changed"):
        view.save()
    with pytest.raises(ValueError, match="never deleted"):
        view.delete()
    assert RecordView.objects.get().what == "the record page"


def test_another_familys_parent_cannot_see_who_looked(client, school, child):
    other_child = make_child(school, first_name="Maya")
    client.force_login(make_parent(other_child))

    assert client.get(reverse("record-views", args=[child.pk])).status_code == 404
