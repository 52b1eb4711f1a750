"""What the family's pages show: the statement of promised against told, and the records request's clocks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from math import floor

from provision_ledger.family.models import FamilyChild, FamilyEntry, FamilyLetter, FamilyLine, RecordsRequest
from provision_ledger.rules.advisor import (
    Advice,
    LineBehind,
    SchoolType,
    Situation,
    StepKind,
    StepTaken,
    advise,
    line_evidence,
    school_type,
)
from provision_ledger.rules.calendar import SchoolCalendar
from provision_ledger.rules.delivery import expected_delivery
from provision_ledger.rules.family_record import (
    FamilyCount,
    RecordsAsked,
    RecordsDeadlines,
    Report,
    RoutesGate,
    Source,
    count_told,
    family_saw_sentence,
    is_maintained,
    records_deadlines,
    routes_gate,
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


def statement_end(family_child: FamilyChild, today: date) -> date:
    return min(today, family_child.plan_end) if family_child.plan_end else today


def counted_entries(
    family_child: FamilyChild, line: FamilyLine, entries: list[FamilyEntry], end: date
) -> list[FamilyEntry]:
    """The entries a line's count rests on: about its sessions, not corrected, within the plan up to `end`."""
    return [
        e
        for e in entries
        if e.line_id == line.pk
        and e.voided_at is None
        and e.sessions
        and family_child.plan_start <= e.happened_on <= end
    ]


def family_statement(family_child: FamilyChild, today: date) -> FamilyStatement:
    """Each line's promised sessions from the plan's start to today, against what the family has been told."""
    calendar, own = calendar_for(family_child, today)
    end = statement_end(family_child, today)
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
            for e in counted_entries(family_child, line, entries, end)
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
            {
                "school_receives_it": r.received_on,
                "subject_access_due": deadlines_for(r, today).subject_access,
                "school_answered_on": r.answered_on,
            }
            for r in family_child.records_requests.all()
        ],
        "letters": [
            {
                "kind": x.get_kind_display(),
                "to": x.addressee,
                "subject": x.subject,
                "words": x.body,
                "evidence_schedule": x.schedule,
                "sent_on": x.sent_on,
                "reply_due": x.reply_due,
                "replied_on": x.replied_on,
                "reply": x.reply_note,
            }
            for x in family_child.letters.order_by("sent_on", "pk")
        ],
    }


def lines_behind(statement: FamilyStatement) -> list[tuple[LineStatement, LineBehind]]:
    """Each counted line as the advisor reads it: the school's word that sessions took place as delivered, its word
    that they did not as missed; what nobody has said is neither."""
    return [
        (
            s,
            LineBehind(
                description=s.line.description,
                promised_sessions=s.count.promised,
                delivered_sessions=s.count.school_took_place,
                owed_minutes=s.count.school_did_not * (s.line.minutes_per_session or 0),
            ),
        )
        for s in statement.lines
        if s.count is not None
    ]


def family_why(advice: Advice, statement: FamilyStatement) -> dict[str, tuple[str, ...]]:
    """Each step's reasons as the family's pages give them: where the advisor states a line's evidence ("1 of 23
    sessions delivered", which reads as if the rest were not), the family's own sentence says what the school told
    them and how much is unknown."""
    said = {line_evidence(behind): f"{s.line.description}: {s.sentence} {s.school_said}".strip() for s, behind in
            lines_behind(statement)}  # fmt: skip
    return {step.kind.value: tuple(said.get(why, why) for why in step.why) for step in advice.steps}


def family_advice(
    family_child: FamilyChild, statement: FamilyStatement, today: date, letters: Sequence[FamilyLetter] = ()
) -> Advice:
    """The same routes as for a school's record (rules/advisor.advise, the one rule), from the school's own word
    only: a session counts as behind when the school said in writing that it did not take place; sessions nobody has
    told the family about count as neither delivered nor missed. The letters the family has sent move the steps on
    as a school-kept record's do."""
    school = family_child.school
    return advise(
        Situation(
            plan_kind=PlanKind(family_child.plan_kind),
            today=today,
            lines=tuple(line for _, line in lines_behind(statement)),
            steps_taken=tuple(StepTaken(StepKind(x.kind), x.sent_on, x.replied_on) for x in letters),
            school_type=school_type(school.establishment_type) if school is not None else SchoolType.MAINTAINED,
        )
    )


def records_asked(family_child: FamilyChild, today: date) -> list[tuple[RecordsRequest, RecordsAsked]]:
    return [
        (r, RecordsAsked(r.received_on, deadlines_for(r, today), r.answered_on))
        for r in family_child.records_requests.all()
    ]


def gate_for(asked: list[tuple[RecordsRequest, RecordsAsked]], today: date) -> RoutesGate:
    return routes_gate([a for _, a in asked], today)


# The schedule a family's letter carries: every figure with whose word it is


def _long(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def _sessions(n: int) -> str:
    return f"{n} session" if n == 1 else f"{n} sessions"


def entry_sentence(entry: FamilyEntry) -> str:
    """One entry's word about sessions, led by its source, e.g. "The school told the family in writing on 5 March
    2026: 2 sessions took place (the day or week of 3 March 2026)." Never a family-known figure as the school's."""
    what = f"{_sessions(entry.sessions or 0)} " + (
        "took place" if entry.outcome == FamilyEntry.Outcome.TOOK_PLACE else "did not take place"
    )
    about = f"(the day or week of {_long(entry.happened_on)})"
    source = Source(entry.source)
    if source is Source.SCHOOL_WRITING:
        who = f"The school told the family in writing on {_long(entry.written_on or entry.happened_on)}"
    elif source is Source.DIARY:
        who = f"The home–school diary, written on {_long(entry.written_on or entry.happened_on)}"
    elif source is Source.CHILD:
        who = "The child’s own account, not the school’s word"
    else:
        who = "The family’s own observation, not the school’s word"
    return f"{who}: {what} {about}."


def family_schedule(family_child: FamilyChild, statement: FamilyStatement, today: date) -> dict[str, object]:
    """What a letter's evidence schedule shows, as text ready to print and to keep with the letter as sent: per line,
    the plan's promise, what the school said, what the family saw, and what is not known, each with its source."""
    end = statement_end(family_child, today)
    basis = (
        "the school’s own term dates"
        if statement.own_calendar
        else "a typical English school year (the school’s own term dates are not known)"
    )
    lines: list[dict[str, object]] = []
    for s in statement.lines:
        if s.count is None:
            lines.append(
                {
                    "description": s.line.description,
                    "promise": "the plan does not say how many sessions, so what it promises cannot be counted",
                    "rows": [],
                    "entries": [],
                }
            )
            continue
        c = s.count
        rows: list[list[object]] = [
            ["Promised by the plan so far", c.promised, f"The plan’s words, counted on {basis}"],
            ["The school said took place", c.school_took_place, "The school, in writing"],
            ["The school said did not take place", c.school_did_not, "The school, in writing"],
            ["Not known: no information", c.unknown, "Nobody has told the family"],
        ]
        if c.family_took_place or c.family_did_not:
            rows += [
                ["The child or the parent saw take place", c.family_took_place, "The family’s own account"],
                ["The child or the parent saw not take place", c.family_did_not, "The family’s own account"],
            ]
        lines.append(
            {
                "description": s.line.description,
                "promise": f"{_sessions(s.line.sessions or 0)} a {s.line.period}, {s.line.minutes_per_session} "
                "minutes each",
                "rows": rows,
                "entries": [
                    entry_sentence(e)
                    for e in sorted(
                        counted_entries(family_child, s.line, statement.entries, end),
                        key=lambda e: (e.happened_on, e.pk),
                    )
                ],
            }
        )
    return {
        "from": _long(family_child.plan_start),
        "to": _long(end),
        "lines": lines,
        "note": (
            "These figures are what the family has been told, each with its source; they are not the school’s "
            "records of the sessions. Only what the school said in writing or in the home–school diary counts as the "
            "school’s word. What the child said or the parent saw is shown apart, and is never counted as the "
            "school’s word. Sessions nobody has told the family about are not known: they are counted neither as "
            "delivered nor as missed."
        ),
    }
