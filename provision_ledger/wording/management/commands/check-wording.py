"""provision-ledger check-wording FILE|- [--format text|json]

Checks the provision statements in a plan's Section F: each statement's findings (what is vague,
why, the source, and the fix) and, for a specific statement, the provision line it proposes.

Reads plain text, a Word document (DOCX) or a PDF (provision_ledger/wording/documents.py); from a
whole plan, only its Section F is checked when a "Section F" heading is found.

Exit status: 0 when every statement is specific, 1 when any is vague, 2 when the input cannot be
read (missing, too large, not text, DOCX or PDF, encrypted, or empty).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from provision_ledger.rules.extraction import ProposedLine, extract, extract_lines
from provision_ledger.rules.wording import (
    Statement,
    StatementCheck,
    check_statement,
    plan_score,
    section_f,
    split_statements,
)
from provision_ledger.wording.documents import MAX_BYTES, UnreadableDocument, read_document

UNREADABLE = 2


def read_input(path: str) -> str:
    """The text of a plan (plain text, DOCX or PDF) from a file, or from standard input when path is "-"."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1) if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
        return read_document(data, "The input")
    file = Path(path)
    try:
        if not file.is_file():
            raise UnreadableDocument(f"{path}: no such file.")
        if file.stat().st_size > MAX_BYTES:
            raise UnreadableDocument(f"{file.name} is larger than 50 MB: that is not a plan's Section F.")
        data = file.read_bytes()
    except OSError as error:
        raise UnreadableDocument(f"{path} cannot be read: {error.strerror}.") from error
    return read_document(data, file.name)


def _proposal(line: ProposedLine | None) -> dict[str, object] | None:
    if line is None:
        return None
    return {
        "description": line.description,
        "sessions": line.sessions,
        "minutes_per_session": line.minutes_per_session,
        "period": line.period.value if line.period else None,
        "weekly_minutes": line.weekly_minutes,
        "delivered_by": line.delivered_by.value if line.delivered_by else None,
        "qualification": line.qualification,
        "group_size": line.group_size,
        "missing": list(line.missing),
        "notes": list(line.notes),
    }


def _as_json(statement: Statement, check: StatementCheck) -> dict[str, object]:
    return {
        "start": statement.start,
        "end": statement.end,
        "text": statement.text,
        "verdict": check.verdict.value,
        "kind": check.kind.value,
        # Spans into the whole input, so a caller can highlight the words in place.
        "findings": [
            {
                "kind": f.kind.value,
                "start": statement.start + f.start,
                "end": statement.start + f.end,
                "words": f.words,
                "why": f.why,
                "source": f.source,
                "fix": f.fix,
            }
            for f in check.findings
        ],
        "proposed_line": _proposal(extract(statement.text)) if check.specific else None,
        # Two provisions joined in one statement are two lines.
        "proposed_lines": [_proposal(line) for line in extract_lines(statement.text)] if check.specific else [],
    }


def _describe(line: ProposedLine) -> str:
    if line.weekly_minutes is not None:
        amount = f"{line.weekly_minutes} minutes a week"
    else:
        sessions = "?" if line.sessions is None else line.sessions
        minutes = "?" if line.minutes_per_session is None else line.minutes_per_session
        amount = f"{sessions} x {minutes} minutes a {line.period.value if line.period else '?'}"
    who = line.delivered_by.value if line.delivered_by else "?"
    if line.qualification:
        who += f" ({line.qualification})"
    group = "one-to-one" if line.group_size == 1 else f"group of {line.group_size}"
    return f"{line.description or '?'}: {amount}, {group}, delivered by {who}"


class Command(BaseCommand):
    help = "Check a Section F for vague provision. Exit 0: all specific; 1: some vague; 2: unreadable input."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="A Section F or a plan (.txt, .docx, .pdf), or - for stdin")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = section_f(read_input(options["file"]))
        except UnreadableDocument as error:
            raise CommandError(str(error), returncode=UNREADABLE) from error
        statements = split_statements(text)
        if not statements:
            raise CommandError("No provision statements found in the input.", returncode=UNREADABLE)
        checks = [(s, check_statement(s.text)) for s in statements]
        score = plan_score(c for _, c in checks)
        specific = sum(1 for _, c in checks if c.specific)
        if options["format"] == "json":
            payload = {
                "score": score,
                "statements_specific": specific,
                "statements": [_as_json(s, c) for s, c in checks],
            }
            self.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False))
        else:
            self._write_text(checks, score, specific)
        if specific < len(checks):
            raise SystemExit(1)

    def _write_text(self, checks: list[tuple[Statement, StatementCheck]], score: int, specific: int) -> None:
        out = self.stdout.write
        for number, (statement, check) in enumerate(checks, 1):
            out(f"{number}. {check.verdict.value.upper()} ({check.kind.label.lower()}): {statement.text}")
            for finding in check.findings:
                out(f"   - {finding.kind.label}: “{finding.words}”")
                out(f"     Why: {finding.why} ({finding.source})")
                out(f"     Fix: {finding.fix}")
            if check.specific:
                for line in extract_lines(statement.text):
                    out(f"   Proposed line: {_describe(line)}")
                    for note in line.notes:
                        out(f"     Note: {note}")
            out("")
        out(f"Score: {score} ({specific} of {len(checks)} statements specific)")
