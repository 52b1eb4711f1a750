"""The family's own record: what the family has been told against what the plan promised, and the deadlines of a
request for the school's records.

Pure functions of their arguments. A family keeps its record when the school keeps none the family can see, so the
family knows only what someone has told it: every figure here says whose word it rests on, and what nobody has told
the family is counted as unknown, never as delivered or missed.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from provision_ledger.rules.calendar import SchoolCalendar, Term


class Source(StrEnum):
    """Where what the family knows came from. Shown beside every entry and every figure."""

    SCHOOL_WRITING = "school_writing"
    DIARY = "diary"
    CHILD = "child"
    PARENT = "parent"

    @property
    def label(self) -> str:
        return _SOURCE_LABELS[self]

    @property
    def from_school(self) -> bool:
        """The school's own word: what it wrote to the family, by email, report or the home–school diary."""
        return self in (Source.SCHOOL_WRITING, Source.DIARY)

    @property
    def needs_written_date(self) -> bool:
        """A written account has a date of its own (the email's or the report's), and it is asked for."""
        return self in (Source.SCHOOL_WRITING, Source.DIARY)


_SOURCE_LABELS = {
    Source.SCHOOL_WRITING: "The school, in writing (an email or a report)",
    Source.DIARY: "The home–school diary",
    Source.CHILD: "Your child’s own account",
    Source.PARENT: "Your own observation",
}


@dataclass(frozen=True)
class Report:
    """One entry's word about sessions of one line: how many, and whether they took place."""

    source: Source
    sessions: int
    took_place: bool


@dataclass(frozen=True)
class FamilyCount:
    """A line's promised sessions against what the family has been told, by whom."""

    promised: int
    school_took_place: int
    school_did_not: int
    family_took_place: int  # the child's or the parent's own account, never counted as the school's word
    family_did_not: int

    @property
    def school_told(self) -> int:
        return self.school_took_place + self.school_did_not

    @property
    def unknown(self) -> int:
        """Promised sessions the school has said nothing about: the family has no information on them."""
        return max(0, self.promised - self.school_told)


def count_told(promised: int, reports: Iterable[Report]) -> FamilyCount:
    """Sum what each source said. Only the school's own written word counts as the school having told the family;
    what the child or the parent saw is kept apart, so a figure never passes for the school's when it is not."""
    if promised < 0:
        raise ValueError("A plan cannot promise fewer than no sessions.")
    school_yes = school_no = family_yes = family_no = 0
    for report in reports:
        if report.sessions < 0:
            raise ValueError("An entry cannot report fewer than no sessions.")
        if report.source.from_school:
            if report.took_place:
                school_yes += report.sessions
            else:
                school_no += report.sessions
        elif report.took_place:
            family_yes += report.sessions
        else:
            family_no += report.sessions
    return FamilyCount(promised, school_yes, school_no, family_yes, family_no)


def _sessions(n: int) -> str:
    return f"{n} session" if n == 1 else f"{n} sessions"


def told_sentence(count: FamilyCount, since: str) -> str:
    """The count in plain words, e.g. "The school has told you about 1 of the 49 sessions the plan promised since
    October; you have no information about the other 48." `since` is a month or a date, as the page names it."""
    promised = count.promised
    if promised == 0:
        return f"The plan has promised no sessions of this since {since}."
    if count.school_told == 0:
        return (
            f"The school has not told you about any of the {_sessions(promised)} the plan promised since {since}; "
            "you have no information about them."
        )
    if count.unknown == 0:
        return f"The school has told you about all {_sessions(promised)} the plan promised since {since}."
    return (
        f"The school has told you about {count.school_told} of the {_sessions(promised)} the plan promised since "
        f"{since}; you have no information about the other {count.unknown}."
    )


def school_said_sentence(count: FamilyCount) -> str:
    """What the school's word was, e.g. "It said 1 took place and 0 did not." Empty when it has said nothing."""
    if count.school_told == 0:
        return ""
    return f"It said {count.school_took_place} took place and {count.school_did_not} did not."


def family_saw_sentence(count: FamilyCount) -> str:
    """What the family itself saw or heard, kept apart from the school's word."""
    seen = count.family_took_place + count.family_did_not
    if seen == 0:
        return ""
    return (
        f"From your child and your own observations: {count.family_took_place} took place and "
        f"{count.family_did_not} did not. These are not counted as the school’s word."
    )


# A request for the school's records

# The Education (Pupil Information) (England) Regulations 2005 (SI 2005/1437), reg 5(2) and (3): the governing body of
# a school maintained by a local authority (other than a nursery school), or of a special school not so maintained,
# must let a parent see the pupil's educational record free of charge, and give a copy (for a fee no more than the
# cost of supply), within 15 school days of receiving the parent's written request. It does not apply to academies.
EDUCATIONAL_RECORD_SCHOOL_DAYS = 15
# UK GDPR Article 15 (right of access) with Article 12(3): the controller must answer without undue delay and at the
# latest within one month of receiving the request, extendable by two further months where requests are complex or
# numerous (the requester is told within the first month). Every school is a controller, academies included.
SUBJECT_ACCESS_MONTHS = 1

# GIAS's types of establishment maintained by a local authority, to which regulation 5 applies.
MAINTAINED_TYPES = frozenset(
    {
        "community school",
        "voluntary aided school",
        "voluntary controlled school",
        "foundation school",
        "community special school",
        "foundation special school",
    }
)
NOT_MAINTAINED_WORDS = ("academy", "free school", "independent", "university technical college", "studio school")


def is_maintained(establishment_type: str) -> bool | None:
    """Whether the school is maintained by its local authority, from its GIAS type; None when the type says neither."""
    kind = establishment_type.strip().casefold()
    if kind in MAINTAINED_TYPES:
        return True
    if any(word in kind for word in NOT_MAINTAINED_WORDS):
        return False
    return None


def one_month_after(received: date) -> date:
    """The last day to answer a subject access request received on `received` (Article 12(3) UK GDPR): the same date
    in the next month, or that month's last day when it has no such date (received 31 January: 28 or 29 February)."""
    year, month = (received.year + 1, 1) if received.month == 12 else (received.year, received.month + 1)
    return date(year, month, min(received.day, _calendar.monthrange(year, month)[1]))


def school_days_after(received: date, school_days: int, calendar: SchoolCalendar) -> date | None:
    """The date of the `school_days`-th school day after the day of receipt (the day of receipt not counted), or None
    when the calendar does not reach that far."""
    days = calendar.school_days(received + timedelta(days=1), received + timedelta(days=400))
    return days[school_days - 1] if len(days) >= school_days else None


def typical_english_calendar(first_year: int, last_year: int) -> SchoolCalendar:
    """A typical English school's terms for the school years starting in September of first_year..last_year: for
    counting school days when the family's school has not given the ledger its own term dates. Bank holidays are
    not school days in any calendar (rules/calendar)."""

    def on_or_after(d: date, weekday: int) -> date:
        return d + timedelta(days=(weekday - d.weekday()) % 7)

    def on_or_before(d: date, weekday: int) -> date:
        return d - timedelta(days=(d.weekday() - weekday) % 7)

    terms: list[Term] = []
    for year in range(first_year, last_year + 1):
        autumn_half = on_or_before(date(year, 10, 31), 4) - timedelta(days=4)
        spring_half = on_or_after(date(year + 1, 2, 13), 0)
        may_half = on_or_before(date(year + 1, 5, 31), 0)
        terms += [
            Term(
                f"Autumn {year}",
                on_or_after(date(year, 9, 1), 0) + timedelta(days=1),
                on_or_before(date(year, 12, 19), 4),
                autumn_half,
                autumn_half + timedelta(days=4),
            ),
            Term(
                f"Spring {year + 1}",
                on_or_after(date(year + 1, 1, 5), 0),
                on_or_before(date(year + 1, 3, 27), 4),
                spring_half,
                spring_half + timedelta(days=4),
            ),
            Term(
                f"Summer {year + 1}",
                on_or_after(date(year + 1, 4, 13), 0),
                on_or_before(date(year + 1, 7, 22), 2),
                may_half,
                may_half + timedelta(days=4),
            ),
        ]
    return SchoolCalendar(terms=tuple(terms))


@dataclass(frozen=True)
class RecordsDeadlines:
    subject_access: date  # every school
    educational_record: date | None  # maintained schools only; None where the regulation does not apply or is unknown
    maintained: bool | None


def records_deadlines(received: date, maintained: bool | None, calendar: SchoolCalendar) -> RecordsDeadlines:
    """When the school must answer a request for its records, received on `received`."""
    educational = (
        school_days_after(received, EDUCATIONAL_RECORD_SCHOOL_DAYS, calendar) if maintained is not False else None
    )
    return RecordsDeadlines(one_month_after(received), educational, maintained)


# When the later routes open for a family-kept record

# A family's record holds only what the family was told; the school's own records say what happened. So the routes a
# school-kept record opens at once (nextsteps: ask the school, complain, write to the authority) open for the family's
# record once the school has had the time the law gives it to hand its records over and has not, or once it has
# answered: the later of the one month of Article 12(3) UK GDPR (every school) and the 15 school days of regulation 5
# of the Education (Pupil Information) (England) Regulations 2005 (a maintained school, or a special school not so
# maintained), counted from the day the school received the request.


@dataclass(frozen=True)
class RecordsAsked:
    """A request for the school's records: when the school received it, its deadlines, and any answer."""

    received_on: date
    deadlines: RecordsDeadlines
    answered_on: date | None = None

    @property
    def last_day(self) -> date:
        """The last day the school has to answer both parts of the request that apply to it."""
        return max(self.deadlines.subject_access, self.deadlines.educational_record or self.deadlines.subject_access)


@dataclass(frozen=True)
class RoutesGate:
    open: bool
    reason: str
    waiting_until: date | None = None  # the last day the school has, while the family waits for it


def _day(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


def routes_gate(requests: Iterable[RecordsAsked], today: date) -> RoutesGate:
    """Whether the routes open: once the school has answered a request for its records, or once the last day it had to
    answer one has passed without an answer."""
    asked = sorted(requests, key=lambda r: r.received_on)
    if not asked:
        return RoutesGate(
            False,
            "Ask the school for its records first. Your record shows what you have been told; the school’s records "
            "show what happened, and the letters below rest on them.",
        )
    answered = [r for r in asked if r.answered_on is not None]
    if answered:
        first = min(r.answered_on for r in answered if r.answered_on is not None)
        return RoutesGate(True, f"The school answered your request for its records on {_day(first)}.")
    passed = [r for r in asked if r.last_day < today]
    if passed:
        last = min(r.last_day for r in passed)
        return RoutesGate(
            True,
            f"The school had until {_day(last)} to send you its records, and you have not recorded an answer.",
        )
    until = min(r.last_day for r in asked)
    return RoutesGate(
        False,
        f"The school has until {_day(until)} to send you its records. The next steps open when it answers, or when "
        "that day has passed without an answer.",
        waiting_until=until,
    )
