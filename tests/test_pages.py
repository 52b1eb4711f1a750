"""What people see: the child statement, the school overview, the register, and their query counts."""

from __future__ import annotations

from datetime import date

import lxml.html
import pytest
from django.urls import reverse
from django.utils import timezone

from provision_ledger.audit.models import AuditEvent
from provision_ledger.delivery.models import Session
from tests.factories import (
    make_child,
    make_line,
    make_parent,
    make_plan,
    make_session,
    make_staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen_today(monkeypatch):
    """Pin "today" to Friday 17 October 2025, seven school weeks into the autumn term."""
    day = date(2025, 10, 17)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)
    return day


def test_child_page_shows_sessions_delivered_of_promised_with_percent_and_owed(client, school, senco, frozen_today):
    child = make_child(school)
    line = make_line(make_plan(child, senco, start=date(2025, 9, 1)), senco, sessions=2, minutes_per_session=30)
    make_session(line, senco, date(2025, 9, 10))
    make_session(line, senco, date(2025, 9, 11), "not_delivered", reason="staff_redeployed")
    make_session(line, senco, date(2025, 9, 12), "not_delivered", reason="child_absent")
    client.force_login(make_parent(child))
    response = client.get(reverse("child-detail", kwargs={"child_id": child.pk}))
    report = response.context["statement"].reports[0]
    year = report.assessments["year"]
    # Autumn 2025 begins Tuesday 2 September (INSET days are not added by the factory): 34 school days to
    # 17 October, so 2 x 34 / 5 = 13.6 sessions and 408 minutes are expected.
    assert (
        year.delivered_sessions,
        year.delivered_minutes,
        year.percent,
        year.owed_minutes,
        year.status,
    ) == (1, 30, 7, 348, "breach")
    html = response.content.decode()
    assert "<strong>1 of 14 sessions</strong> delivered" in html
    assert "7% of the promised time (30 minutes of 6 hours 48 minutes)" in html
    assert "2 not delivered · 11 not recorded" in html
    assert "Under the school’s make-up policy, time not recorded counts as owed." in html
    assert "5 hours 48 minutes" in html


def test_the_line_page_gives_what_was_promised_so_far_with_what_nobody_recorded(client, school, senco, frozen_today):
    child = make_child(school)
    line = make_line(make_plan(child, senco, start=date(2025, 9, 1)), senco, sessions=2, minutes_per_session=30)
    make_session(line, senco, date(2025, 9, 10))
    make_session(line, senco, date(2025, 9, 11), "not_delivered", reason="staff_redeployed")
    make_session(line, senco, date(2025, 9, 12), "not_delivered", reason="child_absent")
    client.force_login(senco)
    html = client.get(reverse("line-detail", kwargs={"line_id": line.pk})).content.decode()
    so_far = lxml.html.fromstring(html).get_element_by_id("main-content").xpath('.//*[@data-testid="so-far"]')[0]
    # As on the child's page: 13.6 sessions expected from the line's start to 17 October, 1 delivered, 2 missed.
    assert " ".join(so_far.text_content().split()) == (
        "From 1 September 2025 to 17 October 2025: 1 of 14 sessions delivered 7% of the promised time (30 minutes "
        "of 6 hours 48 minutes) 2 not delivered · 11 not recorded"
    )


def test_a_school_that_owes_only_recorded_misses_owes_nothing_for_time_not_recorded_and_the_page_says_so(
    client, school, senco, frozen_today
):
    child = make_child(school)
    line = make_line(make_plan(child, senco, start=date(2025, 9, 1)), senco, sessions=2, minutes_per_session=30)
    make_session(line, senco, date(2025, 9, 10))
    make_session(line, senco, date(2025, 9, 11), "not_delivered", reason="staff_redeployed")
    client.force_login(senco)
    rates = reverse("school-rates", args=[school.urn])
    page = client.get(rates)
    form = {k: v for k, v in page.context["thresholds_form"].initial.items() if k != "unrecorded_owed"}
    response = client.post(rates, {**form, "form": "thresholds", **_key(page)})
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.unrecorded_owed is False
    [event] = AuditEvent.objects.filter(object_type="school", object_id=school.pk, action="change")
    assert (event.child, event.actor, event.before["unrecorded_owed"], event.after["unrecorded_owed"]) == (
        None,
        senco,
        True,
        False,
    )
    assert event.summary.endswith("only time recorded as missed is owed")
    from provision_ledger.audit.chain import verify

    assert verify() == []
    assert "time nobody recorded does not." in client.get(rates).content.decode()
    client.force_login(make_parent(child))
    response = client.get(reverse("child-detail", kwargs={"child_id": child.pk}))
    year = response.context["statement"].reports[0].assessments["year"]
    # Only the 30 minutes recorded as missed because the TA was redeployed are owed, not the 12 sessions unrecorded.
    assert (year.not_recorded_sessions, year.owed_minutes) == (12, 30)
    assert (
        "The school’s make-up policy counts as owed only the time recorded as missed, so time not recorded is not "
        "counted as owed." in response.content.decode()
    )


def _key(page) -> dict[str, str]:
    import lxml.html

    from provision_ledger.submissions import keys

    [value] = lxml.html.fromstring(page.content.decode()).xpath(
        f"//form[.//input[@name='form'][@value='thresholds']]//input[@name='{keys.FIELD}']/@value"
    )
    return {keys.FIELD: value}


def test_parent_sees_missed_sessions_with_date_and_reason(client, school, senco, frozen_today):
    child = make_child(school)
    line = make_line(make_plan(child, senco, start=date(2025, 9, 1)), senco)
    make_session(line, senco, date(2025, 9, 11), "not_delivered", reason="staff_redeployed")
    client.force_login(make_parent(child))
    html = client.get(reverse("child-detail", kwargs={"child_id": child.pk})).content.decode()
    assert "Thursday 11 September: not delivered, 30 minutes missed – Staff redeployed to other duties" in html


def test_child_page_states_the_legal_force_of_an_ehc_plan_to_staff_as_the_duty(client, school, senco, frozen_today):
    child = make_child(school)
    make_plan(child, senco, kind="ehc_plan")
    client.force_login(senco)
    response = client.get(reverse("child-detail", kwargs={"child_id": child.pk}))
    assert response.context["statement"].plan.legal_force.citation.startswith(
        "Section 42(2), Children and Families Act 2014"
    )
    html = response.content.decode()
    assert "The local authority must secure the special educational provision specified in the plan." in html
    assert "your child" not in html


def test_child_page_tells_a_parent_the_legal_force_in_plain_english(client, school, senco, frozen_today):
    child = make_child(school)
    make_plan(child, senco, kind="ehc_plan")
    client.force_login(make_parent(child))
    html = client.get(reverse("child-detail", kwargs={"child_id": child.pk})).content.decode()
    assert "the local authority must make sure your child gets every part" in html


def test_voided_session_no_longer_counts_on_the_child_page(client, school, senco, frozen_today):
    child = make_child(school)
    line = make_line(make_plan(child, senco, start=date(2025, 9, 1)), senco)
    session = make_session(line, senco, date(2025, 9, 10))
    client.force_login(senco)
    client.post(reverse("session-void", kwargs={"session_id": session.pk}), {"reason": "Wrong child"})
    response = client.get(reverse("child-detail", kwargs={"child_id": child.pk}))
    assert response.context["statement"].reports[0].assessments["year"].delivered_sessions == 0
    assert Session.objects.filter(pk=session.pk, void_reason="Wrong child").exists()


def test_school_overview_lists_children_worst_first(client, school, senco, frozen_today):
    behind, fine = make_child(school, first_name="Behind"), make_child(school, first_name="Fine")
    for child, days in ((behind, 1), (fine, 14)):
        line = make_line(make_plan(child, senco, start=date(2025, 9, 1)), senco, sessions=2)
        for day in school.calendar().school_days(date(2025, 9, 2), date(2025, 10, 17))[:days]:
            make_session(line, senco, day)
    client.force_login(senco)
    response = client.get(reverse("school-overview", kwargs={"urn": school.urn}))
    assert [(s.child.first_name, s.worst_status.value) for s in response.context["summaries"]] == [
        ("Behind", "breach"),
        ("Fine", "on_track"),
    ]
    html = response.content.decode()
    assert "<strong>1 provision line in breach</strong> for 1 child." in html
    behind_id = response.context["summaries"][0].child.pk
    assert f'data-testid="breach-lines-{behind_id}">1 of 1 line in breach: Motor Skills programme</span>' in html


@pytest.mark.parametrize("children", [1, 4])
def test_school_overview_query_count_does_not_grow_with_children(
    client, school, senco, frozen_today, django_assert_num_queries, children
):
    for n in range(children):
        child = make_child(school, first_name=f"Child{n}")
        line = make_line(make_plan(child, senco, start=date(2025, 9, 1)), senco)
        make_line(line.plan, senco, description="Second line")
        make_session(line, senco, date(2025, 9, 10))
    client.force_login(senco)
    # session, user, authenticator, memberships, assignments, guardianships, school, terms, non-teaching days,
    # children, plans, lines, versions, session totals, letters, statutory events, ranked needs, open concerns, the
    # children's moves (an EHC plan's transfer clocks), the children who moved away
    with django_assert_num_queries(20):
        client.get(reverse("school-overview", kwargs={"urn": school.urn}))


@pytest.mark.parametrize("lines", [1, 3])
def test_child_page_query_count_does_not_grow_with_lines(
    client, school, senco, frozen_today, django_assert_num_queries, lines
):
    child = make_child(school)
    plan = make_plan(child, senco, start=date(2025, 9, 1))
    for n in range(lines):
        line = make_line(plan, senco, description=f"Line {n}")
        make_session(line, senco, date(2025, 9, 10))
    client.force_login(senco)
    # session, user, authenticator, scope (3), child, the read logged, plan, terms, non-teaching days, lines,
    # versions, totals, missed, weekly minutes, earlier plans, open concerns, the letters and dated events that
    # start the statutory clocks, the entries a family shared from its own record, and the statements read from the
    # plan's wording that are not lines, the schools the child attended, a plan brought from an earlier school, and
    # the record's version
    with django_assert_num_queries(25):
        client.get(reverse("child-detail", kwargs={"child_id": child.pk}))
    # Read again with nothing changed, the figures, wording and deadlines are kept: the calendar and the version
    # are read to know that, and the plan, lines, sessions, earlier plans, letters and events are not.
    with django_assert_num_queries(15):
        client.get(reverse("child-detail", kwargs={"child_id": child.pk}))


def test_register_lists_a_timetabled_line_on_its_day_and_records_one_click(client, school, senco, frozen_today):
    child = make_child(school)
    line = make_line(make_plan(child, senco, start=date(2025, 9, 1)), senco, weekdays=[4])  # Fridays
    staff = make_staff(school, child)
    client.force_login(staff)
    response = client.get(reverse("register"))
    assert [(d.child, d.line, d.why) for d in response.context["due"]] == [(child, line, "Due today")]
    client.post(reverse("register-record"), {"date": "2025-10-17", "line": line.pk, "status": "delivered"})
    session = Session.objects.get(line=line)
    assert (session.date, session.delivered_minutes, session.recorded_by) == (date(2025, 10, 17), 30, staff)
    assert client.get(reverse("register")).context["due"] == []


def test_register_records_a_miss_with_its_reason(client, school, senco, frozen_today):
    child = make_child(school)
    line = make_line(make_plan(child, senco, start=date(2025, 9, 1)), senco)
    client.force_login(make_staff(school, child))
    client.post(
        reverse("register-record"),
        {"date": "2025-10-17", "line": line.pk, "status": "not_delivered", "reason": "staff_redeployed"},
    )
    assert list(Session.objects.values_list("status", "reason", "delivered_minutes")) == [
        ("not_delivered", "staff_redeployed", 0)
    ]


def test_register_shows_what_is_still_due_this_week(client, school, senco, frozen_today):
    child = make_child(school)
    line = make_line(make_plan(child, senco, start=date(2025, 9, 1)), senco, sessions=3)
    make_session(line, senco, date(2025, 10, 13))
    client.force_login(make_staff(school, child))
    response = client.get(reverse("register"))
    assert [d.why for d in response.context["due"]] == ["2 still due this week"]


def test_register_catching_up_monday_counts_the_sessions_already_recorded_later_that_week(
    client, school, senco, frozen_today
):
    child = make_child(school)
    line = make_line(make_plan(child, senco, start=date(2025, 9, 1)), senco, sessions=2)  # twice a week, any day
    make_session(line, senco, date(2025, 10, 15))
    client.force_login(make_staff(school, child))
    assert [d.why for d in client.get(reverse("register") + "?date=2025-10-13").context["due"]] == [
        "1 still due this week"
    ]
    make_session(line, senco, date(2025, 10, 16))
    assert client.get(reverse("register") + "?date=2025-10-13").context["due"] == []
    client.post(reverse("register-record"), {"date": "2025-10-13", "line": line.pk, "status": "delivered"})
    assert Session.objects.filter(line=line).count() == 2


def test_register_catching_up_counts_a_termly_lines_entries_on_later_days_of_the_term(
    client, school, senco, frozen_today
):
    child = make_child(school)
    line = make_line(make_plan(child, senco, start=date(2025, 9, 1)), senco, sessions=6, period="term")
    client.force_login(make_staff(school, child))
    monday = reverse("register") + "?date=2025-10-13"
    # By Friday 17 October the autumn term has promised 3 of its 6 sessions (its share so far, rounded up).
    assert [d.why for d in client.get(monday).context["due"]] == ["3 still due this term"]
    make_session(line, senco, date(2025, 10, 14))
    make_session(line, senco, date(2025, 10, 15))
    assert [d.why for d in client.get(monday).context["due"]] == ["1 still due this term"]
    make_session(line, senco, date(2025, 10, 16))
    assert client.get(monday).context["due"] == []
    client.post(reverse("register-record"), {"date": "2025-10-13", "line": line.pk, "status": "delivered"})
    assert Session.objects.filter(line=line).count() == 3


def test_register_says_when_the_day_is_not_a_school_day(client, school, senco, frozen_today):
    child = make_child(school)
    make_line(make_plan(child, senco, start=date(2025, 9, 1)), senco)
    client.force_login(make_staff(school, child))
    response = client.get(reverse("register") + "?date=2025-10-11")
    assert response.context["is_school_day"] is False
    assert "Saturday 11 October is not a school day." in response.content.decode()


def test_child_history_lists_every_change_newest_first(client, school, senco, frozen_today):
    child = make_child(school)
    line = make_line(make_plan(child, senco, start=date(2025, 9, 1)), senco)
    make_session(line, senco, date(2025, 9, 10))
    client.force_login(make_parent(child))
    response = client.get(reverse("child-history", kwargs={"child_id": child.pk}))
    assert [e.summary for e in response.context["events"]] == [
        "Session recorded: Motor Skills programme on 10 Sep 2025: Delivered",
        "Provision line added: Motor Skills programme "
        "(2 sessions of 30 minutes a week, one-to-one, with a teaching assistant)",
        f"Plan created: SEN Support plan for {child} from 01 Sep 2025",
    ]


def test_school_overview_flags_a_sen_support_plan_past_the_review_date_the_school_set(
    client, school, senco, frozen_today
):
    child = make_child(school)
    plan = make_plan(child, senco, start=date(2025, 3, 3))
    plan.review_due = date(2025, 7, 11)
    plan.save(update_fields=["review_due"])
    client.force_login(senco)
    response = client.get(reverse("school-overview", kwargs={"urn": school.urn}))
    assert response.context["summaries"][0].review_overdue_since == date(2025, 7, 11)
    assert f'data-testid="review-overdue-{child.pk}">Review overdue since 11 July 2025</strong>' in (
        response.content.decode()
    )


def test_arranging_an_overdue_review_offers_no_meeting_date_in_the_past(client, school, senco, frozen_today):
    child = make_child(school)
    plan = make_plan(child, senco, start=date(2025, 3, 3))
    plan.review_due = date(2025, 7, 11)
    plan.save(update_fields=["review_due"])
    client.force_login(senco)
    response = client.get(reverse("review-create", args=[child.pk]))
    form = response.context["form"]
    assert form["meeting_date"].value() is None
    assert (
        form.fields["meeting_date"].help_text == "The review was due by 11 July 2025: choose the date it will be held."
    )


def test_the_calendar_page_offers_a_subscribe_link_and_says_why_some_children_have_only_dates(client, school):
    parent = make_parent(make_child(school))
    client.force_login(parent)
    response = client.post(reverse("calendar-settings"), {"action": "create"})
    link = response.context["new_link"]
    assert link.startswith("http://testserver/calendar/")
    html = response.content.decode()
    assert f'href="webcal://testserver/calendar/{link.rsplit("/", 1)[1]}">Add to my calendar</a>' in html
    assert "has only their review and other dates in it" in html
