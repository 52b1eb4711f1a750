"""Plans and lines: amendments never rewrite the past, bad forms save nothing, every change is audited."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from provision_ledger.audit.models import AuditEvent
from provision_ledger.plans.actions import amend_line, void_line
from provision_ledger.plans.models import LINE_TERM_FIELDS, LineVersion, Plan, ProvisionLine
from provision_ledger.rules.delivery import expected_delivery
from tests.factories import make_line, make_parent, make_plan, make_staff

pytestmark = pytest.mark.django_db


def _terms(**overrides):
    fields = {
        "description": "Speech and language therapy",
        "category": "communication",
        "delivered_by": "salt",
        "qualification": "HCPC-registered",
        "group_size": "1",
        "sessions": "1",
        "period": "week",
        "minutes_per_session": "30",
        "start_date": "2025-09-03",
        "funder": "la",
    }
    return {**fields, **overrides}


def test_amendment_leaves_expected_delivery_before_it_unchanged(senco, child):
    plan = make_plan(child, senco)
    line = make_line(plan, senco, sessions=1)
    calendar = child.school.calendar()
    autumn = (date(2025, 9, 1), date(2025, 12, 19))
    before = expected_delivery(line.terms_history(), calendar, *autumn)
    amend_line(
        line=line,
        by=senco,
        effective_from=date(2026, 1, 5),
        reason="Review: increased to three a week",
        today=date(2026, 1, 5),
        **{**_model_terms(line), "sessions": 3},
    )
    line = ProvisionLine.objects.get(pk=line.pk)
    assert expected_delivery(line.terms_history(), calendar, *autumn) == before
    spring_week = expected_delivery(line.terms_history(), calendar, date(2026, 1, 12), date(2026, 1, 16))
    assert spring_week.sessions == 3


def _model_terms(line: ProvisionLine) -> dict:
    return {name: getattr(line.current_version, name) for name in LINE_TERM_FIELDS}


def test_amendment_cannot_take_effect_in_the_past(senco, child):
    line = make_line(make_plan(child, senco), senco)
    with pytest.raises(ValidationError) as excinfo:
        amend_line(
            line=line,
            by=senco,
            effective_from=date(2026, 1, 5),
            reason="late",
            today=date(2026, 2, 1),
            **_model_terms(line),
        )
    assert excinfo.value.message_dict == {
        "effective_from": ["An amendment cannot take effect in the past: choose today or a later date."]
    }
    assert LineVersion.objects.filter(line=line).count() == 1


def test_amendment_is_audited_with_before_and_after(senco, child):
    line = make_line(make_plan(child, senco), senco, sessions=2)
    amend_line(
        line=line,
        by=senco,
        effective_from=date(2026, 1, 5),
        reason="Review",
        today=date(2026, 1, 5),
        **{**_model_terms(line), "sessions": 4},
    )
    event = AuditEvent.objects.get(object_type="provisionline", action="change")
    assert (event.before["sessions"], event.after["sessions"], event.reason) == (2, 4, "Review")
    assert ("sessions", 2, 4) in event.changes


def test_voided_line_stays_in_the_record(senco, child):
    line = make_line(make_plan(child, senco), senco)
    void_line(line=line, by=senco, reason="Entered twice")
    line.refresh_from_db()
    assert (line.voided_by, line.void_reason) == (senco, "Entered twice")
    assert ProvisionLine.objects.filter(pk=line.pk).exists()


def test_senco_creates_a_plan_through_the_form(client, senco, child):
    client.force_login(senco)
    response = client.post(
        reverse("plan-create", kwargs={"child_id": child.pk}),
        {"kind": "ehc_plan", "start_date": "2025-09-01", "review_due": "2026-09-01", "status": "active"},
    )
    plan = Plan.objects.get(child=child)
    assert response["Location"] == reverse("line-create", kwargs={"plan_id": plan.pk})
    assert (plan.kind, plan.created_by) == ("ehc_plan", senco)
    assert AuditEvent.objects.filter(object_type="plan", object_id=plan.pk, action="create").count() == 1


def test_plan_form_with_review_before_start_saves_nothing(client, senco, child):
    client.force_login(senco)
    response = client.post(
        reverse("plan-create", kwargs={"child_id": child.pk}),
        {"kind": "ehc_plan", "start_date": "2025-09-01", "review_due": "2025-08-01", "status": "active"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"review_due": ["The review must be due after the plan starts."]}
    assert Plan.objects.count() == 0


def test_plan_form_refuses_an_unknown_plan_kind(client, senco, child):
    client.force_login(senco)
    response = client.post(
        reverse("plan-create", kwargs={"child_id": child.pk}),
        {"kind": "iep_deluxe", "start_date": "2025-09-01", "review_due": "2026-08-01", "status": "active"},
    )
    assert response.context["form"].errors == {
        "kind": ["Select a valid choice. iep_deluxe is not one of the available choices."]
    }
    assert Plan.objects.count() == 0


def test_line_form_adds_a_quantified_line(client, senco, child):
    plan = make_plan(child, senco)
    client.force_login(senco)
    response = client.post(reverse("line-create", kwargs={"plan_id": plan.pk}), _terms(weekdays=["1", "3"]))
    assert response["Location"] == reverse("child-detail", kwargs={"child_id": child.pk})
    version = LineVersion.objects.get(line__plan=plan)
    assert (version.sessions, version.minutes_per_session, version.weekdays, version.effective_from) == (
        1,
        30,
        [1, 3],
        date(2025, 9, 3),
    )
    assert version.promise == "1 session of 30 minutes a week, one-to-one, with a speech and language therapist"


def test_line_form_takes_hours_a_week_of_in_class_support(client, senco, child):
    plan = make_plan(child, senco)
    client.force_login(senco)
    client.post(
        reverse("line-create", kwargs={"plan_id": plan.pk}),
        _terms(minutes_per_session="", weekly_hours="20", delivered_by="ta", period="day"),
    )
    version = LineVersion.objects.get(line__plan=plan)
    assert (version.weekly_minutes, version.minutes_per_session) == (1200, 240)
    assert version.promise == "20 hours a week, one-to-one, with a teaching assistant"


def test_line_form_with_bad_values_shows_errors_by_field_and_saves_nothing(client, senco, child):
    plan = make_plan(child, senco)
    client.force_login(senco)
    response = client.post(
        reverse("line-create", kwargs={"plan_id": plan.pk}),
        _terms(
            minutes_per_session="-10",
            group_size="0",
            start_date="2025-09-03",
            end_date="2025-08-01",
            category="magic",
        ),
    )
    assert response.context["form"].errors == {
        "category": ["Select a valid choice. magic is not one of the available choices."],
        "group_size": ["Ensure this value is greater than or equal to 1."],
        "minutes_per_session": ["Ensure this value is greater than or equal to 1."],
        "end_date": ["The end date must be on or after the start date."],
    }
    assert ProvisionLine.objects.count() == 0


def test_line_cannot_start_before_its_plan(client, senco, child):
    plan = make_plan(child, senco, start=date(2025, 9, 1))
    client.force_login(senco)
    response = client.post(reverse("line-create", kwargs={"plan_id": plan.pk}), _terms(start_date="2025-08-01"))
    assert response.context["form"].errors == {
        "start_date": ["The line cannot start before the plan does (1 September 2025)."]
    }
    assert ProvisionLine.objects.count() == 0


def test_session_longer_than_the_school_day_is_refused_on_the_line_form(client, senco, child):
    plan = make_plan(child, senco)
    client.force_login(senco)
    response = client.post(reverse("line-create", kwargs={"plan_id": plan.pk}), _terms(minutes_per_session="400"))
    assert response.context["form"].errors == {
        "minutes_per_session": ["A session cannot be longer than the school day (390 minutes)."]
    }
    assert ProvisionLine.objects.count() == 0


def test_timetabled_days_are_checkboxes_so_several_can_be_ticked(client, senco, child):
    plan = make_plan(child, senco)
    client.force_login(senco)
    html = client.get(reverse("line-create", kwargs={"plan_id": plan.pk})).content.decode()
    assert html.count('name="weekdays" type="checkbox"') == 5
    assert 'name="weekdays" type="radio"' not in html


def test_senco_amends_a_line_from_a_date_through_the_form(client, senco, child, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2026, 1, 5))
    line = make_line(make_plan(child, senco), senco, sessions=2)
    client.force_login(senco)
    form = client.get(reverse("line-amend", kwargs={"line_id": line.pk})).context["form"]
    assert (form.initial["sessions"], form.initial["description"]) == (2, "Motor Skills programme")
    response = client.post(
        reverse("line-amend", kwargs={"line_id": line.pk}),
        _terms(
            description="Motor Skills programme",
            category="sensory_physical",
            delivered_by="ta",
            sessions="3",
            effective_from="2026-01-05",
            reason="Annual review: three a week",
        ),
    )
    assert response["Location"] == reverse("child-detail", kwargs={"child_id": child.pk})
    assert [(v.effective_from, v.sessions, v.change_reason) for v in line.versions.order_by("effective_from")] == [
        (date(2025, 9, 1), 2, ""),
        (date(2026, 1, 5), 3, "Annual review: three a week"),
    ]


def test_amendment_without_a_reason_saves_nothing(client, senco, child):
    line = make_line(make_plan(child, senco), senco)
    client.force_login(senco)
    response = client.post(reverse("line-amend", kwargs={"line_id": line.pk}), _terms(effective_from="2030-01-06"))
    assert response.context["form"].errors == {"reason": ["This field is required."]}
    assert line.versions.count() == 1


def test_senco_changes_plan_details_and_the_change_is_audited(client, senco, child):
    plan = make_plan(child, senco)
    client.force_login(senco)
    client.post(
        reverse("plan-edit", kwargs={"plan_id": plan.pk}),
        {"kind": "sen_support", "start_date": "2025-09-01", "review_due": "2026-03-01", "status": "active"},
    )
    event = AuditEvent.objects.get(object_type="plan", action="change")
    assert event.changes == [("review due", "2026-07-01", "2026-03-01")]


def test_a_new_plan_in_force_ends_the_one_before_it(senco, child):
    old = make_plan(child, senco, start=date(2024, 9, 2))
    new = make_plan(child, senco, kind="ehc_plan", start=date(2025, 9, 1))
    old.refresh_from_db()
    assert (old.status, new.status) == ("ended", "active")
    assert AuditEvent.objects.get(object_type="plan", object_id=old.pk, action="change").changes == [
        ("status", "active", "ended"),
        ("end date", None, "2025-08-31"),
    ]


def test_a_new_plan_in_force_is_refused_until_the_senco_confirms_the_old_one_ends(client, senco, child):
    old = make_plan(child, senco, start=date(2025, 9, 1))
    client.force_login(senco)
    form = {"kind": "ehc_plan", "start_date": "2026-01-05", "review_due": "2027-01-04", "status": "active"}
    response = client.post(reverse("plan-create", args=[child.pk]), form)
    assert response.context["form"].errors == {
        "replaces_confirmed": [
            "SEN Support plan from 1 September 2025 is in force. This plan ends it on 4 January 2026; its lines and "
            "their delivery stay in the record. Tick the box to confirm."
        ]
    }
    assert Plan.objects.filter(child=child).count() == 1
    response = client.post(reverse("plan-create", args=[child.pk]), {**form, "replaces_confirmed": "on"})
    assert response.status_code == 302
    old.refresh_from_db()
    assert (old.status, old.end_date) == ("ended", date(2026, 1, 4))


def test_a_replaced_plans_lines_promise_nothing_after_it_ends_and_its_delivery_stays_on_the_childs_page(
    client, senco, child, monkeypatch
):
    from tests.factories import make_session

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2026, 2, 6))
    old_line = make_line(make_plan(child, senco, start=date(2025, 9, 1)), senco, sessions=1)
    make_session(old_line, senco, date(2025, 9, 10))
    make_plan(child, senco, kind="ehc_plan", start=date(2026, 1, 5))
    old_line.refresh_from_db()
    after = expected_delivery(old_line.terms_history(), child.school.calendar(), date(2026, 1, 5), date(2026, 2, 6))
    assert after.sessions == 0
    with pytest.raises(ValidationError) as refused:
        make_session(old_line, senco, date(2026, 1, 7))
    assert refused.value.message_dict == {"date": ["7 January 2026 is outside the dates of this provision line."]}
    client.force_login(make_parent(child))
    html = client.get(reverse("child-detail", args=[child.pk])).content.decode()
    assert "SEN Support plan, 1 September 2025 to 4 January 2026" in html
    assert "<strong>1 of 15 sessions</strong> delivered" in html


def test_links_to_change_the_record_show_only_to_those_allowed(client, senco, child):
    line = make_line(make_plan(child, senco), senco)
    amend, record = (
        reverse("line-amend", kwargs={"line_id": line.pk}),
        reverse("session-create", kwargs={"line_id": line.pk}),
    )
    seen = {}
    for who, user in (
        ("senco", senco),
        ("staff", make_staff(child.school, child)),
        ("parent", make_parent(child)),
    ):
        client.force_login(user)
        html = client.get(reverse("child-detail", kwargs={"child_id": child.pk})).content.decode()
        seen[who] = (amend in html, record in html)
    assert seen == {"senco": (True, True), "staff": (False, True), "parent": (False, False)}
