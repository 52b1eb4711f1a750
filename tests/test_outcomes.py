"""Outcomes, progress entries, dose and response, and the annual review pack."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from unittest.mock import patch

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from provision_ledger.audit.models import AuditEvent, RecordView
from provision_ledger.outcomes import actions
from provision_ledger.outcomes.models import Outcome, ProgressEntry
from provision_ledger.outcomes.queries import dose_response, outcome_progress
from tests.factories import (
    make_child,
    make_line,
    make_outcome,
    make_parent,
    make_plan,
    make_progress,
    make_session,
    make_staff,
)

pytestmark = pytest.mark.django_db


def _child_with_progress(school, senco, name: str, delivered_days: int, reached: int):
    """A child whose outcome moved from step 2 to `reached` after `delivered_days` 30-minute sessions."""
    child = make_child(school, first_name=name)
    plan = make_plan(child, senco)
    line = make_line(plan, senco, description="Motor Skills programme", category="sensory_physical")
    outcome = make_outcome(plan, senco, line)
    days = [date(2025, 9, 8 + i) for i in range(delivered_days)] if delivered_days <= 5 else []
    for day in days:
        make_session(line, senco, day)
    make_progress(outcome, senco, date(2025, 9, 15), reached)
    return child, outcome


def test_school_figure_is_average_progress_per_ten_hours_with_the_children_behind_it(school, senco):
    # Five children, each 2 sessions (1 hour) then half way (step 5 of 2→8): 50 points an hour, 500 per 10 hours.
    for name in ("Ann", "Ben", "Cal", "Dee", "Eve"):
        _child_with_progress(school, senco, name, delivered_days=2, reached=5)
    [figure] = dose_response([school.pk], threshold=5)
    assert (figure.category_label, figure.children, figure.outcomes, figure.per_ten_hours) == (
        "Sensory and/or physical",
        5,
        5,
        500.0,
    )


def test_no_figure_is_shown_for_fewer_children_than_the_threshold(school, senco):
    for name in ("Ann", "Ben", "Cal", "Dee"):
        _child_with_progress(school, senco, name, delivered_days=4, reached=8)
    [figure] = dose_response([school.pk], threshold=5)
    assert (figure.children, figure.per_ten_hours) == (4, None)
    assert dose_response([school.pk], threshold=4)[0].per_ten_hours == 500.0


def test_a_value_outside_the_scale_is_refused_and_nothing_is_recorded(school, senco, child):
    outcome = make_outcome(make_plan(child, senco), senco)
    with pytest.raises(ValidationError) as refused:
        make_progress(outcome, senco, date(2025, 10, 1), 9)
    assert refused.value.message_dict == {"value": ["The value 9 is outside the scale of this measure (0 to 8)."]}
    assert ProgressEntry.objects.count() == 0


def test_a_voided_entry_stays_in_the_record_audited_and_no_longer_counts(school, senco, child):
    outcome = make_outcome(make_plan(child, senco), senco)
    entry = make_progress(outcome, senco, date(2025, 10, 1), 6)
    actions.void_progress(entry=entry, by=senco, reason="Recorded against the wrong child")
    [progress] = outcome_progress([outcome], date(2025, 9, 1), date(2025, 10, 31))
    assert (progress.latest, [e.pk for e in progress.voided]) == (None, [entry.pk])
    event = AuditEvent.objects.filter(object_type="progressentry", action="void").get()
    assert event.reason == "Recorded against the wrong child"


def test_a_parent_observation_carries_no_support_level(school, senco, child):
    outcome = make_outcome(make_plan(child, senco), senco)
    parent = make_parent(child)
    entry = actions.add_home_observation(
        outcome=outcome, by=parent, date=date(2025, 10, 4), note="Used the timetable at home", today=date(2025, 10, 5)
    )
    assert (entry.source, entry.support, entry.value) == ("home", "", None)


def test_months_show_delivered_minutes_beside_the_best_shown_with_and_without_support(school, senco, child):
    plan = make_plan(child, senco)
    line = make_line(plan, senco)
    outcome = make_outcome(plan, senco, line)
    make_session(line, senco, date(2025, 9, 10))
    make_session(line, senco, date(2025, 9, 12), status="part_delivered", delivered_minutes=10, reason="staff_absent")
    make_progress(outcome, senco, date(2025, 9, 20), 3, support="prompts")
    make_progress(outcome, senco, date(2025, 9, 25), 2, support="independent")
    make_progress(outcome, senco, date(2025, 10, 20), 5, support="one_to_one")
    [progress] = outcome_progress([outcome], date(2025, 9, 1), date(2025, 10, 31))
    assert [(m.month, m.delivered_minutes, m.independent, m.supported, m.supported_how) for m in progress.months] == [
        (date(2025, 9, 1), 40, Decimal(2), Decimal(3), "prompts"),
        (date(2025, 10, 1), 0, None, Decimal(5), "one_to_one"),
    ]
    assert progress.independence_sentence == (
        "Oliver plans his day with a visual timetable: step 5 of 8 shown only with 1:1 adult support; "
        "independently, step 2 of 8."
    )


# The annual review pack ---------------------------------------------------------------------------------------------


@pytest.fixture
def reviewed(school, senco):
    """Maya's EHC plan: 5 hours a week of 1:1 TA support, a month reviewed, progress shown only with 1:1 support."""
    maya = make_child(school, first_name="Maya", last_name="Okafor", year_group="5")
    plan = make_plan(maya, senco, kind="ehc_plan")
    support = make_line(
        plan, senco, description="1:1 teaching assistant support in class", category="communication", weekly_minutes=300
    )
    days = [date(2025, 9, d) for d in (3, 4, 5, 8, 9, 10, 11, 12, 15, 16)]
    for day in days:
        make_session(support, senco, day)
    for day in (date(2025, 9, 17), date(2025, 9, 18), date(2025, 9, 19)):
        make_session(support, senco, day, status="not_delivered", reason="staff_redeployed")
    make_session(support, senco, date(2025, 9, 22), status="not_delivered", reason="child_absent")
    outcome = make_outcome(
        plan,
        senco,
        support,
        description="Maya plans her day with a visual timetable",
        baseline=Decimal(2),
        target=Decimal(6),
    )
    make_progress(outcome, senco, date(2025, 9, 10), 3, support="independent", note="Used it for the morning")
    make_progress(outcome, senco, date(2025, 9, 24), 5, support="one_to_one", note="With her TA beside her")
    mum = make_parent(maya)
    actions.add_home_observation(
        outcome=outcome, by=mum, date=date(2025, 9, 27), note="Asked for her picture list on Saturday"
    )
    review = actions.create_review(plan=plan, by=senco, meeting_date=date(2025, 10, 1), period_start=plan.start_date)
    actions.record_views(
        review=review, by=mum, parent_views="She is calmer when her TA is with her.", child_views="I like the pictures."
    )
    actions.update_review(
        review=review,
        by=senco,
        invitations_sent=date(2025, 9, 17),
        advice_circulated=date(2025, 9, 19),
        proposed_amendments="Speech and language therapy as needed.",
    )
    return review


def _pack_text(review) -> tuple[str, str]:
    import io

    import pypdf
    from docx import Document

    from provision_ledger.outcomes.pack import review_pack
    from provision_ledger.outcomes.render import pack_docx, pack_pdf

    pack = review_pack(review, date(2026, 1, 10))
    pdf = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pack_pdf(pack))).pages).split())
    document = Document(io.BytesIO(pack_docx(pack)))
    parts = [p.text for p in document.paragraphs]
    parts += [" | ".join(cell.text for cell in row.cells) for table in document.tables for row in table.rows]
    return pdf, " ".join(" ".join(parts).split())


def test_review_pack_gives_promised_against_delivered_with_missed_sessions_by_reason_and_owed_time(reviewed):
    from provision_ledger.money.queries import rate_book

    rate = rate_book(reviewed.child.school, [2025]).for_year("ta", 2025)
    pdf, docx = _pack_text(reviewed)
    # 22 school days from 1 September to 1 October at an hour a day, 10 delivered: the hour the child was absent is
    # not owed, the other 11 (3 redeployed, 8 with nothing recorded) are.
    for text in (pdf, docx):
        assert "1:1 teaching assistant support in class" in text
        assert "Promised: 5 hours a week, one-to-one, with a teaching assistant." in text
        assert "10.0 of 22.0 hours delivered" in text
        assert "Staff redeployed" in text
        assert "Child absent" in text
        assert "Sessions 10 of 22 delivered (45%)" in text.replace(" |", "")
        assert "Time owed 11.0 hours" in text.replace(" |", "")
        assert (
            f"£{(rate * 10).quantize(Decimal('0.01'))} delivered of £{(rate * 22).quantize(Decimal('0.01'))} planned"
            in text
        )
    assert "Child absent 1 60 Staff redeployed to other duties 3 180" in pdf
    assert "Child absent | 1 | 60 Staff redeployed to other duties | 3 | 180" in docx


def test_review_pack_says_plainly_which_skills_hold_only_with_support(reviewed):
    pdf, docx = _pack_text(reviewed)
    sentence = (
        "Maya plans her day with a visual timetable: step 5 of 8 shown only with 1:1 adult support; "
        "independently, step 3 of 8."
    )
    assert sentence in pdf
    assert sentence in docx
    assert (
        "Latest: step 5 of 8 on 24 September 2025 (with 1:1 adult support), 75% of the way from baseline to target."
        in docx
    )


def test_review_pack_carries_views_amendment_checks_step_dates_and_the_ledger_seal(reviewed):
    from provision_ledger.audit.chain import seal

    pdf, docx = _pack_text(reviewed)
    seq, digest = seal(reviewed.local_authority_id)
    for text in (pdf, docx):
        assert "She is calmer when her TA is with her." in text
        assert "I like the pictures." in text
        assert "Asked for her picture list on Saturday" in text
        assert "Wording check – Vague wording (“as needed”)" in text
        assert "Invitations sent: Wednesday 17 September 2025, on time (due by Wednesday 17 September 2025)." in text
        assert "Advice circulated: Friday 19 September 2025, late (due by Wednesday 17 September 2025)." in text
        assert "Review report sent: due by Wednesday 15 October 2025; not yet recorded." in text
    assert f"Record reference {seq}-{digest}: the record as it stood when this was made." in docx
    assert f"Record reference {seq}-{digest[:20]}" in pdf


def test_a_review_decision_cannot_be_recorded_without_what_was_decided(reviewed, senco):
    with pytest.raises(ValidationError) as refused:
        actions.update_review(review=reviewed, by=senco, decision_date=date(2025, 10, 20), outcome="")
    assert refused.value.message_dict == {"outcome": ["Record what was decided: maintain, amend or cease the plan."]}


def test_a_review_report_dated_before_the_meeting_is_refused(reviewed, senco):
    with pytest.raises(
        ValidationError, match=r"The review report \(Tuesday 30 September 2025\) is before the review meeting"
    ):
        actions.update_review(review=reviewed, by=senco, report_sent=date(2025, 9, 30))


# Pages ----------------------------------------------------------------------------------------------------------------


def test_senco_sets_an_outcome_served_by_a_line_and_it_is_audited(client, school, senco, child):
    plan = make_plan(child, senco)
    line = make_line(plan, senco)
    client.force_login(senco)
    response = client.post(
        reverse("outcome-create", kwargs={"child_id": child.pk}),
        {
            "description": "Oliver forms his letters correctly",
            "measure": "score",
            "scale_low": "0",
            "scale_high": "26",
            "unit": "letters",
            "baseline": "4",
            "baseline_date": "2025-09-01",
            "target": "20",
            "target_date": "2026-07-01",
            "lines": [line.pk],
        },
    )
    assert response.status_code == 302
    outcome = Outcome.objects.get()
    assert (outcome.show(outcome.target), list(outcome.lines.all())) == ("20 letters", [line])
    assert AuditEvent.objects.filter(object_type="outcome", action="create").count() == 1


def test_staff_entering_a_value_outside_the_scale_sees_why_and_nothing_is_recorded(client, school, senco, child):
    outcome = make_outcome(make_plan(child, senco), senco)
    staff = make_staff(school, child)
    client.force_login(staff)
    response = client.post(
        reverse("progress-create", kwargs={"outcome_id": outcome.pk}),
        {"date": "2025-10-01", "value": "12", "support": "independent", "note": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"value": ["The value 12 is outside the scale of this measure (0 to 8)."]}
    assert ProgressEntry.objects.count() == 0


def test_parent_adds_an_observation_from_home_and_sees_it_on_the_outcome(client, school, senco, child):
    outcome = make_outcome(make_plan(child, senco), senco)
    parent = make_parent(child)
    client.force_login(parent)
    client.post(
        reverse("observation-create", kwargs={"outcome_id": outcome.pk}),
        {"date": "2025-10-04", "note": "Used his picture timetable on Saturday"},
    )
    page = client.get(reverse("outcome-detail", kwargs={"outcome_id": outcome.pk}))
    assert [(e.source, e.note) for e in page.context["progress"].entries] == [
        ("home", "Used his picture timetable on Saturday")
    ]


def test_parent_gives_views_that_the_draft_pack_shows(client, reviewed):
    parent = reviewed.child.guardians.get().user
    client.force_login(parent)
    client.post(
        reverse("review-views", kwargs={"review_id": reviewed.pk}),
        {"parent_views": "Her TA makes the difference.", "child_views": "I like my timetable."},
    )
    page = client.get(reverse("review-detail", kwargs={"review_id": reviewed.pk}))
    assert (page.context["review"].parent_views, page.context["review"].child_views) == (
        "Her TA makes the difference.",
        "I like my timetable.",
    )
    assert "Her TA makes the difference." in page.content.decode()


def test_school_page_withholds_a_figure_behind_too_few_children(client, school, senco):
    for name in ("Ann", "Ben"):
        _child_with_progress(school, senco, name, delivered_days=2, reached=5)
    client.force_login(senco)
    page = client.get(reverse("school-progress", kwargs={"urn": school.urn}))
    assert [(f.children, f.per_ten_hours) for f in page.context["figures"]] == [(2, None)]
    assert "Too few children for a figure" in page.content.decode()


def test_an_authority_may_set_its_own_small_number_threshold(client, school, senco, settings):
    settings.PROGRESS_FIGURE_MIN_CHILDREN = 2
    for name in ("Ann", "Ben"):
        _child_with_progress(school, senco, name, delivered_days=2, reached=5)
    client.force_login(senco)
    page = client.get(reverse("school-progress", kwargs={"urn": school.urn}))
    assert [(f.children, f.per_ten_hours) for f in page.context["figures"]] == [(2, 500.0)]


def test_the_whole_record_holds_outcomes_with_every_entry_and_reviews(client, reviewed):
    import json

    parent = reviewed.child.guardians.get().user
    client.force_login(parent)
    record = json.loads(client.get(reverse("record-json", kwargs={"child_id": reviewed.child_id})).content)
    [outcome] = record["outcomes"]
    assert [(e["date"], e["value"], e["support"], e["source"]) for e in outcome["entries"]] == [
        ("2025-09-10", "3.00", "independent", "school"),
        ("2025-09-24", "5.00", "one_to_one", "school"),
        ("2025-09-27", None, "", "home"),
    ]
    assert [(r["meeting_date"], r["parent_views"]) for r in record["reviews"]] == [
        ("2025-10-01", "She is calmer when her TA is with her.")
    ]


def test_child_outcomes_page_reads_the_same_number_of_queries_for_one_outcome_or_three(
    client, school, senco, child, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = make_plan(child, senco)
    line = make_line(plan, senco)
    make_progress(make_outcome(plan, senco, line), senco, date(2025, 10, 1), 3)
    client.force_login(senco)
    url = reverse("child-outcomes", kwargs={"child_id": child.pk})
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(2):
        make_progress(make_outcome(plan, senco, line), senco, date(2025, 10, 1), 4, support="prompts")
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(url)
    assert len(page.context["items"]) == 3


def test_school_list_shows_reviews_due_in_twelve_weeks_and_overdue_to_the_authority_too(client, school, senco):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import make_la_officer

    today = timezone.localdate()
    for name, due in (("Soon", 20), ("Late", -3), ("Later", 100)):
        plan = make_plan(make_child(school, first_name=name), senco)
        plan.review_due = today + timedelta(days=due)
        plan.save(update_fields=["review_due"])
    client.force_login(make_la_officer(school.local_authority))
    page = client.get(reverse("school-progress", kwargs={"urn": school.urn}))
    assert [p.child.first_name for p in page.context["due"]] == ["Late", "Soon"]


def test_recording_the_report_and_decision_puts_the_held_meeting_on_the_statutory_deadlines(reviewed, senco):
    from provision_ledger.nextsteps.models import StatutoryEvent

    actions.update_review(review=reviewed, by=senco, report_sent=date(2025, 10, 10))
    actions.update_review(review=reviewed, by=senco, outcome="maintain", decision_date=date(2025, 10, 20))
    events = StatutoryEvent.objects.filter(child=reviewed.child).order_by("date")
    assert [(e.kind, e.date) for e in events] == [
        ("review_meeting", date(2025, 10, 1)),
        ("review_report_sent", date(2025, 10, 10)),
        ("review_decision", date(2025, 10, 20)),
    ]


def test_the_database_figure_agrees_with_the_rule_for_one_child(school, senco):
    from provision_ledger.rules.outcomes import progress_fraction, progress_per_ten_hours

    _child_with_progress(school, senco, "Ann", delivered_days=3, reached=7)
    [figure] = dose_response([school.pk], threshold=1)
    expected = progress_per_ten_hours(progress_fraction(Decimal(2), Decimal(8), Decimal(7)), 3 * 30)
    assert figure.per_ten_hours == round(float(expected), 1)


def test_a_senco_opening_a_review_pack_or_an_outcome_is_logged_as_a_read(client, reviewed, senco):
    client.force_login(senco)
    outcome = reviewed.child.outcomes.get()
    client.get(reverse("review-detail", args=[reviewed.pk]))
    client.get(reverse("outcome-detail", args=[outcome.pk]))

    assert list(RecordView.objects.order_by("pk").values_list("viewer", "child", "what")) == [
        (senco.pk, reviewed.child_id, "an annual review pack"),
        (senco.pk, reviewed.child_id, "an outcome and its progress"),
    ]


def test_inviting_the_family_emails_each_parent_the_meeting_and_the_pack_and_records_the_day(client, school, senco):
    child = make_child(school, first_name="Maya")
    plan = make_plan(child, senco, kind="ehc_plan")
    review = actions.create_review(plan=plan, by=senco, meeting_date=date(2026, 12, 14), period_start=plan.start_date)
    make_parent(child, email="mum@example.test", first_name="Ada", last_name="Okafor")
    client.force_login(senco)

    with patch("django.utils.timezone.localdate", return_value=date(2026, 11, 30)):
        response = client.post(reverse("review-invite", args=[review.pk]))

    assert (response.status_code, response.url) == (302, reverse("review-detail", args=[review.pk]))
    (email,) = mail.outbox
    assert (email.to, email.subject) == (["mum@example.test"], "Maya's annual review on 14 December 2026")
    assert "Monday 14 December 2026" in email.body
    assert f"http://testserver{reverse('review-detail', args=[review.pk])}" in email.body
    assert "Advice for the review is due by 30 November 2026" in email.body
    review.refresh_from_db()
    assert review.invitations_sent == date(2026, 11, 30)


def test_no_invitation_goes_after_the_meeting_or_to_a_child_with_no_parent_account(school, senco):
    child = make_child(school, first_name="Maya")
    plan = make_plan(child, senco, kind="ehc_plan")
    review = actions.create_review(plan=plan, by=senco, meeting_date=date(2026, 12, 14), period_start=plan.start_date)
    with pytest.raises(ValidationError, match="Maya has no parent or carer with an account"):
        actions.invite_family_to_review(review=review, by=senco, base_url="http://x", today=date(2026, 11, 30))
    make_parent(child)
    with pytest.raises(ValidationError, match="The meeting was on 14 December 2026"):
        actions.invite_family_to_review(review=review, by=senco, base_url="http://x", today=date(2026, 12, 15))
    assert mail.outbox == []
    review.refresh_from_db()
    assert review.invitations_sent is None
