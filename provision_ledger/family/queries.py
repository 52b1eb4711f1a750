"""What the family's pages show: the statement of promised against told, and the records request's clocks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from math import floor

from provision_ledger.family.models import FamilyChild, FamilyEntry, FamilyLine, RecordsRequest
from provision_ledger.rules.advisor import Advice, LineBehind, Situation, advise
from provision_ledger.rules.calendar import SchoolCalendar
from provision_ledger.rules.delivery import expected_delivery
from provision_ledger.rules.family_record import (
    FamilyCount,
    RecordsDeadlines,
    Report,
    Source,
    count_told,
    family_saw_sentence,
    is_maintained,
    records_deadlines,
    school_said_sentence,
    told_sentence,
    typical_english_calendar,
)
from provision_ledger.rules.legal_force import PlanKind


def calendar_for(family_child: FamilyChild, today: date) -> tuple[SchoolCalendar, bool]:
    """The school's own calendar when the ledger holds its terms, else a typical English one (and False)."""
    school = family_child.school
    if school is not None and school.terms.exists():
        return school.calendar(), True
    first = min(family_child.plan_start, today).year - 1
    return typical_english_calendar(first, today.year + 1), False


@dataclass(frozen=True)
class LineStatement:
    line: FamilyLine
    count: FamilyCount | None  # None when the line does not say how many sessions
    sentence: str = ""
    school_said: str = ""
    family_saw: str = ""


@dataclass(frozen=True)
class FamilyStatement:
    lines: list[LineStatement]
    since: str
    own_calendar: bool
    entries: list[FamilyEntry]

    @property
    def promised(self) -> int:
        return sum(s.count.promised for s in self.lines if s.count)

    @property
    def told(self) -> int:
        return sum(s.count.school_told for s in self.lines if s.count)

    @property
    def unknown(self) -> int:
        return sum(s.count.unknown for s in self.lines if s.count)


def since_label(start: date, today: date) -> str:
    """ "October" within the school year, "October 2025" beyond it, as a parent would say it."""
    return f"{start:%B}" if (today - start).days < 330 else f"{start:%B %Y}"


def family_statement(family_child: FamilyChild, today: date) -> FamilyStatement:
    """Each line's promised sessions from the plan's start to today, against what the family has been told."""
    calendar, own = calendar_for(family_child, today)
    end = min(today, family_child.plan_end) if family_child.plan_end else today
    lines = list(family_child.lines.all())
    entries = list(
        family_child.entries.select_related("line", "corrects")
        .prefetch_related("shares")
        .order_by("-happened_on", "-pk")
    )
    since = since_label(family_child.plan_start, today)
    statements = []
    for line in lines:
        terms = line.terms(family_child.plan_start, family_child.plan_end)
        if terms is None:
            statements.append(LineStatement(line, None))
            continue
        expected = expected_delivery([(family_child.plan_start, terms)], calendar, family_child.plan_start, end)
        reports = [
            Report(Source(e.source), e.sessions or 0, e.outcome == FamilyEntry.Outcome.TOOK_PLACE)
            for e in entries
            if e.line_id == line.pk
            and e.voided_at is None
            and e.sessions
            and family_child.plan_start <= e.happened_on <= end
        ]
        count = count_told(floor(expected.sessions), reports)
        statements.append(
            LineStatement(
                line,
                count,
                sentence=told_sentence(count, since),
                school_said=school_said_sentence(count),
                family_saw=family_saw_sentence(count),
            )
        )
    return FamilyStatement(statements, since, own, entries)


def maintained_for(family_child: FamilyChild) -> bool | None:
    school = family_child.school
    return is_maintained(school.establishment_type) if school is not None else None


def deadlines_for(request: RecordsRequest, today: date) -> RecordsDeadlines:
    calendar, _ = calendar_for(request.family_child, max(today, request.received_on))
    return records_deadlines(request.received_on, request.maintained, calendar)


def family_record_export(family_child: FamilyChild, today: date) -> dict[str, object]:
    """The whole family-kept record, as the family takes it away: every entry, corrected ones included."""
    statement = family_statement(family_child, today)
    return {
        "child": {
            "first_name": family_child.first_name,
            "last_name": family_child.last_name,
            "date_of_birth": family_child.date_of_birth,
            "year_group": family_child.get_year_group_display(),
            "school": family_child.school_label,
            "school_urn": family_child.school.urn if family_child.school else None,
            "plan_kind": family_child.get_plan_kind_display(),
            "plan_start": family_child.plan_start,
            "plan_end": family_child.plan_end,
        },
        "lines": [
            {
                "description": s.line.description,
                "plan_words": s.line.statement,
                "specified_and_quantified": s.line.specific,
                "promised_so_far": s.count.promised if s.count else None,
                "school_told_you_about": s.count.school_told if s.count else None,
                "unknown": s.count.unknown if s.count else None,
                "in_words": s.sentence,
            }
            for s in statement.lines
        ],
        "entries": [
            {
                "source": Source(e.source).label,
                "line": e.line.description if e.line else None,
                "about": e.happened_on,
                "written_on": e.written_on,
                "sessions": e.sessions,
                "took_place": {"took_place": True, "did_not": False}.get(e.outcome),
                "words": e.text,
                "recorded_at": e.recorded_at,
                "corrected": bool(e.voided_at),
                "correction_reason": e.void_reason,
                "shared_with_school": any(s.revoked_at is None for s in e.shares.all()),
            }
            for e in statement.entries
        ],
        "records_requests": [
            {"school_receives_it": r.received_on, "subject_access_due": deadlines_for(r, today).subject_access}
            for r in family_child.records_requests.all()
        ],
    }


def family_advice(family_child: FamilyChild, statement: FamilyStatement, today: date) -> Advice:
    """The same routes as for a school's record, from the school's own word only: a session counts as behind when
    the school said in writing that it did not take place; sessions nobody has told the family about count as
    neither delivered nor missed."""
    lines = tuple(
        LineBehind(
            description=s.line.description,
            promised_sessions=s.count.promised,
            delivered_sessions=s.count.school_took_place,
            owed_minutes=s.count.school_did_not * (s.line.minutes_per_session or 0),
        )
        for s in statement.lines
        if s.count is not None
    )
    return advise(Situation(plan_kind=PlanKind(family_child.plan_kind), today=today, lines=lines))
