"""Reading lines out of a plan's wording, findings on the line form, the plan's score and the parent's hints."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import lxml.html
import pytest
from django.urls import reverse

from provision_ledger.audit.models import AuditEvent
from provision_ledger.plans.models import LineVersion, ProvisionLine
from provision_ledger.wording.views import PREFIX
from tests.factories import make_line, make_parent, make_plan, make_staff

pytestmark = pytest.mark.django_db

SECTION_F = """Section F: Special educational provision

Communication and interaction
• 2 x 30 minute sessions per week of speech and language therapy delivered by a qualified SALT.
• Access to a sensory room as required.

Cognition and learning
• Precision teaching for 10 minutes daily with a trained teaching assistant.
• Regular small group literacy support.
• 15 hours per week of 1:1 support from a teaching assistant.
"""


@pytest.fixture
def plan(child, senco):
    return make_plan(child, senco)


def _read(client, plan, **data):
    return client.post(reverse("plan-read", kwargs={"plan_id": plan.pk}), data)


def _confirm_data(response, **changes: str) -> dict[str, str]:
    """The review page's proposed lines as the browser sends them back, each ticked, with some fields changed."""
    formset = response.context["formset"]
    data = {
        "confirm": "1",
        "section": response.context["text"],
        **{f"{PREFIX}-{key}": str(value) for key, value in formset.management_form.initial.items()},
    }
    for form in formset:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if name == "include":
                data[form.add_prefix(name)] = "on"
            elif value is not None:
                data[form.add_prefix(name)] = value.isoformat() if isinstance(value, date) else str(value)
    data.update(changes)
    return data


def test_pasted_section_f_shows_each_statement_checked_with_the_words_at_fault_marked(client, senco, plan):
    client.force_login(senco)
    response = _read(client, plan, text=SECTION_F)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 of 5 statements specific" not in html
    assert "3 of 5 statements specific (60%)." in html
    assert '<mark class="pl-mark">Access to</mark> a sensory room <mark class="pl-mark">as required</mark>.' in html
    assert '<mark class="pl-mark">Regular</mark> <mark class="pl-mark">small group</mark> literacy support.' in html
    assert "SEND Code of Practice 9.69" in html
    assert "L v Clarke and Somerset CC [1998] ELR 129" in html
    forms = response.context["formset"].forms
    assert [f.initial["statement"] for f in forms] == [1, 3, 5]
    first, second, third = (f.initial for f in forms)
    assert (first["sessions"], first["period"], first["minutes_per_session"], first["delivered_by"]) == (
        2,
        "week",
        30,
        "salt",
    )
    assert (first["category"], first["qualification"], first["group_size"]) == ("communication", "qualified SALT", 1)
    assert (second["sessions"], second["period"], second["minutes_per_session"], second["category"]) == (
        1,
        "day",
        10,
        "cognition",
    )
    assert (third["weekly_hours"], third["minutes_per_session"], third["delivered_by"]) == (15, None, "ta")
    assert ProvisionLine.objects.filter(plan=plan).count() == 0


def test_confirming_proposed_lines_adds_them_all_with_their_statement_recorded(client, senco, plan):
    client.force_login(senco)
    review = _read(client, plan, text=SECTION_F)
    response = client.post(reverse("plan-read", kwargs={"plan_id": plan.pk}), _confirm_data(review))
    assert response.status_code == 302
    versions = LineVersion.objects.filter(line__plan=plan).order_by("line_id")
    assert [
        (v.description, v.sessions, v.period, v.minutes_per_session, v.weekly_minutes, v.delivered_by) for v in versions
    ] == [
        ("speech and language therapy", 2, "week", 30, None, "salt"),
        ("Precision teaching", 1, "day", 10, None, "ta"),
        ("15 hours per week of 1:1 support from a teaching assistant.", 1, "week", 180, 900, "ta"),
    ]
    assert versions[0].change_reason == (
        "Read from the plan's wording: “2 x 30 minute sessions per week of speech and language therapy "
        "delivered by a qualified SALT.”"
    )
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_type="provisionline").count() == 3


def _as_rendered(html: str) -> dict[str, str]:
    """The page's own form (not the sign-out button) as a browser sends it, its one-time key included."""
    forms = lxml.html.fromstring(html).forms
    [values] = [dict(f.form_values()) for f in forms if f.method.upper() == "POST" and not f.get("action")]
    assert values["form_key"]
    return values


def test_lines_read_from_a_plan_and_confirmed_twice_from_one_form_are_added_once(client, senco, plan):
    from provision_ledger.wording.models import PlanStatement

    client.force_login(senco)
    url = reverse("plan-read", kwargs={"plan_id": plan.pk})
    review = client.post(url, _as_rendered(client.get(url).content.decode()) | {"text": SECTION_F})
    assert (review.status_code, ProvisionLine.objects.filter(plan=plan).count()) == (200, 0)
    confirm = _as_rendered(review.content.decode()) | {"confirm": "1"}  # the button that adds the ticked lines

    first = client.post(url, confirm)
    again = client.post(url, confirm, follow=True)

    assert first["Location"] == reverse("child-detail", kwargs={"child_id": plan.child_id})
    assert again.redirect_chain == [(first["Location"], 302)]
    assert "That form had already been sent, so nothing was saved a second time." in again.content.decode()
    assert sorted(LineVersion.objects.filter(line__plan=plan).values_list("description", flat=True)) == [
        "15 hours per week of 1:1 support from a teaching assistant.",
        "Precision teaching",
        "speech and language therapy",
    ]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_type="provisionline").count() == 3
    assert list(PlanStatement.objects.filter(plan=plan).values_list("text", flat=True).order_by("text")) == [
        "Access to a sensory room as required.",
        "Regular small group literacy support.",
    ]


def test_a_line_left_unticked_is_not_added(client, senco, plan):
    client.force_login(senco)
    review = _read(client, plan, text=SECTION_F)
    data = _confirm_data(review)
    del data["line-1-include"]
    client.post(reverse("plan-read", kwargs={"plan_id": plan.pk}), data)
    assert sorted(LineVersion.objects.filter(line__plan=plan).values_list("description", flat=True)) == [
        "15 hours per week of 1:1 support from a teaching assistant.",
        "speech and language therapy",
    ]


def test_a_bad_row_names_its_statement_and_field_and_nothing_is_added(client, senco, plan):
    client.force_login(senco)
    review = _read(client, plan, text=SECTION_F)
    response = client.post(
        reverse("plan-read", kwargs={"plan_id": plan.pk}),
        _confirm_data(review, **{"line-1-minutes_per_session": "", "line-2-category": ""}),
    )
    assert response.status_code == 200
    assert [message for _, message in response.context["errors"]] == [
        "Statement 3, Minutes each session: Enter the minutes each session lasts, or the hours a week.",
        "Statement 5, Area of need: This field is required.",
    ]
    assert ProvisionLine.objects.filter(plan=plan).count() == 0


def test_a_row_the_plan_refuses_stops_every_row(client, senco, plan):
    """The action refuses a line starting before the plan; the other, valid, lines are not added either."""
    client.force_login(senco)
    review = _read(client, plan, text=SECTION_F)
    response = client.post(
        reverse("plan-read", kwargs={"plan_id": plan.pk}),
        _confirm_data(review, **{"line-2-start_date": "2025-08-01"}),
    )
    assert [message for _, message in response.context["errors"]] == [
        "Statement 5, Start date: The line cannot start before the plan does (1 September 2025)."
    ]
    assert ProvisionLine.objects.filter(plan=plan).count() == 0


def test_a_word_document_is_read_by_its_lists_and_headings(client, senco, plan):
    import docx

    document = docx.Document()
    document.add_heading("Section F: Special educational provision", 1)
    document.add_heading("Communication and interaction", 2)
    document.add_paragraph("2 x 30 minute sessions per week of speech and language therapy by a SALT", "List Bullet")
    document.add_paragraph("Access to a sensory room", "List Bullet")
    document.add_heading("Section G: Health provision", 1)
    document.add_paragraph("Annual hearing check.")
    buffer = io.BytesIO()
    document.save(buffer)
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "plan.docx"
    client.force_login(senco)
    response = _read(client, plan, text="", document=upload)
    assert [r.statement.text for r, _ in response.context["rows"]] == [
        "2 x 30 minute sessions per week of speech and language therapy by a SALT",
        "Access to a sensory room",
    ]


def test_an_upload_that_is_not_a_plan_is_refused_with_its_reason(client, senco, plan):
    upload = io.BytesIO(b"\x00\x01binary")
    upload.name = "photo.jpg"
    client.force_login(senco)
    response = _read(client, plan, text="", document=upload)
    assert response.context["form"].errors == {"document": ["photo.jpg is not a text, Word (DOCX) or PDF file."]}


def test_reading_nothing_asks_for_the_text(client, senco, plan):
    client.force_login(senco)
    response = _read(client, plan, text="   ")
    assert response.context["form"].errors == {"text": ["Paste the plan's Section F, or upload the plan."]}


# The line form


def test_line_form_checks_the_wording_as_typed_and_marks_the_words_at_fault(client, senco, plan):
    client.force_login(senco)
    response = client.post(
        reverse("line-create", kwargs={"plan_id": plan.pk}),
        {"check_wording": "1", "description": "Access to <b>phonics</b> as appropriate", "sessions": "2"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.templates[0].name == "wording/_line_check.html"
    assert (
        '<mark class="pl-mark">Access to</mark> &lt;b&gt;phonics&lt;/b&gt; <mark class="pl-mark">as appropriate</mark>'
        in html
    )
    assert "Does not say how often" in html  # two sessions, but per what?
    assert "Suggested fix:" in html
    assert ProvisionLine.objects.count() == 0


def test_line_form_check_button_without_javascript_keeps_what_was_typed(client, senco, plan):
    client.force_login(senco)
    response = client.post(
        reverse("line-create", kwargs={"plan_id": plan.pk}),
        {"check_wording": "1", "description": "Regular reading", "sessions": "3"},
    )
    html = response.content.decode()
    assert '<mark class="pl-mark">Regular</mark> reading' in html
    assert 'value="Regular reading"' in html
    assert "There is a problem" not in html
    assert ProvisionLine.objects.count() == 0


def test_vague_wording_warns_but_does_not_stop_a_line_being_saved(client, senco, plan):
    client.force_login(senco)
    response = client.post(
        reverse("line-create", kwargs={"plan_id": plan.pk}),
        {
            "description": "Access to a sensory room",
            "category": "sensory_physical",
            "delivered_by": "ta",
            "group_size": "1",
            "sessions": "1",
            "period": "day",
            "minutes_per_session": "10",
            "start_date": "2025-09-01",
            "funder": "school",
        },
    )
    assert response.status_code == 302
    assert LineVersion.objects.get(line__plan=plan).description == "Access to a sensory room"


def test_amend_page_shows_the_findings_on_the_line_as_it_reads(client, senco, plan):
    line = make_line(plan, senco, description="Support with handwriting as required")
    client.force_login(senco)
    html = client.get(reverse("line-amend", kwargs={"line_id": line.pk})).content.decode()
    assert '<mark class="pl-mark">Support with</mark> handwriting <mark class="pl-mark">as required</mark>' in html


# The child's page


def test_staff_see_the_plans_wording_score_and_the_vague_line(client, senco, plan):
    make_line(plan, senco, description="Motor Skills programme")
    vague = make_line(plan, senco, description="Access to a sensory room as required")
    client.force_login(senco)
    response = client.get(reverse("child-detail", kwargs={"child_id": plan.child_id}))
    html = response.content.decode()
    assert "<strong>Wording:</strong> 1 of 2 statements specified and quantified (50%)." in html
    assert f'data-testid="wording-findings-{vague.pk}"' in html
    assert "This line does not say" not in html


def test_parents_see_plain_hints_on_a_vague_line_and_no_score(client, senco, plan):
    vague = make_line(plan, senco, description="Regular access to a sensory room")
    parent = make_parent(plan.child)
    client.force_login(parent)
    html = client.get(reverse("child-detail", kwargs={"child_id": plan.child_id})).content.decode()
    hints = re.search(rf'data-testid="wording-hints-{vague.pk}">(.*?)</div>', html, re.S)
    assert hints is not None
    assert re.findall(r"<li>(.*?)</li>", hints.group(1)) == [
        "The words “Regular” do not promise anything you can check. Ask the school to write exactly what will "
        "happen, how often and who will do it.",
        "The words “access to” do not promise anything you can check. Ask the school to write exactly what will "
        "happen, how often and who will do it.",
    ]
    assert "<strong>Wording:</strong>" not in html


def test_assigned_staff_cannot_read_lines_into_a_plan(client, senco, plan):
    staff = make_staff(plan.child.school, plan.child)
    client.force_login(staff)
    assert _read(client, plan, text=SECTION_F).status_code == 403
    assert ProvisionLine.objects.count() == 0


def test_plan_start_is_the_proposed_start(client, senco, plan):
    client.force_login(senco)
    response = _read(client, plan, text=SECTION_F)
    assert {f.initial["start_date"] for f in response.context["formset"].forms} == {date(2025, 9, 1)}


def test_a_document_longer_than_any_section_f_is_refused(client, senco, plan):
    upload = io.BytesIO(("Phonics for 10 minutes daily with a TA.\n" * 6000).encode())
    upload.name = "huge.txt"
    client.force_login(senco)
    response = _read(client, plan, text="", document=upload)
    assert response.context["form"].errors == {
        "document": ["This is longer than 200,000 characters: give only the plan's Section F."]
    }


def test_confirming_with_no_line_ticked_says_so_and_adds_nothing(client, senco, plan):
    client.force_login(senco)
    data = {k: v for k, v in _confirm_data(_read(client, plan, text=SECTION_F)).items() if not k.endswith("-include")}
    response = client.post(reverse("plan-read", kwargs={"plan_id": plan.pk}), data)
    assert [message for _, message in response.context["errors"]] == [
        "No line is ticked to add: tick “Add this line to the plan” on the lines to add."
    ]
    assert ProvisionLine.objects.count() == 0


def test_confirming_without_the_statements_sends_the_senco_back_to_paste_again(client, senco, plan):
    client.force_login(senco)
    response = client.post(reverse("plan-read", kwargs={"plan_id": plan.pk}), {"confirm": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("plan-read", kwargs={"plan_id": plan.pk})
    assert ProvisionLine.objects.count() == 0


def test_each_statement_says_which_kind_it_was_read_as_and_equipment_proposes_no_line(client, senco, plan):
    client.force_login(senco)
    response = _read(
        client,
        plan,
        text="• A wobble cushion for carpet time.\n• A radio aid worn in all lessons.\n"
        "• Phonics for 20 minutes daily with a trained teaching assistant.",
    )
    html = response.content.decode()
    assert (
        "Read as: equipment or an adaptation, which must say what it is, when it is used and who maintains it." in html
    )
    staff = "Read as: sessions delivered by staff, which must say how often, how long, who delivers it and the group."
    assert staff in html
    assert "Does not say who maintains it" in html
    assert "Specific. It is not time given by staff, so no line of sessions is proposed for it." in html
    assert [f.initial["statement"] for f in response.context["formset"].forms] == [3]


def test_a_mixed_statement_proposes_two_lines_and_a_block_proposes_an_end_date(client, senco, plan):
    client.force_login(senco)
    response = _read(
        client,
        plan,
        text="Cognition and learning\n"
        "• 1:1 support from a teaching assistant for 20 hours a week and 10 minutes of precision teaching daily.\n"
        "• Precision teaching for 10 minutes daily with a TA for 10 weeks.",
    )
    html = response.content.decode()
    assert "This statement makes 2 provisions, so 2 lines are proposed." in html
    hours, daily, block = (f.initial for f in response.context["formset"].forms)
    assert (hours["statement"], hours["part"], hours["weekly_hours"], hours["delivered_by"]) == (1, 1, 20, "ta")
    assert (daily["statement"], daily["part"], daily["sessions"], daily["minutes_per_session"]) == (1, 2, 1, 10)
    assert daily["period"] == "day"
    assert block["end_date"] == plan.start_date + timedelta(days=69)
    response = client.post(reverse("plan-read", kwargs={"plan_id": plan.pk}), _confirm_data(response))
    assert response.status_code == 302
    assert ProvisionLine.objects.filter(plan=plan).count() == 3


SIX = """Cognition and learning
• Precision teaching for 10 minutes daily with a trained teaching assistant.
• Phonics for 20 minutes three times a week with a teaching assistant.
• Touch typing for 15 minutes twice a week with a teaching assistant.
• Access to a sensory room as required.
• Regular small group literacy support.
• Support with reading where possible.
"""


def test_the_plans_score_counts_the_vague_statements_left_out_and_names_them(client, senco, plan):
    client.force_login(senco)
    review = _read(client, plan, text=SIX)
    data = _confirm_data(review)
    assert client.post(reverse("plan-read", kwargs={"plan_id": plan.pk}), data).status_code == 302
    html = client.get(reverse("child-detail", kwargs={"child_id": plan.child_id})).content.decode()
    assert "score 100" not in html
    assert (
        "<strong>Wording:</strong> 3 of 6 statements specified and quantified (50%), counting 3 read from the plan "
        "and not entered as lines." in html
    )
    assert (
        "“Access to a sensory room as required.” (Vague wording; Does not say how often; Does not say how long; "
        "Does not say who delivers it)" in html
    )
    assert "“Regular small group literacy support.”" in html
    events = AuditEvent.objects.filter(child=plan.child, object_type="planstatement")
    assert events.count() == 3
    # The same section confirmed again, from a page opened again (a key of its own), records no statement twice.
    again = {name: value for name, value in data.items() if name != "form_key"}
    assert client.post(reverse("plan-read", kwargs={"plan_id": plan.pk}), again).status_code in (200, 302)
    assert AuditEvent.objects.filter(child=plan.child, object_type="planstatement").count() == 3


def test_a_statement_read_from_the_plan_taken_out_of_the_score_stays_void_with_its_reason(client, senco, plan):
    from provision_ledger.wording.models import PlanStatement

    client.force_login(senco)
    assert client.post(reverse("plan-read", kwargs={"plan_id": plan.pk}), _confirm_data(_read(client, plan, text=SIX)))
    sensory = PlanStatement.objects.get(plan=plan, text__startswith="Access to a sensory room")
    page = reverse("statement-void", kwargs={"statement_id": sensory.pk})
    assert page in client.get(reverse("child-detail", kwargs={"child_id": plan.child_id})).content.decode()

    refused = client.post(page, {"reason": "   "})
    response = client.post(page, {"reason": "Read from last year's plan by mistake"})
    again = client.post(page, {"reason": "Twice"})

    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()
    assert response["Location"] == reverse("child-detail", kwargs={"child_id": plan.child_id})
    assert again.status_code == 200
    assert "This statement is already void." in again.content.decode()
    sensory.refresh_from_db()
    assert (sensory.voided_by, sensory.void_reason) == (senco, "Read from last year's plan by mistake")
    html = client.get(reverse("child-detail", kwargs={"child_id": plan.child_id})).content.decode()
    assert (
        "<strong>Wording:</strong> 3 of 5 statements specified and quantified (60%), counting 2 read from the plan "
        "and not entered as lines." in html
    )
    assert "Access to a sensory room" not in html
    [event] = AuditEvent.objects.filter(child=plan.child, object_type="planstatement", action="void")
    assert event.reason == "Read from last year's plan by mistake"


def test_taking_a_statement_out_of_the_score_sent_twice_voids_it_once(client, senco, plan):
    from provision_ledger.submissions.middleware import ALREADY_SENT
    from provision_ledger.wording.models import PlanStatement

    client.force_login(senco)
    client.post(reverse("plan-read", kwargs={"plan_id": plan.pk}), _confirm_data(_read(client, plan, text=SIX)))
    sensory = PlanStatement.objects.get(plan=plan, text__startswith="Access to a sensory room")
    page = reverse("statement-void", kwargs={"statement_id": sensory.pk})
    key = re.search(r'name="form_key" value="([^"]+)"', client.get(page).content.decode()).group(1)
    sent = {"reason": "Read from last year's plan by mistake", "form_key": key}
    assert client.post(page, sent).status_code == 302
    assert ALREADY_SENT in client.post(page, sent, follow=True).content.decode()
    assert AuditEvent.objects.filter(child=plan.child, object_type="planstatement", action="void").count() == 1
