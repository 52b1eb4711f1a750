"""Who reaches a family-kept record: its keeper alone, until they share; the school then sees only what is shared."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from provision_ledger.api.actions import issue_token
from provision_ledger.core import access
from provision_ledger.family import actions
from provision_ledger.family.models import FamilyChild
from tests.factories import (
    make_child,
    make_commission,
    make_la_officer,
    make_parent,
    make_practitioner,
    make_school,
    make_senco,
    make_service,
    make_service_manager,
    make_staff,
    make_trust,
    make_trust_lead,
    make_user,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()

# Every route of the family's record, with its arguments taken from a record.
FAMILY_ROUTES = {
    "family-child": lambda r: {"family_child_id": r["child"].pk},
    "family-plan-read": lambda r: {"family_child_id": r["child"].pk},
    "family-entry-add": lambda r: {"family_child_id": r["child"].pk},
    "family-records-request": lambda r: {"family_child_id": r["child"].pk},
    "family-school-invite": lambda r: {"family_child_id": r["child"].pk},
    "family-school-confirm": lambda r: {"family_child_id": r["child"].pk},
    "family-record-export": lambda r: {"family_child_id": r["child"].pk},
    "family-record-pdf": lambda r: {"family_child_id": r["child"].pk},
    "family-record-delete": lambda r: {"family_child_id": r["child"].pk},
    "family-entry-share": lambda r: {"entry_id": r["entry"].pk},
    "family-records-pdf": lambda r: {"request_id": r["request"].pk},
    "family-records-docx": lambda r: {"request_id": r["request"].pk},
    "family-next-steps": lambda r: {"family_child_id": r["child"].pk},
    "family-letter-write": lambda r: {"family_child_id": r["child"].pk, "kind": "ask_school_to_reinstate"},
    "family-records-answer": lambda r: {"request_id": r["request"].pk},
    "family-letter": lambda r: {"letter_id": r["letter"].pk},
    "family-letter-download": lambda r: {"letter_id": r["letter"].pk, "extension": "pdf"},
}
# Routes that take no record: sign-up and the invitation links are open; the family's own list shows only theirs.
FAMILY_UNSCOPED = {
    "family-sign-up",
    "family-sign-up-confirm",
    "family-home",
    "family-child-add",
    "family-school-accept",
}
POST_ONLY = {"family-school-confirm", "family-entry-share", "family-records-answer"}


@pytest.fixture
def kept():
    """A family-kept child at a school of the register, with an entry and a letter; and everyone around them."""
    school = make_school()
    keeper = make_user()
    family_child = actions.add_family_child(
        keeper=keeper, first_name="Oliver", last_name="Bennett", date_of_birth=date(2019, 11, 2), year_group="1",
        school=school, school_name="", school_address="", plan_kind="sen_support",
        plan_start=TODAY - timedelta(days=30), plan_end=None, today=TODAY,
    )  # fmt: skip
    entry = actions.record_entry(
        family_child=family_child, by=keeper, source="parent", line=None, happened_on=TODAY, written_on=None,
        sessions=None, outcome="", text="Seen at home", today=TODAY,
    )  # fmt: skip
    request = actions.create_records_request(
        family_child=family_child, by=keeper, received_on=TODAY - timedelta(days=3), parent_name="Tom",
        parent_address="", maintained=None, today=TODAY,
    )  # fmt: skip
    # The school answered and said in writing a session did not take place: the next steps and their letters open.
    actions.record_records_answer(request=request, by=keeper, answered_on=TODAY, today=TODAY)
    [line] = actions.add_family_lines(
        family_child=family_child, by=keeper, lines=[actions.ConfirmedFamilyLine(
            statement="Motor Skills", description="Motor Skills", sessions=3, period="week", minutes_per_session=20,
            specific=True,
        )],
    )  # fmt: skip
    actions.record_entry(
        family_child=family_child, by=keeper, source="school_writing", line=line, happened_on=TODAY,
        written_on=TODAY, sessions=1, outcome="did_not", text="No session today", today=TODAY,
    )  # fmt: skip
    from provision_ledger.family.queries import family_advice, family_statement

    [step] = [
        s
        for s in family_advice(family_child, family_statement(family_child, TODAY), TODAY).steps
        if s.kind == "ask_school_to_reinstate"
    ]
    letter = actions.save_family_letter(
        family_child=family_child, step=step, schedule={}, by=keeper, addressee="The Headteacher",
        subject="Provision", body="Dear Headteacher", sent_on=TODAY, today=TODAY,
    )  # fmt: skip
    school_child = make_child(school, first_name="Other")
    senco = make_senco(school)
    service = make_service()
    make_commission(service, school)
    return {
        "child": family_child,
        "entry": entry,
        "request": request,
        "letter": letter,
        "keeper": keeper,
        "school": school,
        "others": {
            "another parent": make_parent(school_child),
            "the school's SENCO": senco,
            "staff": make_staff(school, school_child),
            "an officer of the authority": make_la_officer(school.local_authority),
            "the trust's SEND lead": make_trust_lead(make_trust(school)),
            "a practitioner": make_practitioner(service, school_child, by=senco),
            "a service manager": make_service_manager(service),
        },
    }


def _url(route, record):
    return reverse(route, kwargs=FAMILY_ROUTES[route](record))


def test_the_keeper_reaches_every_route_of_their_record(client, kept):
    client.force_login(kept["keeper"])
    statuses = {route: client.get(_url(route, kept)).status_code for route in FAMILY_ROUTES if route not in POST_ONLY}
    assert statuses == dict.fromkeys(statuses, 200)


@pytest.mark.parametrize(
    "who",
    [
        "another parent",
        "the school's SENCO",
        "staff",
        "an officer of the authority",
        "the trust's SEND lead",
        "a practitioner",
        "a service manager",
    ],
)
def test_nobody_else_reaches_a_family_kept_record_on_any_route(client, kept, who):
    client.force_login(kept["others"][who])
    statuses = {
        (route, method): getattr(client, method)(_url(route, kept)).status_code
        for route in FAMILY_ROUTES
        for method in ("get", "post")
    }
    # A POST-only route refuses a GET for any id, so the 405 says nothing of whether the record exists.
    assert statuses == {key: 405 if key[0] in POST_ONLY and key[1] == "get" else 404 for key in statuses}
    assert FamilyChild.objects.get().entries.count() == 2
    assert FamilyChild.objects.get().letters.count() == 1


def test_signed_out_visitors_are_sent_to_sign_in(kept):
    client = Client()
    for route in FAMILY_ROUTES:
        response = client.get(_url(route, kept))
        assert (route, response.status_code, response["Location"].split("?")[0]) == (route, 302, reverse("login"))


def test_an_api_token_reaches_nothing_of_it(kept):
    senco = kept["others"]["the school's SENCO"]
    _, token = issue_token(by=senco, name="MIS", school=kept["school"])
    assert list(access.family_children_for(token)) == []
    response = Client().get("/api/v1/children/", headers={"Authorization": f"Bearer {token}"})
    assert "Oliver" not in response.content.decode()


def test_the_authority_and_staff_never_see_shared_entries_and_sharing_is_revocable(kept):
    keeper, family_child = kept["keeper"], kept["child"]
    invitation_email = "senco@hillside.test"
    actions.invite_school(family_child=family_child, email=invitation_email, by=keeper, base_url="")
    from provision_ledger.family.models import SchoolInvitation, SchoolLink
    from provision_ledger.parents.models import hash_token

    token = "t"
    SchoolInvitation.objects.update(token_hash=hash_token(token))
    senco = actions.accept_school_invitation(
        token=token, first_name="Jo", last_name="Green", password="a long pass phrase"
    )
    link = SchoolLink.objects.get()
    actions.share_entry(entry=kept["entry"], by=keeper)
    assert access.shared_family_entries(senco, link.child) == []  # not yet confirmed by the parent
    actions.confirm_school_link(link=link, by=keeper)
    assert access.shared_family_entries(senco, link.child) == [kept["entry"]]
    officer = kept["others"]["an officer of the authority"]
    staff = make_staff(kept["school"], link.child)
    assert access.shared_family_entries(officer, link.child) == []
    assert access.shared_family_entries(kept["others"]["the trust's SEND lead"], link.child) == []
    assert access.shared_family_entries(staff, link.child) == []
    other_senco = make_senco(make_school())
    assert access.shared_family_entries(other_senco, link.child) == []
    actions.unshare_entry(entry=kept["entry"], by=keeper)
    assert access.shared_family_entries(senco, link.child) == []
    # The SENCO still does not reach the family's own pages.
    client = Client()
    client.force_login(senco)
    assert client.get(reverse("family-child", args=[family_child.pk])).status_code in (302, 404)
