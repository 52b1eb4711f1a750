"""The family's own record: signing up, the child and plan, entries, the statement, the letter, sharing, deleting."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import lxml.html
import pypdf
import pytest
from django.apps import apps
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from provision_ledger.audit.models import AuditEvent
from provision_ledger.family import actions, chain
from provision_ledger.family.models import (
    EntryShare,
    FamilyChild,
    FamilyEntry,
    FamilyEvent,
    FamilyLine,
    SchoolLink,
)
from provision_ledger.people.models import Child, Membership, Role, User
from tests.factories import make_school, make_user

pytestmark = pytest.mark.django_db

IEP = (
    "Communication and interaction\n"
    "- Narrative Therapy: one 30-minute session each week, 1:1 with a teaching assistant trained in Narrative "
    "Therapy by the speech and language therapist.\n"
    "Physical and sensory\n"
    "- Motor Skills programme: 3 sessions a week of 20 minutes, in a group of 4, delivered by a teaching assistant "
    "trained by the occupational therapist.\n"
    "- Access to a quiet space as appropriate.\n"
)
TODAY = timezone.localdate()


def _link(message) -> str:
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


def _kept(keeper: User, school=None, **extra) -> FamilyChild:
    values = {
        "keeper": keeper, "first_name": "Oliver", "last_name": "Bennett", "date_of_birth": date(2019, 11, 2),
        "year_group": "1", "school": school, "school_name": "" if school else "St Anne's Primary", "school_address": "",
        "plan_kind": "iep_school_action_plus", "plan_start": TODAY - timedelta(days=60), "plan_end": None,
        "today": TODAY,
    } | extra  # fmt: skip
    return actions.add_family_child(**values)


def _line(family_child: FamilyChild, **terms) -> FamilyLine:
    values = {"statement": "Motor Skills programme", "description": "Motor Skills programme", "sessions": 3,
              "period": "week", "minutes_per_session": 20, "specific": True} | terms  # fmt: skip
    [line] = actions.add_family_lines(
        family_child=family_child, by=family_child.keeper, lines=[actions.ConfirmedFamilyLine(**values)]
    )
    return line


def _entry(family_child: FamilyChild, **values) -> FamilyEntry:
    defaults = {"source": "school_writing", "line": None, "happened_on": TODAY - timedelta(days=7),
                "written_on": TODAY - timedelta(days=5), "sessions": None, "outcome": "",
                "text": "Email from the school"}  # fmt: skip
    return actions.record_entry(family_child=family_child, by=family_child.keeper, today=TODAY, **(defaults | values))


# Signing up


def test_sign_up_sends_a_link_and_says_the_same_whether_or_not_the_address_has_an_account(client):
    make_user("taken@example.test")
    new = client.post(reverse("family-sign-up"), {"email": "new@example.test"})
    taken = client.post(reverse("family-sign-up"), {"email": "Taken@example.test"})
    assert new.status_code == taken.status_code == 200
    strip = lambda r: r.content.decode().lower().replace("new@example.test", "X").replace("taken@example.test", "X")  # noqa: E731
    assert re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", strip(new)) == re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]+"', "", strip(taken)
    )
    assert [m.to for m in mail.outbox] == [["new@example.test"], ["taken@example.test"]]
    assert "/sign-up/" in mail.outbox[0].body
    assert "already have one" in mail.outbox[1].body
    assert "/sign-up/" not in mail.outbox[1].body


def test_sign_up_link_sets_a_password_under_the_same_rules_and_signs_in(client):
    client.post(reverse("family-sign-up"), {"email": "dad@example.test"})
    link = _link(mail.outbox[0])
    weak = client.post(link, {"first_name": "Tom", "last_name": "Bennett", "password": "123", "password_again": "123"})
    assert weak.status_code == 200
    assert not User.objects.filter(email="dad@example.test").exists()
    done = client.post(
        link,
        {
            "first_name": "Tom",
            "last_name": "Bennett",
            "password": "a long pass phrase",
            "password_again": "a long pass phrase",
        },
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("family-home")
    user = User.objects.get(email="dad@example.test")
    assert not user.memberships.exists()
    again = client.get(link)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_a_tampered_or_expired_sign_up_link_is_refused(client, monkeypatch):
    assert "not valid" in client.get(reverse("family-sign-up-confirm", args=["nonsense"])).content.decode()
    token = signing.dumps("late@example.test", salt=actions.SIGN_UP_SALT)
    monkeypatch.setattr(actions, "SIGN_UP_LINK_DAYS", -1)
    response = client.get(reverse("family-sign-up-confirm", args=[token]))
    assert (response.status_code, "has expired" in response.content.decode()) == (410, True)
    assert not User.objects.filter(email="late@example.test").exists()


def test_sign_up_is_throttled_per_address_and_per_email(client):
    for _ in range(actions.SIGN_UP_PER_EMAIL):
        assert client.post(reverse("family-sign-up"), {"email": "same@example.test"}).status_code == 200
    assert client.post(reverse("family-sign-up"), {"email": "same@example.test"}).status_code == 429
    for n in range(actions.SIGN_UP_PER_ADDRESS - actions.SIGN_UP_PER_EMAIL):
        client.post(reverse("family-sign-up"), {"email": f"other{n}@example.test"})
    assert client.post(reverse("family-sign-up"), {"email": "fresh@example.test"}).status_code == 429
    assert len(mail.outbox) == actions.SIGN_UP_PER_ADDRESS


# The child


def test_a_child_is_added_at_a_school_found_by_urn(client):
    school = make_school()
    parent = make_user()
    client.force_login(parent)
    response = client.post(
        reverse("family-child-add"),
        {"first_name": "Oliver", "last_name": "Bennett", "date_of_birth": "2019-11-02", "year_group": "1",
         "school_search": school.urn, "plan_kind": "iep_school_action_plus", "plan_start": "2025-10-01"},
    )  # fmt: skip
    family_child = FamilyChild.objects.get()
    assert response["Location"] == reverse("family-plan-read", args=[family_child.pk])
    assert (family_child.school, family_child.keeper) == (school, parent)
    assert not Child.objects.exists()  # the school's record is not touched


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"school_search": "999999"}, "school_search", "No school in the register has the URN 999999."),
        ({"school_search": "Nowhere Academy"}, "school_search", "No school in the register matches"),
        ({"date_of_birth": timedelta(days=1)}, "date_of_birth", "cannot be in the future"),
        ({"date_of_birth": "1950-01-01"}, "date_of_birth", "cannot be before"),
        ({"plan_start": timedelta(days=3)}, "plan_start", "cannot be in the future"),
    ],
)
def test_bad_details_of_a_child_are_refused_by_field_and_nothing_is_stored(client, changes, field, message):
    # A day ahead is counted from the moment of the request, so a run that crosses midnight still asks for the future.
    today = timezone.localdate()
    changes = {k: (today + v).isoformat() if isinstance(v, timedelta) else v for k, v in changes.items()}
    school = make_school()
    client.force_login(make_user())
    data = {"first_name": "Oliver", "last_name": "Bennett", "date_of_birth": "2019-11-02", "year_group": "1",
            "school_search": school.urn, "plan_kind": "sen_support", "plan_start": "2025-10-01"} | changes  # fmt: skip
    response = client.post(reverse("family-child-add"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not FamilyChild.objects.exists()


def test_a_typed_school_is_kept_when_the_parent_says_it_is_not_in_the_register(client):
    client.force_login(make_user())
    client.post(
        reverse("family-child-add"),
        {"first_name": "Oliver", "last_name": "Bennett", "date_of_birth": "2019-11-02", "year_group": "1",
         "school_search": "St Anne's Primary", "school_not_listed": "on", "plan_kind": "sen_support",
         "plan_start": "2025-10-01"},
    )  # fmt: skip
    assert FamilyChild.objects.get().school_label == "St Anne's Primary"


def test_the_same_child_added_twice_is_refused_with_a_clear_message():
    parent = make_user()
    _kept(parent)
    with pytest.raises(Exception, match=r"You have already added Oliver Bennett, born 2 November 2019"):
        _kept(parent, first_name=" oliver", last_name="BENNETT ")
    assert FamilyChild.objects.count() == 1
    _kept(make_user())  # another family's child of the same name is theirs
    assert FamilyChild.objects.count() == 2


# The plan


def test_the_plan_is_read_by_the_same_checker_and_the_parent_confirms_the_lines(client):
    parent = make_user()
    family_child = _kept(parent)
    client.force_login(parent)
    review = client.post(reverse("family-plan-read", args=[family_child.pk]), {"text": IEP})
    page = review.content.decode()
    assert "2 of 3 statements say" in " ".join(page.split())
    assert page.count("Not specified and quantified") == 1
    saved = client.post(
        reverse("family-plan-read", args=[family_child.pk]),
        {"confirm": "1", "section": review.context["text"], "include": ["1", "2", "3"]},
    )
    assert saved.status_code == 302
    lines = {line.description: (line.sessions, line.period, line.minutes_per_session, line.specific)
             for line in family_child.lines.all()}  # fmt: skip
    assert lines == {
        "Narrative Therapy": (1, "week", 30, True),
        "Motor Skills programme": (3, "week", 20, True),
        "Access to a quiet space as appropriate.": (None, "", None, False),
    }


# Entries


def test_an_entry_dated_in_the_future_or_a_report_with_no_date_is_refused_and_nothing_is_stored():
    family_child = _kept(make_user())
    with pytest.raises(Exception, match="cannot be in the future"):
        _entry(family_child, happened_on=TODAY + timedelta(days=1))
    with pytest.raises(Exception, match="A report with no date is not kept"):
        _entry(family_child, written_on=None)
    with pytest.raises(Exception, match="written before the day it is about"):
        _entry(family_child, written_on=TODAY - timedelta(days=9))
    assert not FamilyEntry.objects.exists()
    # The child's own account needs no written date.
    assert _entry(family_child, source="child", written_on=None).source == "child"


def test_a_correction_is_a_new_entry_that_voids_the_old_with_its_reason():
    family_child = _kept(make_user())
    line = _line(family_child)
    first = _entry(family_child, line=line, sessions=2, outcome="took_place")
    with pytest.raises(Exception, match="Say why"):
        _entry(family_child, line=line, sessions=1, outcome="took_place", corrects=first)
    second = _entry(
        family_child, line=line, sessions=1, outcome="took_place", corrects=first, reason="The email said one"
    )
    first.refresh_from_db()
    assert (first.voided_at is not None, first.void_reason, second.corrects) == (True, "The email said one", first)
    assert first.text == "Email from the school"  # never edited


def test_the_statement_counts_what_the_school_said_against_what_the_plan_promised(client):
    parent = make_user()
    family_child = _kept(parent, plan_start=date(2025, 10, 6), today=date(2025, 10, 20))
    line = _line(family_child, sessions=1)
    actions.record_entry(
        family_child=family_child, by=parent, source="school_writing", line=line, happened_on=date(2025, 10, 6),
        written_on=date(2025, 10, 10), sessions=1, outcome="took_place", text="One Motor Skills session this week.",
        today=date(2025, 10, 20),
    )  # fmt: skip
    from provision_ledger.family.queries import family_statement

    [s] = family_statement(family_child, date(2025, 10, 17)).lines
    # Typical term: 6-10 and 13-17 October are school weeks: 2 sessions promised, 1 told of.
    assert s.sentence == (
        "The school has told you about 1 of the 2 sessions the plan promised since October; "
        "you have no information about the other 1."
    )
    client.force_login(parent)
    page = client.get(reverse("family-child", args=[family_child.pk])).content.decode()
    assert "Source: The school, in writing (an email or a report)" in page
    assert "The council (the local authority) sees nothing of it" in page


# The records request


def test_the_records_request_letter_is_addressed_dated_and_gives_both_deadlines(client):
    parent = make_user(first_name="Tom", last_name="Bennett")
    school = make_school(years=(2025, 2026))
    school.establishment_type = "Community school"
    school.save()
    family_child = _kept(parent, school=school, school_address="1 Mill Lane\nNorthtown")
    client.force_login(parent)
    received = TODAY
    response = client.post(
        reverse("family-records-request", args=[family_child.pk]),
        {"parent_name": "Tom Bennett", "received_on": received.isoformat(), "maintained": "yes"},
    )
    assert response.status_code == 302
    [request] = family_child.records_requests.all()
    pdf = client.get(reverse("family-records-pdf", args=[request.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "The Headteacher Hillside Primary School 1 Mill Lane Northtown" in text
    assert "Education (Pupil Information) (England) Regulations 2005" in text
    assert "within 15 school days" in text
    assert "Article 15 of the UK General Data Protection Regulation" in text
    assert f"{received:%B %Y}" in text
    assert "not legal advice" in text
    page = client.get(reverse("family-child", args=[family_child.pk])).content.decode()
    assert "the school must answer by" in page


# The chain, the export and deleting


def test_every_change_is_in_the_families_chain_without_its_content_and_verify_finds_tampering():
    family_child = _kept(make_user())
    entry = _entry(family_child, text="Mrs Green wrote: no sessions this week")
    assert chain.verify() == []
    events = list(FamilyEvent.objects.values_list("summary", flat=True))
    assert events == ["A family-kept record was started", "An entry was recorded"]
    assert not any("Green" in str(v) for v in FamilyEvent.objects.values())
    FamilyEntry.objects.filter(pk=entry.pk).update(text="changed")
    assert [p.message for p in chain.verify()] == [
        f"Family familyentry {entry.pk} differs from its last recorded event."
    ]


def test_deleting_the_record_keeps_one_event_and_nothing_of_the_content(client):
    parent = make_user()
    family_child = _kept(parent)
    _line(family_child)
    _entry(family_child, text="Private words")
    client.force_login(parent)
    export = client.get(reverse("family-record-export", args=[family_child.pk])).json()
    assert export["entries"][0]["words"] == "Private words"
    assert (
        client.post(reverse("family-record-delete", args=[family_child.pk]), {"confirm_name": "oliver"}).status_code
        == 302
    )
    assert not FamilyChild.objects.exists()
    assert not FamilyEntry.objects.exists()
    assert not FamilyLine.objects.exists()
    last = FamilyEvent.objects.order_by("seq").last()
    assert (last.action, last.summary) == ("delete", "A family-kept record was deleted by the family")
    assert chain.verify() == []


# Bringing the school in


def test_the_senco_signs_up_from_the_invitation_and_sees_only_shared_entries_once_the_parent_confirms(client):
    school = make_school()
    parent = make_user()
    family_child = _kept(parent, school=school)
    shared = _entry(family_child, text="Shared email")
    _entry(family_child, text="Kept to ourselves", source="parent", written_on=None)
    client.force_login(parent)
    client.post(reverse("family-school-invite", args=[family_child.pk]), {"email": "senco@hillside.test"})
    link = _link(mail.outbox[0])
    client.logout()
    password = "a long pass phrase"
    client.post(link, {"first_name": "Jo", "last_name": "Green", "password": password, "password_again": password})
    senco = User.objects.get(email="senco@hillside.test")
    assert Membership.objects.filter(user=senco, role=Role.SENCO, school=school).exists()
    school_child = SchoolLink.objects.get().child
    assert AuditEvent.objects.filter(child=school_child, object_type="child").count() == 1
    client.force_login(senco)
    url = reverse("child-detail", args=[school_child.pk])
    assert "Shared email" not in client.get(url).content.decode()  # not shared, not confirmed
    client.force_login(parent)
    client.post(reverse("family-entry-share", args=[shared.pk]), {"share": "yes"})
    assert "Shared email" not in _page(client, senco, url)  # shared, but the child not yet confirmed
    client.force_login(parent)
    client.post(reverse("family-school-confirm", args=[family_child.pk]))
    page = _page(client, senco, url)
    assert "Shared email" in page
    assert "Kept to ourselves" not in page
    client.force_login(parent)
    client.post(reverse("family-entry-share", args=[shared.pk]), {"share": "no"})
    assert "Shared email" not in _page(client, senco, url)
    assert EntryShare.objects.get().revoked_at is not None
    assert FamilyEntry.objects.count() == 2  # nothing of the family's became the school's
    assert chain.verify() == []


def _page(client, user, url) -> str:
    client.force_login(user)
    return client.get(url).content.decode()


def test_a_typed_school_cannot_be_invited():
    family_child = _kept(make_user())
    with pytest.raises(Exception, match="Choose the school from the register first"):
        actions.invite_school(family_child=family_child, email="x@y.test", by=family_child.keeper, base_url="")


def test_verify_names_a_family_entry_altered_in_the_database():
    from django.core.management import CommandError, call_command

    entry = _entry(_kept(make_user()))
    call_command("verify")
    FamilyEntry.objects.filter(pk=entry.pk).update(text="altered")
    with pytest.raises(CommandError, match="1 problem"):
        call_command("verify")


def test_a_word_document_of_the_plan_is_read_as_pasted_text_is(client):
    import docx

    parent = make_user()
    family_child = _kept(parent)
    document = docx.Document()
    for paragraph in IEP.splitlines():
        document.add_paragraph(paragraph)
    data = io.BytesIO()
    document.save(data)
    client.force_login(parent)
    upload = io.BytesIO(data.getvalue())
    upload.name = "iep.docx"
    review = client.post(reverse("family-plan-read", args=[family_child.pk]), {"document": upload})
    assert [r.check.specific for r, _ in review.context["rows"]] == [True, True, False]


def test_the_familys_pages_take_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    parent = make_user()
    family_child = _kept(parent)
    line = _line(family_child)
    client.force_login(parent)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    page, home = reverse("family-child", args=[family_child.pk]), reverse("family-home")
    _entry(family_child, line=line, sessions=1, outcome="took_place")
    few = (queries(page), queries(home))
    for n in range(5):
        _entry(family_child, line=line, sessions=1, outcome="took_place", text=f"Email {n}")
        _kept(parent, first_name=f"Sibling{n}")
    assert (queries(page), queries(home)) == few
    with django_assert_max_num_queries(17):  # one of them the letters sent, which move the routes on
        client.get(page)


def test_the_routes_open_only_on_the_schools_word_that_sessions_did_not_take_place(client):
    parent = make_user()
    family_child = _kept(parent)
    line = _line(family_child)
    _entry(family_child, line=line, sessions=2, outcome="took_place")
    _entry(family_child, line=line, sessions=4, outcome="did_not", source="child", written_on=None)
    client.force_login(parent)
    url = reverse("family-child", args=[family_child.pk])
    page = " ".join(client.get(url).content.decode().split())
    assert "there is no step to take about missed sessions yet" in page
    assert "Ask the school to reinstate the provision" not in page
    _entry(family_child, line=line, sessions=3, outcome="did_not")
    page = " ".join(client.get(url).content.decode().split())
    assert "it told you in writing that 3 sessions did not take place" in page
    assert "Ask the school to reinstate the provision" in page
    assert "cannot be enforced as a right" in page


def test_a_school_that_already_keeps_the_child_claims_its_own_record_and_waits_for_the_parent():
    from provision_ledger.parents.models import hash_token
    from tests.factories import make_child

    school = make_school()
    existing = make_child(school, date_of_birth=date(2019, 11, 2))
    family_child = _kept(make_user(), school=school)
    actions.invite_school(family_child=family_child, email="senco@hillside.test", by=family_child.keeper, base_url="")
    from provision_ledger.family.models import SchoolInvitation

    SchoolInvitation.objects.update(token_hash=hash_token("t"))
    actions.accept_school_invitation(token="t", first_name="Jo", last_name="Green", password="a long pass phrase")
    link = SchoolLink.objects.get()
    assert (link.child, link.confirmed_at, Child.objects.count()) == (existing, None, 1)


def test_closing_a_parents_account_deletes_their_own_records():
    from provision_ledger.accounts.actions import close_parent_account

    parent = make_user()
    _entry(_kept(parent), text="Private words")
    close_parent_account(user=parent, by=parent, reason="Moving away")
    assert not FamilyChild.objects.exists()
    assert not FamilyEntry.objects.exists()
    assert chain.verify() == []


@pytest.mark.parametrize("form", ["entry", "records request", "child"])
def test_a_family_form_sent_twice_writes_once(client, form):
    parent = make_user()
    family_child = _kept(parent, first_name="Maya")
    client.force_login(parent)
    page, fill, rows = {
        "entry": (
            reverse("family-entry-add", args=[family_child.pk]),
            {"source": "parent", "happened_on": TODAY.isoformat(), "text": "Seen at home"},
            FamilyEntry.objects,
        ),
        "records request": (
            reverse("family-records-request", args=[family_child.pk]),
            {"parent_name": "Tom", "received_on": TODAY.isoformat()},
            family_child.records_requests,
        ),
        "child": (
            reverse("family-child-add"),
            {"first_name": "Oliver", "last_name": "Bennett", "date_of_birth": "2019-11-02", "year_group": "1",
             "school_search": "St Anne's", "school_not_listed": "on", "plan_kind": "sen_support",
             "plan_start": "2025-10-01"},
            FamilyChild.objects,
        ),
    }[form]  # fmt: skip
    before = rows.count()
    html = client.get(page).content.decode()
    [values] = [
        dict(f.form_values())
        for f in lxml.html.fromstring(html).forms
        if f.method.upper() == "POST" and not f.get("action")  # the page's own form, not the sign-out button
    ]
    values |= fill
    first, second = client.post(page, values), client.post(page, values)
    assert (first.status_code, second.status_code, rows.count() - before) == (302, 302, 1)


def _claimed(family_child: FamilyChild) -> None:
    """The school accepts the family's invitation; the parent has still to confirm the child is theirs."""
    from provision_ledger.family.models import SchoolInvitation
    from provision_ledger.parents.models import hash_token

    actions.invite_school(family_child=family_child, email="senco@hillside.test", by=family_child.keeper, base_url="")
    SchoolInvitation.objects.update(token_hash=hash_token("t"))
    actions.accept_school_invitation(token="t", first_name="Jo", last_name="Green", password="a long pass phrase")


def _sent_from(html: str, page: str, action: str) -> dict[str, list[str]]:
    """The page's form that posts to `action`, with the values a browser sends as rendered (every ticked box of a
    name among them), its one-time key too."""
    forms = lxml.html.fromstring(html).forms
    [form] = [f for f in forms if f.method.upper() == "POST" and (f.get("action") or page) == action]
    values: dict[str, list[str]] = {}
    for name, value in form.form_values():
        values.setdefault(name, []).append(value)
    assert values["form_key"] != [""]
    return values


def _family_rows() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_app_config("family").get_models()}


@pytest.mark.parametrize(
    "form",
    ["share an entry", "stop sharing it", "confirm the school", "decline the school", "invite the school",
     "delete the record", "keep the plan's lines"],
)  # fmt: skip
def test_a_family_form_sent_twice_writes_once_and_the_repeat_goes_where_the_first_went(client, form):
    family_child = _kept(make_user(), school=make_school())
    entry = _entry(family_child)
    if form == "stop sharing it":
        actions.share_entry(entry=entry, by=family_child.keeper)
    if form in ("confirm the school", "decline the school"):
        _claimed(family_child)
    mail.outbox.clear()
    client.force_login(family_child.keeper)
    child = reverse("family-child", args=[family_child.pk])
    share = reverse("family-entry-share", args=[entry.pk])
    confirm = reverse("family-school-confirm", args=[family_child.pk])
    invite = reverse("family-school-invite", args=[family_child.pk])
    delete = reverse("family-record-delete", args=[family_child.pk])
    plan = reverse("family-plan-read", args=[family_child.pk])
    # The page the form is on, where it posts, what the parent types or which button they press, what it records.
    page, action, fill, events = {
        "share an entry": (child, share, {}, [("share", "entryshare")]),
        "stop sharing it": (child, share, {}, [("unshare", "entryshare")]),
        "confirm the school": (child, confirm, {"answer": ["yes"]}, [("confirm", "schoollink")]),
        "decline the school": (child, confirm, {"answer": ["no"]}, [("decline", "schoollink")]),
        "invite the school": (invite, invite, {"email": ["senco@hillside.test"]}, [("create", "schoolinvitation")]),
        "delete the record": (delete, delete, {"confirm_name": ["Oliver"]}, [("delete", "familychild")]),
        "keep the plan's lines": (plan, plan, {}, [("create", "familyline")] * 3),
    }[form]
    html = client.get(page).content.decode()
    if form == "keep the plan's lines":  # the lines to keep are on the page the pasted plan is checked on
        html = client.post(plan, _sent_from(html, plan, plan) | {"text": [IEP]}).content.decode()
    sent = _sent_from(html, page, action) | fill
    last = FamilyEvent.objects.order_by("seq").last()
    assert last is not None

    first = client.post(action, sent)
    rows = _family_rows()
    again = client.post(action, sent, follow=True)

    assert (first.status_code, again.redirect_chain) == (302, [(first["Location"], 302)])
    assert "That form had already been sent, so nothing was saved a second time." in again.content.decode()
    assert list(FamilyEvent.objects.filter(seq__gt=last.seq).values_list("action", "object_type")) == events
    assert _family_rows() == rows
    assert [m.to for m in mail.outbox] == ([["senco@hillside.test"]] if form == "invite the school" else [])
    assert chain.verify() == []


def test_a_school_searched_by_name_is_chosen_from_the_registers_matches(client):
    first = make_school(name="Hillside Primary School")
    second = make_school(name="Hillside Infant School")
    client.force_login(make_user())
    data = {"first_name": "Oliver", "last_name": "Bennett", "date_of_birth": "2019-11-02", "year_group": "1",
            "school_search": "hillside", "plan_kind": "sen_support", "plan_start": "2025-10-01"}  # fmt: skip
    choose = client.post(reverse("family-child-add"), data)
    assert choose.context["form"].errors["school_urn"] == ["Choose your child’s school from the list."]
    assert [label for _, label in choose.context["form"].fields["school_urn"].choices] == [
        f"Hillside Infant School (URN {second.urn})",
        f"Hillside Primary School (URN {first.urn})",
    ]
    assert not FamilyChild.objects.exists()
    client.post(reverse("family-child-add"), data | {"school_urn": first.urn})
    assert FamilyChild.objects.get().school == first


def test_a_parent_declines_a_schools_claim_and_the_school_sees_nothing(client):
    from provision_ledger.family.models import SchoolInvitation
    from provision_ledger.parents.models import hash_token

    school = make_school()
    family_child = _kept(make_user(), school=school)
    entry = _entry(family_child)
    actions.share_entry(entry=entry, by=family_child.keeper)
    actions.invite_school(family_child=family_child, email="senco@hillside.test", by=family_child.keeper, base_url="")
    SchoolInvitation.objects.update(token_hash=hash_token("t"))
    senco = actions.accept_school_invitation(
        token="t", first_name="Jo", last_name="Green", password="a long pass phrase"
    )
    school_child = SchoolLink.objects.get().child
    client.force_login(family_child.keeper)
    client.post(reverse("family-school-confirm", args=[family_child.pk]), {"answer": "no"})
    assert not SchoolLink.objects.exists()
    from provision_ledger.core import access

    assert access.shared_family_entries(senco, school_child) == []
    assert Child.objects.filter(pk=school_child.pk).exists()  # the school's own record is the school's
    assert chain.verify() == []


def test_a_second_invitation_accepted_after_the_school_joined_is_refused_and_writes_nothing():
    from provision_ledger.family.models import SchoolInvitation
    from provision_ledger.parents.models import hash_token

    family_child = _kept(make_user(), school=make_school())
    for n, email in enumerate(["senco@hillside.test", "head@hillside.test"]):
        actions.invite_school(family_child=family_child, email=email, by=family_child.keeper, base_url="")
        SchoolInvitation.objects.filter(email=email).update(token_hash=hash_token(f"t{n}"))
    actions.accept_school_invitation(token="t0", first_name="Jo", last_name="Green", password="a long pass phrase")
    with pytest.raises(Exception, match="already joined"):
        actions.accept_school_invitation(token="t1", first_name="Al", last_name="Head", password="a long pass phrase")
    assert (Child.objects.count(), User.objects.filter(email="head@hillside.test").exists()) == (1, False)


def test_a_school_invitation_to_an_existing_account_cannot_be_used_to_guess_its_password(unverified_client):
    from provision_ledger.family.models import SchoolInvitation
    from provision_ledger.parents.models import hash_token

    family_child = _kept(make_user(), school=make_school())
    senco = make_user(email="senco@hillside.test")
    actions.invite_school(family_child=family_child, email=senco.email, by=family_child.keeper, base_url="")
    SchoolInvitation.objects.update(token_hash=hash_token("t"))
    page = reverse("family-school-accept", args=["t"])
    form = {"first_name": "Jo", "last_name": "Green", "password": "guess", "password_again": "guess"}

    statuses = [unverified_client.post(page, form).status_code for _ in range(6)]
    right = unverified_client.post(page, {**form, "password": "pw", "password_again": "pw"})

    # The fifth wrong password locks the address out, as five on the sign-in page would.
    assert statuses == [200, 200, 200, 200, 429, 429]
    assert right.status_code == 429
    assert not SchoolLink.objects.exists()
