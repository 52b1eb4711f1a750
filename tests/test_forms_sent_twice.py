"""A form sent twice writes once: each writing form, filled in as its page renders it, posted twice with one key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from django.apps import apps
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from provision_ledger.api.actions import issue_token
from provision_ledger.delivery.models import Session
from provision_ledger.money.actions import add_allocation, add_child_item, save_item_price
from provision_ledger.nextsteps.models import Letter
from provision_ledger.outcomes.actions import create_review
from provision_ledger.parents.actions import raise_concern
from provision_ledger.submissions import keys
from provision_ledger.submissions.models import FormSubmission
from tests.factories import (
    make_la_officer,
    make_line,
    make_outcome,
    make_parent,
    make_plan,
    make_progress,
    make_session,
    make_staff,
)

pytestmark = pytest.mark.django_db

TODAY = date(2025, 10, 17)  # a Friday in the autumn term
TEMPLATES = Path(__file__).resolve().parent.parent / "provision_ledger" / "templates"


@pytest.fixture
def world(monkeypatch, school, senco, child):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    line = make_line(make_plan(child, senco, start=date(2025, 9, 1)), senco, sessions=2)
    session = make_session(line, senco, date(2025, 10, 14), "not_delivered", reason="staff_absent")
    parent = make_parent(child)
    letter = Letter.objects.create(
        local_authority=child.local_authority, child=child, kind="ask_school_to_reinstate", addressee="The head",
        subject="Motor Skills", body="Please reinstate it.", sent_on=date(2025, 10, 1), written_by=parent,
    )  # fmt: skip
    concern = raise_concern(child=child, by=parent, subject="Motor Skills", body="Missed again", line=line)
    outcome = make_outcome(line.plan, senco, line)
    staff = make_staff(school, child)
    price = save_item_price(
        year=2025, name="Sloped writing board", pounds=Decimal("24.00"), source="", school=school, by=senco
    )
    return {
        "item": add_child_item(child=child, year=2025, item=price, quantity=1, note="", by=senco),
        "token": issue_token(by=senco, name="Old MIS", school=school)[0],
        "price": price,
        "allocation": add_allocation(
            child=child, staff=staff, role="ta", weekly_minutes=300, timetable=[], start_date=date(2025, 9, 1), by=senco
        ),
        "review": create_review(
            plan=line.plan, by=senco, meeting_date=date(2025, 11, 10), period_start=line.plan.start_date
        ),
        "progress": make_progress(outcome, senco, date(2025, 10, 10), 3),
        "letter": letter,
        "concern": concern,
        "outcome": outcome,
        "senco": senco,
        "officer": make_la_officer(child.local_authority),
        "staff": staff,
        "parent": parent,
        "child": child,
        "plan": line.plan,
        "line": line,
        "session": session,
    }


@dataclass(frozen=True)
class Case:
    who: str
    page: str  # the page the form is on
    action: str  # where it posts
    fill: dict[str, Any]
    which: str = ""  # of several forms posting to one page, the one whose hidden "form" field says this


def _cases(w) -> dict[str, Case]:
    line, child, session = w["line"].pk, w["child"].pk, w["session"].pk
    review = w["review"].pk
    return {
        "record a session": Case(
            "staff", reverse("session-create", args=[line]), reverse("session-create", args=[line]), {}
        ),
        "the register": Case(
            "staff", reverse("register") + f"?date={TODAY}", reverse("register-record"), {"line": str(line)}
        ),
        "void an entry": Case(
            "senco", reverse("session-void", args=[session]), reverse("session-void", args=[session]),
            {"reason": "Entered against the wrong child"},
        ),
        "correct an entry": Case(
            "senco", reverse("session-correct", args=[session]), reverse("session-correct", args=[session]),
            {"correction_reason": "It did happen", "status": "delivered", "reason": "", "delivered_minutes": ""},
        ),
        "raise a concern": Case(
            "parent", reverse("concerns", args=[child]), reverse("concerns", args=[child]),
            {"subject": "Motor Skills missed", "body": "Oliver says he has not had Motor Skills this week."},
        ),
        "write a letter": Case(
            "parent", reverse("letter-write", args=[child, "ask_school_to_reinstate"]),
            reverse("letter-write", args=[child, "ask_school_to_reinstate"]), {},
        ),
        "add a plan": Case(
            "senco", reverse("plan-create", args=[child]), reverse("plan-create", args=[child]),
            {"kind": "sen_support", "start_date": "2025-10-20", "review_due": "2026-07-01", "status": "draft"},
        ),
        "add a line": Case(
            "senco", reverse("line-create", args=[w["plan"].pk]), reverse("line-create", args=[w["plan"].pk]),
            {
                "description": "Narrative Therapy", "category": "communication", "delivered_by": "ta",
                "group_size": "1", "sessions": "1", "period": "week", "minutes_per_session": "30",
                "start_date": "2025-10-20", "funder": "school",
            },
        ),
        "void a line": Case(
            "senco", reverse("line-void", args=[line]), reverse("line-void", args=[line]),
            {"reason": "Entered twice by mistake"},
        ),
        "record a reply": Case(
            "parent", reverse("letter-detail", args=[w["letter"].pk]), reverse("letter-detail", args=[w["letter"].pk]),
            {"replied_on": "2025-10-16", "reply_note": "They will restart it"},
        ),
        "record a statutory date": Case(
            "senco", reverse("statutory-events", args=[child]), reverse("statutory-events", args=[child]),
            {"kind": "assessment_requested", "date": "2025-10-10"},
        ),
        "amend a line": Case(
            "senco", reverse("line-amend", args=[line]), reverse("line-amend", args=[line]),
            {"effective_from": "2025-10-20", "reason": "Reviewed with the parent", "sessions": "3"},
        ),
        "edit a plan": Case(
            "senco", reverse("plan-edit", args=[w["plan"].pk]), reverse("plan-edit", args=[w["plan"].pk]),
            {"review_due": "2026-06-01"},
        ),
        "answer a concern": Case(
            "senco", reverse("concern-detail", args=[w["concern"].pk]),
            reverse("concern-detail", args=[w["concern"].pk]), {"body": "We will make the sessions up."},
        ),
        "add an outcome": Case(
            "senco", reverse("outcome-create", args=[child]), reverse("outcome-create", args=[child]),
            {"description": "Oliver writes his name", "measure": "steps", "scale_low": "0", "scale_high": "8",
             "baseline": "1", "target": "6", "baseline_date": "2025-09-01", "target_date": "2026-07-01"},
        ),
        "record progress": Case(
            "senco", reverse("progress-create", args=[w["outcome"].pk]),
            reverse("progress-create", args=[w["outcome"].pk]),
            {"date": "2025-10-16", "value": "3", "support": "independent", "note": "In class"},
        ),
        "add an observation": Case(
            "parent", reverse("observation-create", args=[w["outcome"].pk]),
            reverse("observation-create", args=[w["outcome"].pk]),
            {"date": "2025-10-16", "note": "He wrote his name on a card"},
        ),
        "arrange a review": Case(
            "senco", reverse("review-create", args=[child]), reverse("review-create", args=[child]),
            {"meeting_date": "2025-11-10", "period_start": "2025-09-01"},
        ),
        "set the status thresholds": Case(
            "senco", reverse("school-rates", args=[w["child"].school.urn]),
            reverse("school-rates", args=[w["child"].school.urn]), {"on_track_percent": "85"}, which="thresholds",
        ),
        "price an item": Case(
            "senco", reverse("school-rates", args=[w["child"].school.urn]),
            reverse("school-rates", args=[w["child"].school.urn]), {"name": "Ear defenders", "pounds": "12.50"},
            which="item",
        ),
        "allocate staff time": Case(
            "senco", reverse("allocation-edit", args=[child]), reverse("allocation-edit", args=[child]),
            {"staff": str(w["staff"].pk), "role": "ta", "hours_per_week": "5", "start_date": "2025-10-20"},
        ),
        "record a disability": Case(
            "senco", reverse("child-disability", args=[child]), reverse("child-disability", args=[child]),
            {"disabled": "on"},
        ),
        "void progress": Case(
            "senco", reverse("progress-void", args=[w["progress"].pk]),
            reverse("progress-void", args=[w["progress"].pk]),
            {"reason": "Recorded against the wrong outcome"},
        ),
        "edit a review": Case(
            "senco", reverse("review-edit", args=[review]), reverse("review-edit", args=[review]),
            {"invitations_sent": "2025-10-16", "outcome": ""},  # lxml reads the empty radio's value as "on"
        ),
        "record the views": Case(
            "senco", reverse("review-views", args=[review]), reverse("review-views", args=[review]),
            {"parent_views": "He is happier at school", "child_views": "I like Lego club"},
        ),
        "record funding": Case(
            "senco", reverse("child-funding-edit", args=[child]), reverse("child-funding-edit", args=[child]),
            {"top_up": "1200", "personal_budget": "0", "note": "Agreed at panel"},
        ),
        "add an item": Case(
            "senco", reverse("child-items", args=[child]), reverse("child-items", args=[child]),
            {"item": str(w["price"].pk), "quantity": "1"},
        ),
        "end an allocation": Case(
            "senco", reverse("allocation-end", args=[w["allocation"].pk]),
            reverse("allocation-end", args=[w["allocation"].pk]),
            {"end_date": "2025-10-17", "reason": "Moved to another class"},
        ),
        "void an item": Case(
            "senco", reverse("child-item-void", args=[w["item"].pk]), reverse("child-item-void", args=[w["item"].pk]),
            {"reason": "Entered against the wrong child"},
        ),
        "invite the family to a review": Case(
            "senco", reverse("review-invite", args=[review]), reverse("review-invite", args=[review]), {},
        ),
        "invite a parent": Case(
            "senco", reverse("parent-invite", args=[child]), reverse("parent-invite", args=[child]),
            {"email": "mum@example.test"},
        ),
        "set the authority's rates": Case(
            "officer", reverse("la-rates"), reverse("la-rates"),
            {"rate_ta": "800.00", "source_ta": "NJC pay point 4", "threshold": "6000"},
        ),
        "price an item for the authority": Case(
            "officer", reverse("la-rates"), reverse("la-rates"), {"name": "Ear defenders", "pounds": "12.50"},
            which="item",
        ),
        "log a day's support time": Case(
            "staff", reverse("time-log", args=[child]), reverse("time-log", args=[child]),
            {"block-0-start": "09:00", "block-0-end": "10:30"},
        ),
    }  # fmt: skip


def _rows() -> dict[str, int]:
    """Rows of every table of the product's own apps, but the form keys themselves."""
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label not in {"submissions", "sessions", "admin", "axes", "contenttypes", "auth"}
    }


def _form(html: str, page: str, action: str, which: str = "") -> dict[str, Any]:
    """The values the page's form for `action` sends as rendered: hidden fields, defaults, checked and selected."""
    for form in lxml.html.fromstring(html).forms:
        target = form.get("action") or page  # a form with no action (or only a fragment) posts to its own page
        target = page if target.startswith("#") else target
        values = dict(form.form_values())
        if which and values.get("form") != which:
            continue
        if target.split("?")[0] == action.split("?")[0] and form.method.upper() == "POST":
            return values
    raise AssertionError(f"No form posting to {action}")


# Every route of the URL map whose view takes a POST is either sent twice above, sent twice in another test (named),
# or writes nothing of the record. A new writing route fails here until a test sends its form twice.
TESTED_HERE = {
    "record a session": "session-create",
    "the register": "register-record",
    "void an entry": "session-void",
    "correct an entry": "session-correct",
    "raise a concern": "concerns",
    "write a letter": "letter-write",
    "add a plan": "plan-create",
    "add a line": "line-create",
    "void a line": "line-void",
    "invite a parent": "parent-invite",
    "record a reply": "letter-detail",
    "record a statutory date": "statutory-events",
    "amend a line": "line-amend",
    "edit a plan": "plan-edit",
    "answer a concern": "concern-detail",
    "add an outcome": "outcome-create",
    "record progress": "progress-create",
    "add an observation": "observation-create",
    "arrange a review": "review-create",
    "set the status thresholds": "school-rates",
    "price an item": "school-rates",
    "allocate staff time": "allocation-edit",
    "record a disability": "child-disability",
    "void progress": "progress-void",
    "edit a review": "review-edit",
    "record the views": "review-views",
    "record funding": "child-funding-edit",
    "add an item": "child-items",
    "end an allocation": "allocation-end",
    "void an item": "child-item-void",
    "invite the family to a review": "review-invite",
    "set the authority's rates": "la-rates",
    "price an item for the authority": "la-rates",
    "log a day's support time": "time-log",
}


@pytest.mark.parametrize("name", list(TESTED_HERE))
def test_a_writing_form_sent_twice_writes_once_and_the_repeat_goes_where_the_first_went(client, world, name):
    case = _cases(world)[name]
    client.force_login(world[case.who])
    page = client.get(case.page)
    assert page.status_code == 200
    data = {**_form(page.content.decode(), case.page, case.action, case.which), **case.fill}
    assert keys.FIELD in data
    before = _rows()
    first = client.post(case.action, data)
    assert first.status_code == 302, (first.context or {}).get("form") and first.context["form"].errors
    after_first = _rows()
    assert after_first != before
    again = client.post(case.action, data)
    assert (again.status_code, again["Location"]) == (302, first["Location"])
    assert _rows() == after_first


def test_a_form_key_from_another_person_or_past_its_age_writes_nothing(client, world, monkeypatch):
    line = world["line"]
    client.force_login(world["staff"])
    theirs = keys.issue(world["senco"].pk)
    data = {"date": "2025-10-16", "status": "delivered", keys.FIELD: theirs}
    response = client.post(reverse("session-create", args=[line.pk]), data, follow=True)
    assert "This form was opened by someone else, so nothing was saved." in response.content.decode()
    assert Session.objects.filter(line=line).count() == 1
    old = keys.issue(world["staff"].pk)
    monkeypatch.setattr(signing, "time", _LaterClock(timedelta(days=4)))
    response = client.post(reverse("session-create", args=[line.pk]), {**data, keys.FIELD: old}, follow=True)
    assert "This form was open for more than 3 days, so nothing was saved." in response.content.decode()
    assert Session.objects.filter(line=line).count() == 1
    assert FormSubmission.objects.count() == 0


def test_a_signed_in_persons_post_without_the_pages_key_writes_nothing_and_says_so(client, world):
    from provision_ledger.submissions.middleware import NO_KEY

    client.force_login(world["staff"])
    page = reverse("session-create", args=[world["line"].pk])
    before = _rows()
    response = client.post(page, {"date": "2025-10-16", "status": "delivered", keys.FIELD: ""})
    assert (response.status_code, response["Location"]) == (302, page)
    assert NO_KEY in client.get(page).content.decode()
    assert _rows() == before
    assert FormSubmission.objects.count() == 0


def test_a_writing_form_sent_twice_as_an_htmx_preview_still_writes_once(client, world):
    case = _cases(world)["record a session"]
    client.force_login(world["staff"])
    data = _form(client.get(case.page).content.decode(), case.page, case.action)
    before = _rows()
    for _ in range(2):
        client.post(case.action, data, headers={"HX-Request": "true"})
    assert Session.objects.filter(line=world["line"]).count() == 2  # the one in the world, and this one
    assert sum(_rows().values()) > sum(before.values())
    assert FormSubmission.objects.count() == 1


class _LaterClock:
    def __init__(self, ahead: timedelta) -> None:
        import time

        self._time, self._ahead = time, ahead.total_seconds()

    def time(self) -> float:
        return self._time.time() + self._ahead


def test_every_form_that_posts_carries_a_one_time_key():
    missing = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if path.read_text().count("{% csrf_token %}") != path.read_text().count("{% form_key %}")
    ]
    assert missing == []


def test_the_line_forms_wording_check_as_one_types_leaves_the_key_for_the_real_save(client, world):
    client.force_login(world["senco"])
    page = reverse("line-create", args=[world["plan"].pk])
    data = {**_form(client.get(page).content.decode(), page, page), "description": "Support as needed"}
    client.post(page, {**data, "check_wording": "1"}, headers={"HX-Request": "true"})
    assert FormSubmission.objects.count() == 0


TESTED_ELSEWHERE = {
    "family-entry-add": "test_family_record.py::test_a_family_form_sent_twice_writes_once",
    "family-records-request": "test_family_record.py::test_a_family_form_sent_twice_writes_once",
    "family-child-add": "test_family_record.py::test_a_family_form_sent_twice_writes_once",
    "family-letter-write": "test_family_next_steps.py::"
        "test_a_letter_and_its_reply_sent_twice_are_each_written_once_and_a_reply_before_the_letter_is_refused",
    "family-letter": "test_family_next_steps.py::"
        "test_a_letter_and_its_reply_sent_twice_are_each_written_once_and_a_reply_before_the_letter_is_refused",
    "family-entry-share": "test_family_record.py::"
        "test_a_family_form_sent_twice_writes_once_and_the_repeat_goes_where_the_first_went",
    "family-school-confirm": "test_family_record.py::"
        "test_a_family_form_sent_twice_writes_once_and_the_repeat_goes_where_the_first_went",
    "family-school-invite": "test_family_record.py::"
        "test_a_family_form_sent_twice_writes_once_and_the_repeat_goes_where_the_first_went",
    "family-record-delete": "test_family_record.py::"
        "test_a_family_form_sent_twice_writes_once_and_the_repeat_goes_where_the_first_went",
    "family-plan-read": "test_family_record.py::"
        "test_a_family_form_sent_twice_writes_once_and_the_repeat_goes_where_the_first_went",
    "plan-read": "test_wording_pages.py::test_lines_read_from_a_plan_and_confirmed_twice_from_one_form_are_added_once",
    "census-check": "test_census_check.py::"
        "test_a_fix_sent_twice_changes_the_ledger_once_and_the_repeat_says_it_was_already_sent",
    "transfer-upload": "test_ctf.py::"
        "test_a_transfer_file_sent_twice_from_one_form_is_kept_once_and_the_repeat_goes_to_its_report",
    "transfer-check": "test_ctf.py::"
        "test_a_transfer_confirmed_twice_from_one_form_imports_once_and_the_repeat_says_it_was_already_sent",
    "family-records-answer": "test_family_next_steps.py::test_the_schools_answer_is_recorded_once_and_opens_the_routes",
    "api-token-revoke": "test_forms_sent_twice.py::test_a_revocation_sent_twice_revokes_once_and_the_repeat_says_so",
    "api-tokens": "test_forms_sent_twice.py::test_a_token_form_sent_twice_issues_one_token_and_shows_its_secret_once",
    "child-move": "test_moving_pages.py::"
        "test_the_move_is_checked_first_then_recorded_once_however_often_the_form_is_sent",
    "proposal-adopt": "test_moving_pages.py::"
        "test_a_school_plan_brought_along_is_shown_as_not_expected_until_the_new_senco_adopts_it",
    "statement-void": "test_wording_pages.py::test_taking_a_statement_out_of_the_score_sent_twice_voids_it_once",
    "move-void": "test_moving_pages.py::"
        "test_the_senco_of_the_school_left_undoes_a_move_recorded_in_error_once_from_the_earlier_page",
}  # fmt: skip
# Signing in and out, and an account's own settings: they write nothing of any child's record.
NOT_THE_RECORD = {
    "logout", "two-factor-setup", "two-factor-verify", "two-factor-off", "account-close", "family-sign-up",
    "family-sign-up-confirm", "invitation-accept", "family-school-accept", "alert-preferences", "calendar-settings",
}  # fmt: skip


def _posting_routes() -> set[str]:
    """The names of the URL map's routes whose views take a POST, read from each view's own source."""
    import inspect

    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                if "admin" not in str(p.pattern):
                    yield from walk(p.url_patterns)
            elif isinstance(p, URLPattern):
                yield p

    found = set()
    for pattern in walk(get_resolver().url_patterns):
        view = getattr(pattern.callback, "view_class", None) or pattern.callback
        module = getattr(pattern.callback, "__module__", "")
        if module.startswith(("ninja", "functools")):  # the API: its writes carry a client key of their own
            continue
        try:
            source = inspect.getsource(view)
        except (OSError, TypeError):
            continue
        if pattern.name and ("POST" in source or "request.method" in source):
            found.add(pattern.name)
    return found


def test_every_route_that_takes_a_post_is_sent_twice_by_a_test_or_writes_nothing_of_the_record():
    placed = [set(TESTED_HERE.values()), set(TESTED_ELSEWHERE), NOT_THE_RECORD]
    assert sum(len(group) for group in placed) == len(set().union(*placed))  # each route in one group only
    assert _posting_routes() == set().union(*placed)
    tests = Path(__file__).resolve().parent
    for where in TESTED_ELSEWHERE.values():
        file, name = where.split("::")
        assert f"def {name}(" in (tests / file).read_text(), where


def test_a_token_form_sent_twice_issues_one_token_and_shows_its_secret_once(client, world):
    from provision_ledger.api.models import ApiToken

    client.force_login(world["senco"])
    page = reverse("api-tokens")
    data = {**_form(client.get(page).content.decode(), page, page), "name": "Arbor MIS"}
    first = client.post(page, data)
    assert first.status_code == 200  # the secret is shown on this page, once
    again = client.post(page, data, follow=True)
    assert "That form had already been sent, so nothing was saved a second time." in again.content.decode()
    assert ApiToken.objects.filter(name="Arbor MIS").count() == 1


def test_a_revocation_sent_twice_revokes_once_and_the_repeat_says_so(client, world):
    token = world["token"]
    client.force_login(world["senco"])
    page = reverse("api-token-revoke", args=[token.pk])
    data = _form(client.get(page).content.decode(), page, page)
    assert client.post(page, data)["Location"] == reverse("api-tokens")
    token.refresh_from_db()
    revoked = (token.revoked_at, token.revoked_by)
    again = client.post(page, data, follow=True)
    assert "That form had already been sent, so nothing was saved a second time." in again.content.decode()
    token.refresh_from_db()
    assert (token.revoked_at, token.revoked_by) == revoked
    assert revoked[1] == world["senco"]
