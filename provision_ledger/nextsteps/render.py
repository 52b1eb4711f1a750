"""A letter as PDF (WeasyPrint) and as an editable Word document (python-docx), both from the letter as stored."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.template.loader import render_to_string

from provision_ledger.kit.docx import Block, Heading, PageBreak, Paragraph, Table, document_bytes
from provision_ledger.kit.pdf import accessible_pdf
from provision_ledger.nextsteps.models import Letter
from provision_ledger.rules.clocks import long_date


def _readable(evidence: dict[str, Any]) -> dict[str, Any]:
    """The stored evidence with its ISO dates written as people read them."""
    day = lambda iso: f"{date.fromisoformat(iso):%a %-d %b %Y}"  # noqa: E731
    return {
        **evidence,
        "from": long_date(date.fromisoformat(evidence["from"])) if evidence.get("from") else "",
        "to": long_date(date.fromisoformat(evidence["to"])) if evidence.get("to") else "",
        "lines": [
            {**line, "missed": [{**m, "day": day(m["day"])} for m in line["missed"]]}
            for line in evidence.get("lines", [])
        ],
    }


def letter_context(letter: Letter) -> dict[str, Any]:
    return {
        "letter": letter,
        "paragraphs": [p for p in letter.body.split("\n\n") if p.strip()],
        "evidence": _readable(letter.evidence),
        "sent_on": long_date(letter.sent_on),
    }


def letter_pdf(letter: Letter) -> bytes:
    return accessible_pdf(render_to_string("nextsteps/letter_pdf.html", letter_context(letter)))


def letter_docx(letter: Letter) -> bytes:
    return document_bytes(letter_blocks(letter))


def letter_blocks(letter: Letter) -> list[Block]:
    """The letter as sent, then its evidence schedule on a page of its own."""
    evidence = _readable(letter.evidence)
    blocks: list[Block] = []
    if evidence.get("sender"):
        blocks.append(Paragraph("\n".join(evidence["sender"])))
    blocks += [Paragraph(long_date(letter.sent_on)), Paragraph(letter.addressee), Heading(letter.subject)]
    blocks += [Paragraph(p) for p in letter.body.split("\n\n") if p.strip()]
    if not evidence.get("lines"):
        return blocks
    blocks += [
        PageBreak(),
        Heading("Evidence schedule"),
        Paragraph(
            f"From the school's records, {evidence['from']} to {evidence['to']}. "
            f"Time owed in all: {evidence['owed_hours']} hours."
        ),
    ]
    for line in evidence["lines"]:
        blocks += [
            Heading(line["description"], level=2),
            *([Paragraph(f"{line['under_earlier_plan']}.")] if line.get("under_earlier_plan") else []),
            Paragraph(f"Promised: {line['promise']}. Time owed: {line['owed_hours']} hours."),
        ]
        if line.get("due_sessions") is not None:
            blocks.append(
                Paragraph(
                    f"Sessions due: {line['due_sessions']}. Delivered: {line['delivered_sessions']}. Recorded as "
                    f"missed: {line['missed_sessions']}. Not recorded at all (nobody has said whether they "
                    f"happened): {line['not_recorded_sessions']}."
                )
            )
        if line["value"] is not None:
            blocks.append(Paragraph(f"Indicative value of the time owed: £{line['value']} at £{line['rate']} an hour."))
        blocks.append(
            Table(
                ["Term", "Sessions promised", "Sessions delivered", "Minutes promised", "Minutes delivered"],
                [
                    [
                        t["term"],
                        t["promised_sessions"],
                        t["delivered_sessions"],
                        t["promised_minutes"],
                        t["delivered_minutes"],
                    ]
                    for t in line["terms"]
                ],
            )
        )
        if line["missed"]:
            blocks.append(
                Table(
                    ["Date", "What happened", "Reason", "Minutes missed"],
                    [[m["day"], m["what"], m["reason"], m["minutes"]] for m in line["missed"]],
                )
            )
    return blocks
