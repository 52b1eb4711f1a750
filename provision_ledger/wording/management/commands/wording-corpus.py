"""provision-ledger wording-corpus [--file data/wording_corpus.csv]

Measures the Section F wording checker against a labelled corpus of provision statements. With no --file it reports
two parts: the tuned part (data/wording_corpus.csv, which the checker's rules were developed against, so its figures
flatter the checker) and the held-out part, never used to tune it: data/wording_heldout.csv (written for the project
after the checker was frozen) and data/wording_heldout_public.csv (statements quoted verbatim from public sources,
each labelled with a reason before the checker was run on them).

- Precision and recall of the "vague" verdict: a vague statement the checker calls vague is a true
  positive; a specific one it calls vague is a false positive; a vague one it calls specific is a
  false negative.
- Extraction exact-match rate on the specific rows whose sessions, minutes and period are filled
  in: a row matches when the proposed sessions, minutes and period are all equal. A row that gives
  only a weekly total of support ("15 hours per week") has sessions blank, minutes the minutes a
  week and period "week"; it matches a proposal of weekly_minutes with no session count.
- Every misclassified row and every extraction mismatch, so the figures can be checked by eye.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from provision_ledger.rules.extraction import ProposedLine, extract
from provision_ledger.rules.wording import Verdict, check_statement

COLUMNS = ("id", "text", "label", "sessions", "minutes", "period", "source")
# The held-out part also gives each label its reason.
WITH_REASON = (*COLUMNS, "reason")
DEFAULT_FILE = Path(settings.BASE_DIR) / "data" / "wording_corpus.csv"
HELD_OUT_FILES = (
    (
        Path(settings.BASE_DIR) / "data" / "wording_heldout.csv",
        "written for the project after the checker was frozen, in the style of published examples",
    ),
    (
        Path(settings.BASE_DIR) / "data" / "wording_heldout_public.csv",
        "quoted verbatim from public sources, each labelled with its reason before the checker was run on it",
    ),
)


@dataclass(frozen=True)
class Row:
    id: str
    text: str
    label: Verdict
    sessions: int | None
    minutes: int | None
    period: str

    @property
    def fixes_terms(self) -> bool:
        """The row fixes the line's terms, so extraction can be measured on it."""
        return self.label is Verdict.SPECIFIC and self.minutes is not None and bool(self.period)


@dataclass
class Report:
    rows: int = 0
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    true_negatives: int = 0
    extraction_rows: int = 0
    extraction_matches: int = 0
    misclassified: list[tuple[Row, str]] = field(default_factory=list)
    extraction_misses: list[tuple[Row, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 0.0

    @property
    def recall(self) -> float:
        vague = self.true_positives + self.false_negatives
        return self.true_positives / vague if vague else 0.0

    @property
    def extraction_rate(self) -> float:
        return self.extraction_matches / self.extraction_rows if self.extraction_rows else 0.0


def _int(value: str, row_id: str, column: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError as error:
        raise CommandError(f"Row {row_id}: {column} must be a whole number or blank, not {value!r}.") from error


def read_corpus(path: Path) -> list[Row]:
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            columns = tuple(reader.fieldnames or ())
            if columns not in (COLUMNS, WITH_REASON):
                raise CommandError(f"{path}: the columns must be {', '.join(COLUMNS)} (and optionally reason).")
            rows = []
            for raw in reader:
                row_id = raw["id"]
                if raw["label"] not in (Verdict.SPECIFIC, Verdict.VAGUE):
                    raise CommandError(f"Row {row_id}: label must be specific or vague, not {raw['label']!r}.")
                if not raw["source"].strip():
                    raise CommandError(f"Row {row_id}: every row needs a source.")
                if columns == WITH_REASON and not raw["reason"].strip():
                    raise CommandError(f"Row {row_id}: every row needs the reason for its label.")
                rows.append(
                    Row(
                        row_id,
                        raw["text"],
                        Verdict(raw["label"]),
                        _int(raw["sessions"], row_id, "sessions"),
                        _int(raw["minutes"], row_id, "minutes"),
                        raw["period"].strip(),
                    )
                )
            return rows
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise CommandError(f"Cannot read the corpus {path}: {error}") from error


def _proposed_terms(line: ProposedLine | None) -> tuple[int | None, int | None, str]:
    if line is None:
        return None, None, ""
    if line.weekly_minutes is not None:
        return None, line.weekly_minutes, "week"
    return line.sessions, line.minutes_per_session, line.period.value if line.period else ""


def _describe(terms: tuple[int | None, int | None, str]) -> str:
    sessions, minutes, period = terms
    if sessions is None and minutes is not None and period == "week":
        return f"{minutes} minutes a week in all"
    return f"{sessions} x {minutes} min per {period or '?'}"


def measure(rows: list[Row]) -> Report:
    report = Report(rows=len(rows))
    for row in rows:
        check = check_statement(row.text)
        flagged = check.verdict is Verdict.VAGUE
        vague = row.label is Verdict.VAGUE
        if flagged and vague:
            report.true_positives += 1
        elif flagged:
            report.false_positives += 1
            why = "; ".join(f"{f.kind.label}: “{f.words}”" for f in check.findings)
            report.misclassified.append((row, f"labelled specific, checked vague ({why})"))
        elif vague:
            report.false_negatives += 1
            report.misclassified.append((row, "labelled vague, checked specific"))
        else:
            report.true_negatives += 1
        if row.fixes_terms:
            report.extraction_rows += 1
            expected = (row.sessions, row.minutes, row.period)
            got = _proposed_terms(extract(row.text))
            if got == expected:
                report.extraction_matches += 1
            else:
                report.extraction_misses.append((row, f"expected {_describe(expected)}, proposed {_describe(got)}"))
    return report


# What the checker must reach on statements it was never tuned on: a vague plan line missed or a specific one
# flagged costs a parent or a SENCO, so both errors count; extraction proposes the terms a SENCO then confirms.
VAGUE_TARGET = 0.95
EXTRACTION_TARGET = 0.9


class Command(BaseCommand):
    help = "Print precision and recall of the vague verdict, and the extraction match rate, on the wording corpus."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=None, help="One labelled corpus (CSV) instead of both parts")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path | None = options["file"]
        if path is not None:
            self._part(path)
            return
        self.stdout.write("Tuned part: the checker's rules were developed against these statements.")
        self._part(DEFAULT_FILE)
        for held_out, what in HELD_OUT_FILES:
            self.stdout.write("")
            self.stdout.write(f"Held-out part (never used to tune the checker): {what}.")
            self._part(held_out)

    def _part(self, path: Path) -> None:
        rows = read_corpus(path)
        if not rows:
            raise CommandError(f"{path} has no rows.")
        report = measure(rows)
        vague = sum(1 for r in rows if r.label is Verdict.VAGUE)
        out = self.stdout.write
        out(f"Wording corpus: {path}")
        out(f"Rows: {report.rows} ({vague} vague, {report.rows - vague} specific)")
        out("")
        out(
            f"Vague verdict: precision {report.precision:.3f}, recall {report.recall:.3f} "
            f"(true positives {report.true_positives}, false positives {report.false_positives}, "
            f"false negatives {report.false_negatives}, true negatives {report.true_negatives})"
        )
        out(
            f"Extraction exact match (sessions, minutes, period) on {report.extraction_rows} specific rows "
            f"that fix them: {report.extraction_matches}/{report.extraction_rows} = {report.extraction_rate:.3f}"
        )
        target = (
            report.precision >= VAGUE_TARGET
            and report.recall >= VAGUE_TARGET
            and report.extraction_rate >= EXTRACTION_TARGET
        )
        out(
            f"Target (precision and recall of the vague verdict at least {VAGUE_TARGET}, extraction exact on at least "
            f"{EXTRACTION_TARGET:.0%} of the rows that fix it): {'met' if target else 'NOT met'}"
        )
        out("")
        out(f"Misclassified rows ({len(report.misclassified)}):")
        for row, why in report.misclassified:
            out(f"  #{row.id} {why}")
            out(f"      {row.text}")
        out("")
        out(f"Extraction mismatches ({len(report.extraction_misses)}):")
        for row, why in report.extraction_misses:
            out(f"  #{row.id} {why}")
            out(f"      {row.text}")
