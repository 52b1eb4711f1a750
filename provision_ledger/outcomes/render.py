"""The annual review pack as PDF (WeasyPrint, with the charts) and as an editable Word document (python-docx)."""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string

from provision_ledger.kit.pdf import accessible_pdf
from provision_ledger.outcomes.pack import ReviewPack
from provision_ledger.rules.outcomes import Support
from provision_ledger.rules.reporting import whole


def pack_pdf(pack: ReviewPack) -> bytes:
    html = render_to_string("outcomes/pack_pdf.html", {"pack": pack, "child": pack.review.child})
    return accessible_pdf(html)


def pack_docx(pack: ReviewPack) -> bytes:
    """The same content as the PDF, as text and tables a SENCO can edit before the meeting."""
    from docx import Document  # slow to import, and needed only here

    review, child, plan = pack.review, pack.review.child, pack.review.plan
    doc = Document()
    doc.add_paragraph(f"Annual review pack, {pack.generated_at:%-d %B %Y}")
    doc.add_heading(child.full_name, level=0)
    doc.add_paragraph(f"{child.get_year_group_display()}, {child.school.name} (URN {child.school.urn})")
    doc.add_heading("The plan", level=1)
    _table(
        doc,
        None,
        [
            ["Plan", f"{plan.kind_label}, in force from {plan.start_date:%-d %B %Y}"],
            ["Review meeting", f"{review.meeting_date:%A %-d %B %Y}"],
            ["Period reviewed", f"{pack.start:%-d %B %Y} to {pack.end:%-d %B %Y}"],
            ["Legal force", plan.legal_force.summary],
        ],
    )
    doc.add_heading("Provision promised and delivered", level=1)
    for p in pack.lines:
        a = p.assessment
        doc.add_heading(p.version.description, level=2)
        doc.add_paragraph(f"Promised: {p.version.promise}.")
        percent = f" ({a.percent}%)" if a.percent is not None else ""
        cost = (
            f"£{p.delivered_cost} delivered of £{p.planned_cost} planned"
            if p.delivered_cost is not None
            else f"No cost recorded{': ' + p.cost_note if p.cost_note else ''}"
        )
        _table(
            doc,
            None,
            [
                ["Sessions", f"{a.delivered_sessions} of {whole(a.expected.sessions)} delivered{percent}"],
                ["Hours", f"{p.delivered_hours} of {p.promised_hours} hours delivered"],
                ["Time owed", f"{p.owed_hours} hours"],
                ["Cost", cost],
            ],
        )
        if p.missed:
            _table(doc, ["Reason", "Sessions", "Minutes missed"], [[m.reason, m.sessions, m.minutes] for m in p.missed])
        else:
            doc.add_paragraph("No sessions were missed or cut short.")
    doc.add_heading("Skills that hold only with support", level=1)
    if pack.only_with_support:
        doc.add_paragraph(
            f"These skills have been shown only with support. Without that support, the record gives no evidence "
            f"that {child.first_name} can do them."
        )
        for sentence in pack.only_with_support:
            doc.add_paragraph(sentence, style="List Bullet")
    else:
        doc.add_paragraph("No skill in the record has been shown only with support.")
    doc.add_heading("Progress on each outcome", level=1)
    for o in pack.outcomes:
        outcome, progress = o.outcome, o.progress
        doc.add_heading(outcome.description, level=2)
        latest = progress.latest
        text = (
            f"Measured as {outcome.get_measure_display().lower()}. Baseline {outcome.show(outcome.baseline) or '–'} "
            f"on {outcome.baseline_date:%-d %B %Y}; target {outcome.show(outcome.target) or '–'} by "
            f"{outcome.target_date:%-d %B %Y}. "
        )
        if latest is not None:
            text += f"Latest: {outcome.show(latest.value)} on {latest.date:%-d %B %Y} ({latest.support_label.lower()})"
            text += (
                f", {progress.percent_of_way}% of the way from baseline to target."
                if progress.percent_of_way is not None
                else "."
            )
        else:
            text += "No progress recorded yet."
        doc.add_paragraph(text)
        doc.add_paragraph(f"Served by: {'; '.join(o.serving) or 'no provision line'}.")
        _table(
            doc,
            ["Month", "Hours delivered", "Shown independently", "Shown with support"],
            [
                [
                    f"{m.month:%B %Y}",
                    m.hours,
                    outcome.show(m.independent) or "–",
                    f"{outcome.show(m.supported)} ({Support(m.supported_how).label.lower()})"
                    if m.supported_how
                    else "–",
                ]
                for m in progress.months
            ],
        )
        for e in progress.home_observations:
            doc.add_paragraph(f"Seen at home, {e.date:%-d %B %Y}: {e.note}", style="List Bullet")
    doc.add_heading("Views of the parent and the child", level=1)
    doc.add_heading("The parent's views", level=2)
    doc.add_paragraph(review.parent_views or "Not yet given.")
    doc.add_heading(f"{child.first_name}'s views", level=2)
    doc.add_paragraph(review.child_views or "Not yet given.")
    doc.add_heading("Proposed amendments", level=1)
    for check in pack.amendments:
        doc.add_paragraph(check.text)
        if check.specific:
            doc.add_paragraph("Wording check: specific and quantified.")
        for f in check.findings:
            words = f" (“{f.words}”)" if f.words else ""
            doc.add_paragraph(f"Wording check – {f.kind.label}{words}: {f.why}", style="List Bullet")
    if not pack.amendments:
        doc.add_paragraph("None proposed.")
    doc.add_heading("Steps of the review", level=1)
    for step in pack.steps:
        doc.add_paragraph(step.plain, style="List Bullet")
    doc.add_paragraph(
        f"Record reference {pack.seal[0]}-{pack.seal[1]}: the record as it stood when this was made. Keep it: "
        "checked against the record later, it shows whether anything recorded before it has since been changed."
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _table(document: Any, header: list[str] | None, rows: list[list[Any]]) -> None:
    width = len(header) if header else len(rows[0])
    table = document.add_table(rows=1 if header else 0, cols=width)
    table.style = "Table Grid"
    if header:
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)
