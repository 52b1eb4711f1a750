"""A letter as PDF (WeasyPrint) and as an editable Word document (python-docx), both from the letter as stored."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from django.template.loader import render_to_string

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
    from docx import Document  # slow to import, and needed only here

    document = Document()
    evidence = _readable(letter.evidence)
    if evidence.get("sender"):
        document.add_paragraph("\n".join(evidence["sender"]))
    document.add_paragraph(long_date(letter.sent_on))
    document.add_paragraph(letter.addressee)
    document.add_heading(letter.subject, level=1)
    for paragraph in letter.body.split("\n\n"):
        if paragraph.strip():
            document.add_paragraph(paragraph)
    if evidence.get("lines"):
        document.add_page_break()
        document.add_heading("Evidence schedule", level=1)
        document.add_paragraph(
            f"From the school's records, {evidence['from']} to {evidence['to']}. "
            f"Time owed in all: {evidence['owed_hours']} hours."
        )
        for line in evidence["lines"]:
            document.add_heading(line["description"], level=2)
            document.add_paragraph(f"Promised: {line['promise']}. Time owed: {line['owed_hours']} hours.")
            if line.get("due_sessions") is not None:
                document.add_paragraph(
                    f"Sessions due: {line['due_sessions']}. Delivered: {line['delivered_sessions']}. Recorded as "
                    f"missed: {line['missed_sessions']}. Not recorded at all (nobody has said whether they "
                    f"happened): {line['not_recorded_sessions']}."
                )
            if line["value"] is not None:
                document.add_paragraph(
                    f"Indicative value of the time owed: £{line['value']} at £{line['rate']} an hour."
                )
            _table(
                document,
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
            if line["missed"]:
                _table(
                    document,
                    ["Date", "What happened", "Reason", "Minutes missed"],
                    [[m["day"], m["what"], m["reason"], m["minutes"]] for m in line["missed"]],
                )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _table(document: Any, header: list[str], rows: list[list[Any]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)
