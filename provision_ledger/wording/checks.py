"""The wording checker as the pages use it: a line's check from its version or a form's raw data,
a plan's score, a pasted Section F read into statements and proposed lines, and words marked up."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from provision_ledger.plans.models import LineVersion, Plan, ProvisionLine
from provision_ledger.rules.delivery import Period
from provision_ledger.rules.extraction import ProposedLine, Role, extract_lines
from provision_ledger.rules.legal_force import PlanKind
from provision_ledger.rules.wording import (
    MISSING_KINDS,
    Finding,
    LineCheck,
    ProvisionFields,
    Statement,
    StatementCheck,
    StatementKind,
    areas_of_need,
    check_line,
    check_statement,
    parent_hint,
    plan_score,
    split_statements,
)
from provision_ledger.wording.models import PlanStatement


def fields_of(version: LineVersion) -> ProvisionFields:
    return ProvisionFields(
        sessions=version.sessions,
        period=Period(version.period),
        minutes_per_session=version.minutes_per_session,
        weekly_minutes=version.weekly_minutes,
        weekdays=frozenset(version.weekdays),
        delivered_by=version.delivered_by,
        qualification=version.qualification,
        group_size=version.group_size,
    )


def check_version(version: LineVersion) -> LineCheck:
    return check_line(version.description, version.qualification, fields_of(version))


def _number(value: object) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() and number > 0 else None


def _whole(value: object) -> int | None:
    number = _number(value)
    return int(number) if number is not None and number == int(number) and number < 10_000 else None


def check_form_data(data: Mapping[str, Any], prefix: str = "") -> LineCheck:
    """Check a line form's words as typed, with whatever terms are filled in so far (junk is ignored)."""

    def get(name: str) -> Any:
        return data.get(f"{prefix}{name}", "")

    period = get("period")
    hours = _number(get("weekly_hours"))
    fields = ProvisionFields(
        sessions=_whole(get("sessions")),
        period=Period(period) if period in {p.value for p in Period} else None,
        minutes_per_session=_whole(get("minutes_per_session")),
        weekly_minutes=round(hours * 60) if hours is not None and hours < 100 else None,
        delivered_by=str(get("delivered_by")) or None,
        qualification=str(get("qualification")),
        group_size=_whole(get("group_size")),
    )
    return check_line(str(get("description"))[:2000], str(get("qualification"))[:2000], fields)


@dataclass(frozen=True)
class LineWording:
    line: ProvisionLine
    check: LineCheck

    @property
    def parent_hints(self) -> list[str]:
        return list(dict.fromkeys(parent_hint(f) for f in self.check.findings))


@dataclass(frozen=True)
class PlanWording:
    """The plan's statements, entered as lines or read from its wording and left out, and how many are specific."""

    score: int
    lines: list[LineWording]
    read: tuple[PlanStatement, ...] = ()

    @property
    def specific(self) -> int:
        return sum(1 for w in self.lines if w.check.specific) + sum(1 for r in self.read if r.specific)

    @property
    def statements(self) -> int:
        return len(self.lines) + len(self.read)

    @property
    def vague_read(self) -> list[PlanStatement]:
        """Vague statements read from the plan that were not entered: named, so they are not forgotten."""
        return [r for r in self.read if not r.specific]

    @property
    def vague(self) -> list[LineWording]:
        return [w for w in self.lines if not w.check.specific]

    def for_line(self, line_id: int) -> LineWording | None:
        return next((w for w in self.lines if w.line.pk == line_id), None)


def plan_wording(lines: Iterable[ProvisionLine], read: Iterable[PlanStatement] = ()) -> PlanWording:
    """Each live line's wording, checked as it now reads, with the statements read from the plan and left out;
    the score is the share of all of them that are specific (rules/wording.plan_score)."""
    checked = [LineWording(line, check_version(v)) for line in lines if (v := line.current_version) is not None]
    read = tuple(read)
    verdicts = [w.check.specific for w in checked] + [r.specific for r in read]
    return PlanWording(plan_score(verdicts), checked, read)


# Words marked up


def marked(text: str, findings: Iterable[Finding]) -> SafeString:
    """The text, escaped, with the words at fault in <mark>; findings of something missing mark nothing."""
    spans = sorted((f.start, f.end) for f in findings if f.kind not in MISSING_KINDS and f.end > f.start)
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[str] = []
    at = 0
    for start, end in merged:
        out.append(escape(text[at:start]))
        out.append(f'<mark class="pl-mark">{escape(text[start:end])}</mark>')
        at = end
    out.append(escape(text[at:]))
    return mark_safe("".join(out))  # every piece of the text is escaped above


# A pasted Section F


@dataclass(frozen=True)
class ReadStatement:
    number: int  # 1-based, as the page shows it
    statement: Statement
    check: StatementCheck
    proposals: tuple[ProposedLine, ...]
    area: str | None = None  # the area of need whose heading it sits under

    @property
    def proposal(self) -> ProposedLine | None:
        return self.proposals[0] if self.proposals else None

    @property
    def marked_text(self) -> SafeString:
        return marked(self.statement.text, self.check.findings)


def read_section(text: str) -> list[ReadStatement]:
    """Split into statements; check each; propose a line from each specific one that is time given by staff.

    Equipment and access arrangements are not measured in time, so no line of sessions is proposed for them."""
    read = []
    statements = split_statements(text)
    areas = areas_of_need(text, [s.start for s in statements])
    for number, (statement, area) in enumerate(zip(statements, areas, strict=True), 1):
        check = check_statement(statement.text)
        timed = check.kind in (StatementKind.STAFF, StatementKind.IN_CLASS_HOURS)
        proposals = tuple(extract_lines(statement.text)) if check.specific and timed else ()
        read.append(ReadStatement(number, statement, check, proposals, area))
    return read


_CATEGORY_OF_ROLE = {Role.SALT: "communication", Role.OT: "sensory_physical", Role.PHYSIO: "sensory_physical"}


def proposal_initials(text: str, read: ReadStatement, plan: Plan) -> list[dict[str, Any]]:
    """Each line a statement proposes, as form values (two provisions joined in one statement are two lines)."""
    return [proposal_initial(text, read, plan, line, part) for part, line in enumerate(read.proposals, 1)]


def proposal_initial(
    text: str, read: ReadStatement, plan: Plan, line: ProposedLine | None = None, part: int = 1
) -> dict[str, Any]:
    """A proposed line's form values: what the wording says, the plan's start (and the end of a block), and the
    likely funder."""
    line = line or read.proposal
    assert line is not None
    statement = read.statement
    category = read.area or (_CATEGORY_OF_ROLE.get(line.delivered_by) if line.delivered_by else None)
    statutory = plan.kind in (PlanKind.EHC_PLAN, PlanKind.STATEMENT)
    return {
        "statement": read.number,
        "part": part,
        "include": True,
        # A one-word reading ("support") says less than the statement itself.
        "description": (line.description if line.description and " " in line.description else statement.text)[:300],
        "category": category or "",
        "delivered_by": line.delivered_by.value if line.delivered_by else "",
        "qualification": line.qualification[:200],
        "group_size": line.group_size,
        # Hours a week of support are kept as one entry a week on the form, as the line form does.
        "sessions": 1 if line.weekly_minutes else line.sessions,
        "period": "week" if line.weekly_minutes else (line.period.value if line.period else ""),
        "minutes_per_session": None if line.weekly_minutes else line.minutes_per_session,
        "weekly_hours": round(Decimal(line.weekly_minutes) / 60, 2) if line.weekly_minutes else None,
        "start_date": plan.start_date,
        # A block ("for 10 weeks") ends that many weeks after the start, on the day before.
        "end_date": plan.start_date + timedelta(weeks=line.weeks) - timedelta(days=1) if line.weeks else None,
        "funder": "la" if statutory else "school",
    }
