"""The routes after the records request, from the family's record: the same next steps as a school-kept record's,
opened once the school has answered or its time has run out, with letters whose every figure says whose word it is."""

from __future__ import annotations

import io
from datetime import date, timedelta

import docx
import lxml.html
import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from provision_ledger.family import actions, chain
from provision_ledger.family.models import FamilyEvent, FamilyLetter
from provision_ledger.family.queries import family_advice, family_statement
from provision_ledger.rules.advisor import LineBehind, SchoolType, Situation, StepKind, StepStatus, advise
from provision_ledger.rules.family_record import RecordsAsked, RecordsDeadlines, routes_gate
from provision_ledger.rules.legal_force import PlanKind
from tests.factories import make_school, make_user
from tests.test_family_record import _entry, _kept, _line

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _text(html: str) -> str:
    return " ".join(lxml.html.fromstring(html).text_content().split())


def _behind(parent=None, received=TODAY - timedelta(days=40), **extra):
    """A child at School Action Plus whose school wrote that 3 Motor Skills sessions did not take place, whose child
    said 2 more did not, and whose request for the school's records was received on `received`."""
    family_child = _kept(parent or make_user(first_name="Tom", last_name="Bennett"), **extra)
    line = _line(family_child)
    _entry(family_child, line=line, sessions=3, outcome="did_not", text="No Motor Skills this week: TA off sick.",
           happened_on=TODAY - timedelta(days=21), written_on=TODAY - timedelta(days=19))  # fmt: skip
    _entry(family_child, line=line, sessions=2, outcome="did_not", source="child", written_on=None,
           happened_on=TODAY - timedelta(days=14), text="He said there was no group again.")  # fmt: skip
    request = actions.create_records_request(
        family_child=family_child, by=family_child.keeper, received_on=received, parent_name="Tom Bennett",
        parent_address="", maintained=None, today=TODAY,
    )  # fmt: skip
    return family_child, line, request


# The gate: pure dates, worked by hand


def _asked(received, subject_access, educational=None, answered=None):
    return RecordsAsked(received, RecordsDeadlines(subject_access, educational, educational is not None), answered)


def test_the_routes_wait_until_the_last_day_the_school_has_to_answer_both_parts_of_the_request():
    # Received Monday 2 March 2026: one month is Thursday 2 April; 15 school days (a maintained school whose Easter
    # holiday starts on 30 March) end on Thursday 16 April, the later, so that is the day the school has.
    asked = _asked(date(2026, 3, 2), date(2026, 4, 2), date(2026, 4, 16))
    waiting = routes_gate([asked], date(2026, 4, 16))
    assert (waiting.open, waiting.waiting_until) == (False, date(2026, 4, 16))
    assert waiting.reason.startswith("The school has until Thursday 16 April 2026 to send you its records.")
    opened = routes_gate([asked], date(2026, 4, 17))
    assert (opened.open, opened.reason) == (
        True,
        "The school had until Thursday 16 April 2026 to send you its records, and you have not recorded an answer.",
    )


def test_the_routes_open_on_the_schools_answer_and_stay_shut_until_the_records_are_asked_for():
    answered = _asked(date(2026, 3, 2), date(2026, 4, 2), answered=date(2026, 3, 9))
    assert routes_gate([answered], date(2026, 3, 10)).reason == (
        "The school answered your request for its records on Monday 9 March 2026."
    )
    assert routes_gate([answered], date(2026, 3, 10)).open is True
    none = routes_gate([], date(2026, 3, 10))
    assert (none.open, none.reason.split(".")[0]) == (False, "Ask the school for its records first")


# The page


def test_the_next_steps_wait_for_the_schools_records_and_no_letter_can_be_written_before(client):
    family_child, _, _ = _behind(received=TODAY - timedelta(days=3))
    client.force_login(family_child.keeper)

    page = _text(client.get(reverse("family-next-steps", args=[family_child.pk])).content.decode())
    letter = client.get(reverse("family-letter-write", args=[family_child.pk, "ask_school_to_reinstate"]))

    assert "Your record shows what you were told, not what happened" in page
    assert "Not yet The school has until" in page
    assert "Not yet: wait for the school’s records" in page
    assert "Write this letter" not in page
    assert letter.status_code == 404
    assert "The school has until" in letter.content.decode()
    assert not FamilyLetter.objects.exists()


def test_the_routes_are_the_school_kept_records_routes_from_the_schools_written_word_only():
    school = make_school()
    school.establishment_type = "Academy converter"
    school.save()
    family_child, _, _ = _behind(school=school)
    statement = family_statement(family_child, TODAY)
    [s] = statement.lines
    ask = next(x for x in family_advice(family_child, statement, TODAY).steps if x.kind == "ask_school_to_reinstate")
    letter = actions.save_family_letter(
        family_child=family_child, step=ask, schedule={}, by=family_child.keeper, addressee="The Headteacher",
        subject="Provision", body="Dear Headteacher",
        sent_on=TODAY - timedelta(days=20), today=TODAY,
    )  # fmt: skip

    advice = family_advice(family_child, statement, TODAY, [letter])

    # The one rule, given the school's word as delivered and missed: the child's account counts as neither.
    same = advise(
        Situation(
            plan_kind=PlanKind.IEP_SCHOOL_ACTION_PLUS,
            today=TODAY,
            lines=(LineBehind("Motor Skills programme", s.count.promised, 0, 3 * 20),),
            steps_taken=advice_steps_taken(letter),
            school_type=SchoolType.ACADEMY,
        )
    )
    assert advice == same
    steps = {step.kind: step for step in advice.steps}
    assert steps[StepKind.ASK_SCHOOL_TO_REINSTATE].status is StepStatus.REPLY_OVERDUE
    assert steps[StepKind.COMPLAIN_TO_GOVERNORS].status is StepStatus.AVAILABLE
    assert StepKind.WRITE_TO_LA_S42 not in steps  # an IEP binds no local authority


def advice_steps_taken(letter):
    from provision_ledger.rules.advisor import StepTaken

    return (StepTaken(StepKind(letter.kind), letter.sent_on, letter.replied_on),)


def test_a_letter_from_the_familys_record_labels_every_figure_by_its_source_in_the_pdf_and_the_word_document(client):
    family_child, _, _ = _behind()
    client.force_login(family_child.keeper)
    url = reverse("family-letter-write", args=[family_child.pk, "ask_school_to_reinstate"])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    [s] = family_statement(family_child, TODAY).lines
    promised, unknown = s.count.promised, s.count.unknown
    written = TODAY - timedelta(days=19)
    about = TODAY - timedelta(days=21)
    body = form.initial["body"]
    assert form.initial["addressee"] == "The Headteacher (copy to the SENCO)\nSt Anne's Primary"
    assert (
        f"The school has told me in writing that 0 took place and 3 did not; I have no information about the other "
        f"{unknown}." in body
    )
    assert "My record shows what I have been told, not what happened" in body
    assert "The law: " in body
    assert "school's own records" not in body  # never the ledger's wording for the family's word

    values = dict(lxml.html.fromstring(page.content.decode()).forms[-1].form_values())
    saved = client.post(url, values)
    letter = FamilyLetter.objects.get()
    assert saved["Location"] == reverse("family-letter", args=[letter.pk])

    schedule = [
        "Promised by the plan so far",
        str(promised),
        "The school said did not take place 3 The school, in writing",
        f"Not known: no information {unknown} Nobody has told the family",
        "The child or the parent saw not take place 2 The family’s own account",
        f"The school told the family in writing on {written.day} {written:%B %Y}: 3 sessions did not take place "
        f"(the day or week of {about.day} {about:%B %Y}).",
        "The child’s own account, not the school’s word: 2 sessions did not take place",
    ]
    pdf = client.get(reverse("family-letter-download", args=[letter.pk, "pdf"]))
    pdf_text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages).split())
    word = client.get(reverse("family-letter-download", args=[letter.pk, "docx"]))
    document = docx.Document(io.BytesIO(word.content))
    word_text = " ".join(
        [p.text for p in document.paragraphs]
        + [" ".join(c.text for c in row.cells) for t in document.tables for row in t.rows]
    )
    word_text = " ".join(word_text.split())
    for words in schedule:
        assert words in pdf_text
        assert words in word_text
    assert "Dear Headteacher," in word_text
    assert f"{TODAY:%A} {TODAY.day} {TODAY:%B %Y}" in [p.text for p in document.paragraphs]
    assert "not legal advice" in pdf_text
    assert [e.summary for e in FamilyEvent.objects.filter(object_type="familyletter")] == [
        "A letter of the next steps was kept as sent"
    ]
    assert chain.verify() == []


def test_an_ehc_plans_letter_to_the_authority_cites_its_absolute_duty_and_is_addressed_to_it(client):
    school = make_school()
    family_child, _, _ = _behind(school=school, plan_kind="ehc_plan")
    client.force_login(family_child.keeper)

    page = client.get(reverse("family-letter-write", args=[family_child.pk, "write_to_la_s42"]))

    initial = page.context["form"].initial
    assert initial["addressee"] == (
        f"The Director of Children's Services\nc/o the Special Educational Needs team\n{school.local_authority.name}"
    )
    assert (
        "Section 42(2), Children and Families Act 2014: where an EHC plan is maintained the local authority must "
        "secure the special educational provision specified in it" in initial["body"]
    )
    assert "Please reply by" in initial["body"]


def test_the_schools_answer_is_recorded_once_and_opens_the_routes(client):
    family_child, _, request = _behind(received=TODAY - timedelta(days=3))
    client.force_login(family_child.keeper)
    steps = reverse("family-next-steps", args=[family_child.pk])
    html = client.get(steps).content.decode()
    [values] = [
        dict(f.form_values()) for f in lxml.html.fromstring(html).forms if "/answer/" in (f.get("action") or "")
    ]
    values["answered_on"] = TODAY.isoformat()
    answer = reverse("family-records-answer", args=[request.pk])

    first, second = client.post(answer, values), client.post(answer, values)

    assert (first.status_code, second.status_code) == (302, 302)
    request.refresh_from_db()
    assert request.answered_on == TODAY
    assert FamilyEvent.objects.filter(object_type="recordsrequest", action="reply").count() == 1
    page = _text(client.get(steps).content.decode())
    assert f"The school answered your request for its records on {TODAY:%A} {TODAY.day} {TODAY:%B %Y}." in page
    assert "Write this letter" in page
    assert chain.verify() == []


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (timedelta(days=1), "The date of the school’s answer cannot be after today"),
        (timedelta(days=-10), "The answer cannot come before the school received the letter"),
    ],
)
def test_an_answer_dated_in_the_future_or_before_the_letter_arrived_is_refused_and_nothing_is_stored(
    client, day, message
):
    family_child, _, request = _behind(received=TODAY - timedelta(days=3))
    client.force_login(family_child.keeper)
    response = client.post(
        reverse("family-records-answer", args=[request.pk]), {"answered_on": (TODAY + day).isoformat()}, follow=True
    )
    assert message in response.content.decode()
    request.refresh_from_db()
    assert request.answered_on is None


def test_a_letter_and_its_reply_sent_twice_are_each_written_once_and_a_reply_before_the_letter_is_refused(client):
    family_child, _, _ = _behind()
    client.force_login(family_child.keeper)
    url = reverse("family-letter-write", args=[family_child.pk, "ask_school_to_reinstate"])
    values = dict(lxml.html.fromstring(client.get(url).content.decode()).forms[-1].form_values())
    assert (client.post(url, values).status_code, client.post(url, values).status_code) == (302, 302)
    letter = FamilyLetter.objects.get()
    detail = reverse("family-letter", args=[letter.pk])
    early = client.post(detail, {"replied_on": (TODAY - timedelta(days=1)).isoformat(), "reply_note": ""})
    assert "The reply cannot come before the letter was sent" in early.content.decode()
    fresh = dict(lxml.html.fromstring(client.get(url).content.decode()).forms[-1].form_values())
    future = client.post(url, fresh | {"sent_on": (TODAY + timedelta(days=1)).isoformat()})
    assert "cannot be in the future" in " ".join(future.context["form"].errors["sent_on"])
    reply = dict(lxml.html.fromstring(client.get(detail).content.decode()).forms[-1].form_values())
    reply |= {"replied_on": TODAY.isoformat(), "reply_note": "The head will call."}
    assert reply["form_key"]
    first, again = client.post(detail, reply), client.post(detail, reply, follow=True)
    assert (first["Location"], again.redirect_chain) == (detail, [(detail, 302)])
    assert "That form had already been sent, so nothing was saved a second time." in again.content.decode()
    letter.refresh_from_db()
    assert (FamilyLetter.objects.count(), letter.replied_on, letter.reply_note) == (1, TODAY, "The head will call.")
    assert FamilyEvent.objects.filter(object_type="familyletter", action="reply").count() == 1


def test_a_step_that_does_not_apply_to_the_plan_says_why_and_writes_nothing(client):
    family_child, _, _ = _behind()
    client.force_login(family_child.keeper)
    response = client.get(reverse("family-letter-write", args=[family_child.pk, "write_to_la_s42"]))
    assert response.status_code == 404
    assert "the local authority has no duty to secure its provision" in response.content.decode()
    assert client.get(reverse("family-letter-write", args=[family_child.pk, "nonsense"])).status_code == 404


def test_the_next_steps_page_takes_a_fixed_number_of_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    family_child, line, _ = _behind()
    client.force_login(family_child.keeper)
    url = reverse("family-next-steps", args=[family_child.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    step = next(s for s in family_advice(family_child, family_statement(family_child, TODAY), TODAY).steps)
    for n in range(4):
        _entry(family_child, line=line, sessions=1, outcome="did_not", text=f"Email {n}")
        actions.save_family_letter(
            family_child=family_child, step=step, schedule={}, by=family_child.keeper, addressee="x", subject=f"{n}",
            body="y", sent_on=TODAY, today=TODAY,
        )  # fmt: skip
        actions.create_records_request(
            family_child=family_child, by=family_child.keeper, received_on=TODAY, parent_name="Tom",
            parent_address="", maintained=None, today=TODAY,
        )  # fmt: skip
    assert queries() == few


def test_the_letters_and_the_schools_answer_are_in_the_download_and_go_with_the_record(client):
    family_child, _, request = _behind()
    actions.record_records_answer(request=request, by=family_child.keeper, answered_on=TODAY, today=TODAY)
    statement = family_statement(family_child, TODAY)
    [step] = [s for s in family_advice(family_child, statement, TODAY).steps if s.kind == "ask_school_to_reinstate"]
    actions.save_family_letter(
        family_child=family_child, step=step, schedule={"lines": []}, by=family_child.keeper,
        addressee="The Headteacher", subject="Provision", body="Dear Headteacher", sent_on=TODAY, today=TODAY,
    )  # fmt: skip
    client.force_login(family_child.keeper)

    export = client.get(reverse("family-record-export", args=[family_child.pk])).json()

    assert export["records_requests"][0]["school_answered_on"] == TODAY.isoformat()
    [letter] = export["letters"]
    assert (letter["subject"], letter["words"], letter["sent_on"]) == (
        "Provision",
        "Dear Headteacher",
        TODAY.isoformat(),
    )
    client.post(reverse("family-record-delete", args=[family_child.pk]), {"confirm_name": "Oliver"})
    assert not FamilyLetter.objects.exists()
    assert chain.verify() == []
