"""The wording commands: check-wording on a Section F, and wording-corpus on the labelled corpus."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

SECTION_F = """Communication and interaction
• 2 x 30 minute sessions per week of speech and language therapy delivered by a qualified SALT.
• Access to a sensory room as required.
"""
ALL_SPECIFIC = "Phonics for 20 minutes every day with a trained teaching assistant.\n"


def run(*args: str) -> tuple[str, int]:
    out = io.StringIO()
    try:
        call_command(*args, stdout=out)
    except SystemExit as exit:
        return out.getvalue(), int(exit.code or 0)
    return out.getvalue(), 0


@pytest.fixture
def section_f(tmp_path: Path) -> Path:
    path = tmp_path / "section-f.txt"
    path.write_text(SECTION_F, encoding="utf-8")
    return path


# check-wording


def test_check_wording_exits_0_when_every_statement_is_specific(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_text(ALL_SPECIFIC, encoding="utf-8")
    output, status = run("check-wording", str(path))
    assert status == 0
    assert output.splitlines() == [
        "1. SPECIFIC (sessions delivered by staff): "
        "Phonics for 20 minutes every day with a trained teaching assistant.",
        "   Proposed line: Phonics: 1 x 20 minutes a day, one-to-one, delivered by ta (trained teaching assistant)",
        "",
        "Score: 100 (1 of 1 statements specific)",
    ]


def test_check_wording_exits_1_and_explains_each_vague_statement(section_f: Path) -> None:
    output, status = run("check-wording", str(section_f))
    assert status == 1
    assert "2. VAGUE (sessions delivered by staff): Access to a sensory room as required." in output
    assert "   - Vague wording: “Access to”" in output
    assert "   - Does not say how often: “Access to a sensory room as required.”" in output
    assert output.rstrip().endswith("Score: 50 (1 of 2 statements specific)")


def test_check_wording_json_gives_findings_placed_in_the_whole_input(section_f: Path) -> None:
    output, status = run("check-wording", str(section_f), "--format", "json")
    assert status == 1
    report = json.loads(output)
    assert (report["score"], report["statements_specific"]) == (50, 1)
    first, second = report["statements"]
    assert first["verdict"] == "specific"
    assert first["proposed_line"] == {
        "description": "speech and language therapy",
        "sessions": 2,
        "minutes_per_session": 30,
        "period": "week",
        "weekly_minutes": None,
        "delivered_by": "salt",
        "qualification": "qualified SALT",
        "group_size": 1,
        "missing": [],
        "notes": [],
    }
    assert second["proposed_line"] is None
    for finding in second["findings"]:
        assert SECTION_F[finding["start"] : finding["end"]] == finding["words"]
    assert [f["kind"] for f in second["findings"]] == [
        "hedge",
        "missing_frequency",
        "missing_duration",
        "missing_who",
        "hedge",
    ]


def test_check_wording_reads_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ALL_SPECIFIC.encode())))
    output, status = run("check-wording", "-")
    assert status == 0
    assert output.rstrip().endswith("Score: 100 (1 of 1 statements specific)")


def test_check_wording_exits_2_on_empty_input(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("  \n\n", encoding="utf-8")
    with pytest.raises(CommandError, match=re.escape("empty.txt is empty: there is no provision to check.")) as error:
        call_command("check-wording", str(path))
    assert error.value.returncode == 2


def test_check_wording_exits_2_on_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file") as error:
        call_command("check-wording", str(tmp_path / "nope.txt"))
    assert error.value.returncode == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.pdf", b"%PDF-1.7 ...", "plan.pdf is not a PDF that can be read"),
        ("plan.docx", b"PK\x03\x04...", "plan.docx is not a Word \\(DOCX\\) document that can be read"),
        ("plan.docx", b"Just text", "plan.docx is not a DOCX file"),
        ("plan.doc", b"\xd0\xcf\x11\xe0...", "plan.doc is an old Word \\(.doc\\) file"),
        ("plan.bin", b"\x00\x01\x02", "plan.bin is not a text, Word \\(DOCX\\) or PDF file"),
        ("plan.txt", b"\xff\xfe\xfa caf\xe9", "plan.txt is not UTF-8 text"),
    ],
)
def test_check_wording_exits_2_on_input_that_is_not_text_docx_or_pdf(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message) as error:
        call_command("check-wording", str(path))
    assert error.value.returncode == 2


def _docx(tmp_path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Contents", 1)
    document.add_paragraph("Section F page 2")
    document.add_heading("Section F: Special educational provision", 1)
    document.add_heading("Communication and interaction", 2)
    document.add_paragraph(
        "2 x 30 minute sessions per week of speech and language therapy delivered by a qualified SALT", "List Bullet"
    )
    document.add_paragraph("Access to a sensory room as required", "List Bullet")
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Provision", "Who", "How often"), strict=True):
        cell.text = text
    for cell, text in zip(
        table.rows[1].cells, ("Phonics for 20 minutes", "A trained teaching assistant", "Every day"), strict=True
    ):
        cell.text = text
    document.add_heading("Section G: Health provision", 1)
    document.add_paragraph("Regular hearing checks.")
    path = tmp_path / "plan.docx"
    document.save(str(path))
    return path


def test_check_wording_reads_section_f_of_a_word_plan_by_lists_headings_and_table_rows(tmp_path: Path) -> None:
    output, status = run("check-wording", str(_docx(tmp_path)), "--format", "json")
    assert status == 1
    report = json.loads(output)
    assert [(s["text"], s["verdict"]) for s in report["statements"]] == [
        ("2 x 30 minute sessions per week of speech and language therapy delivered by a qualified SALT", "specific"),
        ("Access to a sensory room as required", "vague"),
        ("Phonics for 20 minutes; A trained teaching assistant; Every day.", "specific"),
    ]


def test_check_wording_reads_a_pdf_plan(tmp_path: Path) -> None:
    from weasyprint import HTML

    path = tmp_path / "plan.pdf"
    HTML(
        string="<h1>Section F</h1><ul><li>Phonics for 20 minutes every day with a trained teaching assistant.</li>"
        "<li>Regular access to a sensory room.</li></ul><p>Page 1 of 1</p>"
    ).write_pdf(str(path))
    output, status = run("check-wording", str(path), "--format", "json")
    assert status == 1
    report = json.loads(output)
    assert [(s["text"], s["verdict"]) for s in report["statements"]] == [
        ("Phonics for 20 minutes every day with a trained teaching assistant.", "specific"),
        ("Regular access to a sensory room.", "vague"),
    ]


def test_check_wording_refuses_a_password_protected_pdf(tmp_path: Path) -> None:
    from pypdf import PdfWriter
    from weasyprint import HTML

    plain = tmp_path / "plain.pdf"
    HTML(string="<p>Phonics for 20 minutes every day with a trained teaching assistant.</p>").write_pdf(str(plain))
    writer = PdfWriter(clone_from=str(plain))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(CommandError, match=re.escape("locked.pdf is password-protected")) as error:
        call_command("check-wording", str(locked))
    assert error.value.returncode == 2


def test_check_wording_exits_2_on_a_file_over_50_mb(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024 + 1)
    with pytest.raises(CommandError, match=re.escape("huge.txt is larger than 50 MB")) as error:
        call_command("check-wording", str(path))
    assert error.value.returncode == 2


# wording-corpus

CORPUS = """id,text,label,sessions,minutes,period,source
1,Phonics for 20 minutes every day with a trained teaching assistant.,specific,1,20,day,test
2,15 hours per week of 1:1 support from a teaching assistant.,specific,,900,week,test
3,Access to a sensory room as required.,vague,,,,test
4,Greg will have frequent touch typing sessions: 3 x 10 minutes a week with his teacher.,specific,3,10,week,test
5,AK requires support for one hour a week from a familiar psychologist.,vague,,,,test
"""


def test_wording_corpus_prints_precision_recall_extraction_and_the_misclassified_rows(tmp_path: Path) -> None:
    path = tmp_path / "corpus.csv"
    path.write_text(CORPUS, encoding="utf-8")
    output, status = run("wording-corpus", "--file", str(path))
    assert status == 0
    assert output.splitlines() == [
        f"Wording corpus: {path}",
        "Rows: 5 (2 vague, 3 specific)",
        "",
        "Vague verdict: precision 0.667, recall 1.000 "
        "(true positives 2, false positives 1, false negatives 0, true negatives 2)",
        "Extraction exact match (sessions, minutes, period) on 3 specific rows that fix them: 3/3 = 1.000",
        "Target (precision and recall of the vague verdict at least 0.95, extraction exact on at least 90% of the rows "
        "that fix it): NOT met",
        "",
        "Misclassified rows (1):",
        "  #4 labelled specific, checked vague (Vague wording: “frequent”)",
        "      Greg will have frequent touch typing sessions: 3 x 10 minutes a week with his teacher.",
        "",
        "Extraction mismatches (0):",
    ]


def test_the_repository_corpus_meets_the_target() -> None:
    output, status = run("wording-corpus")
    assert status == 0
    rows = re.search(r"Rows: (\d+) \((\d+) vague, (\d+) specific\)", output)
    assert rows is not None
    total, vague, specific = map(int, rows.groups())
    assert total >= 150
    assert abs(vague - specific) <= total // 5  # roughly half and half
    figures = re.search(r"precision ([0-9.]+), recall ([0-9.]+)", output)
    assert figures is not None
    assert float(figures.group(1)) >= 0.95
    assert float(figures.group(2)) >= 0.95
    assert output.count("at least 90% of the rows that fix it): met") == 3  # the tuned part and both held-out parts


def test_the_repository_corpus_gives_every_row_a_source() -> None:
    import csv

    from django.conf import settings

    with (Path(settings.BASE_DIR) / "data" / "wording_corpus.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert all(row["source"].strip() for row in rows)
    assert {row["label"] for row in rows} == {"specific", "vague"}


def test_wording_corpus_refuses_a_file_with_the_wrong_columns(tmp_path: Path) -> None:
    path = tmp_path / "corpus.csv"
    path.write_text("text,label\nRegular input,vague\n", encoding="utf-8")
    with pytest.raises(CommandError, match="the columns must be id, text, label, sessions, minutes, period, source"):
        call_command("wording-corpus", "--file", str(path))


def test_wording_corpus_refuses_a_row_without_a_source(tmp_path: Path) -> None:
    path = tmp_path / "corpus.csv"
    path.write_text("id,text,label,sessions,minutes,period,source\n1,Regular input,vague,,,, \n", encoding="utf-8")
    with pytest.raises(CommandError, match=re.escape("Row 1: every row needs a source.")):
        call_command("wording-corpus", "--file", str(path))


def test_wording_corpus_reports_the_tuned_and_the_held_out_part_each_with_its_figures() -> None:
    output, status = run("wording-corpus")
    assert status == 0
    tuned, written, public = output.split("Held-out part (never used to tune the checker):")
    assert tuned.startswith("Tuned part: the checker's rules were developed against these statements.")
    assert "wording_corpus.csv" in tuned
    assert "wording_heldout.csv" in written
    assert "wording_heldout_public.csv" in public
    for part in (tuned, written, public):
        assert re.search(r"Vague verdict: precision [0-9.]+, recall [0-9.]+", part)
        assert re.search(r"Extraction exact match \(sessions, minutes, period\) on \d+ specific rows", part)


def test_every_held_out_row_has_a_source_and_the_reason_for_its_label() -> None:
    import csv

    from django.conf import settings

    with (Path(settings.BASE_DIR) / "data" / "wording_heldout_public.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    assert all(row["source"].strip() and row["reason"].strip() for row in rows)


def test_a_corpus_with_a_reason_column_needs_a_reason_on_every_row(tmp_path: Path) -> None:
    path = tmp_path / "corpus.csv"
    path.write_text("id,text,label,sessions,minutes,period,source,reason\n1,Regular input,vague,,,,test, \n")
    with pytest.raises(CommandError, match=re.escape("Row 1: every row needs the reason for its label.")):
        call_command("wording-corpus", "--file", str(path))
