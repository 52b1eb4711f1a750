"""A form sent twice writes once: each writing form, filled in as its page renders it, posted twice with one key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from django.apps import apps
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from provision_ledger.delivery.models import Session
from provision_ledger.submissions import keys
from provision_ledger.submissions.models import FormSubmission
from tests.factories import make_line, make_parent, make_plan, make_session, make_staff

pytestmark = pytest.mark.django_db

TODAY = date(2025, 10, 17)  # a Friday in the autumn term
TEMPLATES = Path(__file__).resolve().parent.parent / "provision_ledger" / "templates"


@pytest.fixture
def world(monkeypatch, school, senco, child):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    line = make_line(make_plan(child, senco, start=date(2025, 9, 1)), senco, sessions=2)
    session = make_session(line, senco, date(2025, 10, 14), "not_delivered", reason="staff_absent")
    return {
        "senco": senco,
        "staff": make_staff(school, child),
        "parent": make_parent(child),
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


def _cases(w) -> dict[str, Case]:
    line, child, session = w["line"].pk, w["child"].pk, w["session"].pk
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
        "invite a parent": Case(
            "senco", reverse("parent-invite", args=[child]), reverse("parent-invite", args=[child]),
            {"email": "mum@example.test"},
        ),
    }  # fmt: skip


def _rows() -> dict[str, int]:
    """Rows of every table of the product's own apps, but the form keys themselves."""
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label not in {"submissions", "sessions", "admin", "axes", "contenttypes", "auth"}
    }


def _form(html: str, page: str, action: str) -> dict[str, Any]:
    """The values the page's form for `action` sends as rendered: hidden fields, defaults, checked and selected."""
    for form in lxml.html.fromstring(html).forms:
        target = form.get("action") or page  # a form with no action posts to its own page
        if target.split("?")[0] == action.split("?")[0] and form.method.upper() == "POST":
            return dict(form.form_values())
    raise AssertionError(f"No form posting to {action}")


@pytest.mark.parametrize(
    "name",
    [
        "record a session",
        "the register",
        "void an entry",
        "correct an entry",
        "raise a concern",
        "write a letter",
        "add a plan",
        "add a line",
        "void a line",
        "invite a parent",
    ],
)
def test_a_writing_form_sent_twice_writes_once_and_the_repeat_goes_where_the_first_went(client, world, name):
    case = _cases(world)[name]
    client.force_login(world[case.who])
    page = client.get(case.page)
    assert page.status_code == 200
    data = {**_form(page.content.decode(), case.page, case.action), **case.fill}
    assert keys.FIELD in data
    before = _rows()
    first = client.post(case.action, data)
    assert first.status_code == 302, first.content.decode()[:2000]
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
