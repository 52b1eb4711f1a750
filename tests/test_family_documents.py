"""The family's record as a PDF to print, and the records request as a Word document: the same figures and the same
letter as the pages and the PDF, and only for the record's keeper."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import docx
import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from provision_ledger.family import actions
from provision_ledger.family.documents import record_statement
from provision_ledger.family.queries import family_statement
from tests.factories import make_school, make_senco, make_user
from tests.test_family_record import _entry, _kept, _line

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _pdf_text(content: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(content)).pages).split())


def _page_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_record_statement_holds_the_pages_figures_and_every_entry_oldest_first():
    family_child = _kept(make_user(), plan_start=date(2025, 10, 6), today=date(2025, 10, 20))
    line = _line(family_child, sessions=1)
    later = actions.record_entry(
        family_child=family_child, by=family_child.keeper, source="school_writing", line=line,
        happened_on=date(2025, 10, 13), written_on=date(2025, 10, 14), sessions=1, outcome="took_place",
        text="One session this week.", today=date(2025, 10, 20),
    )  # fmt: skip
    earlier = actions.record_entry(
        family_child=family_child, by=family_child.keeper, source="child", line=line, happened_on=date(2025, 10, 6),
        written_on=None, sessions=1, outcome="did_not", text="He said there was no group.", today=date(2025, 10, 20),
    )  # fmt: skip

    record = record_statement(family_child, date(2025, 10, 17))

    [s] = record.statement.lines
    page = family_statement(family_child, date(2025, 10, 17))
    assert (s.count, s.sentence) == (page.lines[0].count, page.lines[0].sentence)
    assert (s.count.promised, s.count.school_told, s.count.unknown, s.count.family_did_not) == (2, 1, 1, 1)
    assert [item.entry for item in record.entries] == [earlier, later]
    assert record.kept_by == "Sam Lee"


def test_the_record_pdf_shows_the_plan_the_figures_and_every_entry_with_its_source_and_sharing(client):
    parent = make_user(first_name="Tom", last_name="Bennett")
    family_child = _kept(parent, plan_start=TODAY - timedelta(days=60))
    line = _line(family_child)
    told = _entry(family_child, line=line, sessions=2, outcome="took_place", text="Two Motor Skills sessions.",
                  happened_on=TODAY - timedelta(days=20), written_on=TODAY - timedelta(days=18))  # fmt: skip
    wrong = _entry(family_child, source="parent", written_on=None, happened_on=TODAY - timedelta(days=9),
                   text="No session on Monday, I think.")  # fmt: skip
    _entry(family_child, source="parent", written_on=None, happened_on=TODAY - timedelta(days=9),
           text="No session on Tuesday.", corrects=wrong, reason="It was Tuesday")  # fmt: skip
    actions.share_entry(entry=told, by=parent)
    client.force_login(parent)
    page = _page_text(client.get(reverse("family-child", args=[family_child.pk])).content.decode())
    [sentence] = [s.sentence for s in family_statement(family_child, TODAY).lines]

    response = client.get(reverse("family-record-pdf", args=[family_child.pk]))

    assert (response["Content-Type"], response["Cache-Control"]) == ("application/pdf", "no-store, private")
    assert response["Content-Disposition"].startswith('attachment; filename="family-record-')
    text = _pdf_text(response.content)
    assert sentence in page
    assert sentence in text
    assert "Oliver Bennett" in text
    assert "Born 2 November 2019. Year 1, St Anne's Primary." in text
    assert "IEP at School Action Plus" in text
    assert "Kept by Tom Bennett, Oliver’s parent" in text
    assert "Entries are never edited after they are saved: a correction is a new entry" in text
    assert "Every change to the record is kept in a hash chain" in text
    assert "Motor Skills programme" in text
    assert "The school said took place 2 The school, in writing" in text
    # Every entry, oldest first, with its source, its written date and whether the school sees it.
    first = text.index("Two Motor Skills sessions.")
    monday = text.index("No session on Monday, I think.")
    tuesday = text.index("No session on Tuesday.")
    assert first < monday < tuesday
    written = (TODAY - timedelta(days=18)).strftime("%-d %B %Y")
    assert f"Source: The school, in writing (an email or a report). Written {written}." in text
    assert "Source: Your own observation." in text
    assert text[first - 200 : first].count("Shared with the school.") == 1
    assert "Not shared with the school." in text[monday - 200 : monday]
    assert "It was Tuesday. It no longer counts in the figures above." in text
    assert "not legal advice" in text
    assert "[" not in text  # no internal reference


def test_the_child_page_links_the_record_pdf_and_the_word_letter(client):
    parent = make_user()
    family_child = _kept(parent)
    request = actions.create_records_request(
        family_child=family_child, by=parent, received_on=TODAY, parent_name="Tom", parent_address="",
        maintained=None, today=TODAY,
    )  # fmt: skip
    client.force_login(parent)
    page = client.get(reverse("family-child", args=[family_child.pk])).content.decode()
    assert f'href="{reverse("family-record-pdf", args=[family_child.pk])}">Download the record to print (PDF)' in page
    assert f'href="{reverse("family-records-docx", args=[request.pk])}">Download the letter (Word' in page


def test_another_family_and_the_schools_senco_cannot_download_the_record_or_the_letter(client):
    school = make_school()
    family_child = _kept(make_user(), school=school)
    request = actions.create_records_request(
        family_child=family_child, by=family_child.keeper, received_on=TODAY, parent_name="Tom", parent_address="",
        maintained=None, today=TODAY,
    )  # fmt: skip
    other_family = make_user()
    _kept(other_family)  # keeps a record of their own
    urls = [
        reverse("family-record-pdf", args=[family_child.pk]),
        reverse("family-records-docx", args=[request.pk]),
        reverse("family-records-pdf", args=[request.pk]),
    ]
    for who in (other_family, make_senco(school)):
        client.force_login(who)
        assert [client.get(url).status_code for url in urls] == [404, 404, 404]


def test_the_records_letter_as_a_word_document_is_the_same_letter_as_the_pdf(client):
    parent = make_user(first_name="Tom", last_name="Bennett")
    school = make_school(years=(TODAY.year - 1, TODAY.year))
    school.establishment_type = "Community school"
    school.save()
    family_child = _kept(parent, school=school, school_address="1 Mill Lane\nNorthtown")
    _line(family_child)
    client.force_login(parent)
    client.post(
        reverse("family-records-request", args=[family_child.pk]),
        {"parent_name": "Tom Bennett", "received_on": TODAY.isoformat(), "maintained": "yes"},
    )
    [request] = family_child.records_requests.all()

    response = client.get(reverse("family-records-docx", args=[request.pk]))

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"] == (f'attachment; filename="records-request-{TODAY:%Y-%m-%d}.docx"')
    document = docx.Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in document.paragraphs]
    text = " ".join(" ".join(paragraphs).split())
    assert "The Headteacher\nHillside Primary School\n1 Mill Lane\nNorthtown" in paragraphs
    assert f"{TODAY:%A} {TODAY.day} {TODAY:%B %Y}" in paragraphs  # dated today
    assert "Request for Oliver Bennett’s educational record and personal data" in paragraphs
    assert "regulation 5 of the Education (Pupil Information) (England) Regulations 2005" in text
    assert "within 15 school days of receiving the parent’s written request" in text
    assert "Article 15 of the UK General Data Protection Regulation" in text
    assert "at the latest within one month of receipt" in text
    from provision_ledger.family.queries import deadlines_for

    due = deadlines_for(request, TODAY)
    assert f"that is by {due.educational_record:%A} {due.educational_record.day} {due.educational_record:%B %Y}" in text
    assert f"by {due.subject_access:%A} {due.subject_access.day} {due.subject_access:%B %Y}" in text
    [table] = document.tables
    assert [c.text for c in table.rows[0].cells] == ["Support in the plan", "What the family knows", "Source"]
    assert table.rows[1].cells[0].text == "Motor Skills programme"
    assert "not legal advice" in text
    # The same words as the PDF, paragraph for paragraph.
    pdf = _pdf_text(client.get(reverse("family-records-pdf", args=[request.pk])).content)
    for paragraph in paragraphs:
        assert " ".join(paragraph.split()) in pdf
