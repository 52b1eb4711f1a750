"""The family's letter asking the school for its records of delivery, drawn as the product's other letters are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string

from provision_ledger.family.models import FamilyLetter, RecordsRequest
from provision_ledger.family.queries import deadlines_for, family_statement
from provision_ledger.kit.docx import Block, Heading, PageBreak, Paragraph, Table, document_bytes
from provision_ledger.kit.pdf import accessible_pdf
from provision_ledger.rules.family_record import EDUCATIONAL_RECORD_SCHOOL_DAYS
from provision_ledger.rules.legal_force import PlanKind


def long_date(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


@dataclass(frozen=True)
class RecordsLetter:
    dated: str
    sender: list[str]
    addressee: list[str]
    subject: str
    paragraphs: list[str]
    schedule: list[tuple[str, str, str]]  # line, what the family has been told, its source
    reply_by: str


def records_letter(request: RecordsRequest, today: date) -> RecordsLetter:
    child = request.family_child
    school = child.school_label
    address = [a for a in child.school_address.splitlines() if a.strip()]
    deadlines = deadlines_for(request, today)
    plan = PlanKind(child.plan_kind).label
    statement = family_statement(child, today)
    lines = [s.line.description for s in statement.lines]
    record_para = (
        f"1. {child.first_name}’s educational record. Under regulation 5 of the Education (Pupil Information) "
        "(England) Regulations 2005, the governing body of a maintained school must let a parent see their child’s "
        f"educational record free of charge, and give a copy (for a fee of no more than the cost of supplying it), "
        f"within {EDUCATIONAL_RECORD_SCHOOL_DAYS} school days of receiving the parent’s written request. I ask for a "
        "copy."
    )
    if deadlines.educational_record is not None:
        record_para += (
            f" Counting from {long_date(request.received_on)}, that is by {long_date(deadlines.educational_record)}."
        )
    if deadlines.maintained is None:
        record_para += " If the school is an academy, the regulations do not apply; I ask for it all the same."
    elif deadlines.maintained is False:
        record_para = (
            f"1. {child.first_name}’s educational record. As an academy, the school is not bound by the Education "
            "(Pupil Information) (England) Regulations 2005, but I ask for a copy of it all the same."
        )
    paragraphs = [
        "Dear Headteacher,",
        (
            f"I am the parent of {child.full_name}, born {long_date(child.date_of_birth)}, in "
            f"{child.get_year_group_display()} at {school}. {child.first_name} has a {plan} from "
            f"{long_date(child.plan_start)}, which sets out the support the school will give. I am writing to ask "
            "for the school’s records of that support."
        ),
        record_para,
        (
            f"2. The personal data the school holds about {child.first_name}. Under Article 15 of the UK General Data "
            f"Protection Regulation, I ask, on {child.first_name}’s behalf, for a copy of all the personal data the "
            "school holds about them. Article 12(3) requires an answer without undue delay and at the latest within "
            f"one month of receipt: by {long_date(deadlines.subject_access)}. This applies to every school, "
            "academies included."
        ),
        (
            "In particular, please include every record of the support in the plan: for each session planned, the "
            "date, who delivered it and for how long, and for each session that did not take place, the date and "
            "the reason." + (f" The plan’s support includes: {'; '.join(lines)}." if lines else "")
        ),
        (
            "Please send the records to me by email or post. If you need anything more from me to deal with this "
            "request, please tell me as soon as possible."
        ),
        "Yours faithfully,",
        request.parent_name,
    ]
    schedule = [
        (
            s.line.description,
            s.sentence if s.count else "The plan does not say how many sessions.",
            "Emails, reports and diary entries from the school, as the family recorded them",
        )
        for s in statement.lines
    ]
    return RecordsLetter(
        dated=long_date(today),
        sender=[request.parent_name, *[a for a in request.parent_address.splitlines() if a.strip()]],
        addressee=["The Headteacher", school, *address],
        subject=f"Request for {child.full_name}’s educational record and personal data",
        paragraphs=paragraphs,
        schedule=schedule,
        reply_by=long_date(deadlines.subject_access),
    )


SCHEDULE_TITLE = "What the family has been told so far"
SCHEDULE_HEADER = ("Support in the plan", "What the family knows", "Source")
FOOTNOTE = (
    "This letter was prepared with Provision Ledger. It is general information, not legal advice. Free, independent "
    "help: your local SENDIASS or IPSEA (ipsea.org.uk)."
)


def records_letter_pdf(request: RecordsRequest, today: date) -> bytes:
    letter = records_letter(request, today)
    context = {"letter": letter, "schedule_title": SCHEDULE_TITLE, "header": SCHEDULE_HEADER, "footnote": FOOTNOTE}
    return accessible_pdf(render_to_string("family/records_request_pdf.html", context))


def records_letter_blocks(letter: RecordsLetter) -> list[Block]:
    """The same letter as the PDF, block by block, for the Word document."""
    blocks: list[Block] = [
        Paragraph("\n".join(letter.sender)),
        Paragraph(letter.dated),
        Paragraph("\n".join(letter.addressee)),
        Heading(letter.subject),
        *[Paragraph(p) for p in letter.paragraphs],
    ]
    if letter.schedule:
        blocks += [Heading(SCHEDULE_TITLE, level=2), Table(SCHEDULE_HEADER, letter.schedule)]
    return [*blocks, Paragraph(FOOTNOTE)]


def records_letter_docx(request: RecordsRequest, today: date) -> bytes:
    return document_bytes(records_letter_blocks(records_letter(request, today)))


# The letters of the next steps, as kept when sent


def family_letter_context(letter: FamilyLetter) -> dict[str, object]:
    return {
        "letter": letter,
        "sent_on": long_date(letter.sent_on),
        "sender": letter.schedule.get("sender", []),
        "paragraphs": [p for p in letter.body.split("\n\n") if p.strip()],
        "schedule": letter.schedule,
        "header": SCHEDULE_COLUMNS,
        "footnote": FOOTNOTE,
    }


SCHEDULE_COLUMNS = ("Sessions", "Number", "Whose word")


def family_letter_pdf(letter: FamilyLetter) -> bytes:
    return accessible_pdf(render_to_string("family/letter_pdf.html", family_letter_context(letter)))


def family_letter_blocks(letter: FamilyLetter) -> list[Block]:
    """The letter as sent, then the schedule of what the family had been told, every figure with its source."""
    schedule = letter.schedule
    blocks: list[Block] = [
        Paragraph("\n".join(schedule.get("sender", []))),
        Paragraph(long_date(letter.sent_on)),
        Paragraph(letter.addressee),
        Heading(letter.subject),
        *[Paragraph(p) for p in letter.body.split("\n\n") if p.strip()],
    ]
    if schedule.get("lines"):
        blocks += [
            PageBreak(),
            Heading("Evidence schedule: what the family has been told"),
            Paragraph(f"From {schedule['from']} to {schedule['to']}. {schedule['note']}"),
        ]
        for line in schedule["lines"]:
            blocks += [Heading(line["description"], level=2), Paragraph(f"Promised: {line['promise']}.")]
            if line["rows"]:
                blocks.append(Table(SCHEDULE_COLUMNS, line["rows"]))
            blocks += [Paragraph(sentence) for sentence in line["entries"]]
    return [*blocks, Paragraph(FOOTNOTE)]


def family_letter_docx(letter: FamilyLetter) -> bytes:
    return document_bytes(family_letter_blocks(letter))
