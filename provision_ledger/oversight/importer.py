"""Bulk import from CSV, as a school's MIS exports it: children, plans, provision lines, sessions.

Each file is read as a stream (memory stays flat however long it is), every row is checked, and the whole file is
written in one transaction: if any row is wrong, nothing is written and the refusal names each bad row and column
(rows numbered as a spreadsheet shows them, the header being row 1). The columns are documented in COLUMNS below
and in docs/data.md; example files are in data/examples/.

Every plan, line and session imported gets its audit event in the authority's hash chain, as if entered by hand.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from provision_ledger.audit.actions import snapshot
from provision_ledger.audit.chain import append_created, seals_json
from provision_ledger.audit.sealing import seals_of
from provision_ledger.delivery.bulk import SessionRow, SessionWriter
from provision_ledger.people.models import YEAR_GROUPS, Child, LocalAuthority, Need, School, SenStatus, User
from provision_ledger.plans.expected import LineToLay, write_expected
from provision_ledger.plans.models import Category, DeliveredBy, Funder, LineVersion, Plan, ProvisionLine
from provision_ledger.rules.calendar import SchoolCalendar
from provision_ledger.rules.compliance import MissReason, SessionStatus
from provision_ledger.rules.delivery import LineTerms, Period, ended_by, terms_in_force
from provision_ledger.rules.legal_force import PlanKind
from provision_ledger.rules.sessions import EntryRefused, entry_figures

BATCH = 5000
# Sessions are small rows, and a file's are sealed by one event per child in each batch: in larger batches a large
# authority's file writes far fewer events (its children recur in every batch), and memory still stays flat.
SESSIONS_BATCH = 20_000
# Distinct session entries whose figures are kept while a file is checked: the first ones met, which for most
# authorities is all of them (a line's entries mostly repeat); a few MB at most.
FIGURES_HELD = 20_000
WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4}


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    meaning: str


COLUMNS: dict[str, list[Column]] = {
    "children": [
        Column("upn", True, "Unique pupil number: a letter, 11 digits and a digit or letter; the child's reference"),
        Column("school_urn", True, "The school's six-digit URN, a school of this authority"),
        Column("first_name", True, "First name"),
        Column("last_name", True, "Last name"),
        Column("date_of_birth", True, "YYYY-MM-DD"),
        Column("year_group", True, "N1, N2, R or 1 to 14"),
        Column("primary_need", True, f"DfE census code: {', '.join(Need.values)}"),
        Column("secondary_need", False, "DfE census code, or empty"),
        Column("sen_status", True, "Census SEN provision code: K (SEN support) or E (EHC plan), or N, A, P, S"),
        Column("sen_unit", False, "Census SEN unit indicator: true or false (empty is false)"),
        Column("resourced_provision", False, "Census resourced provision indicator: true or false (empty is false)"),
        Column("top_up_funding", False, "Census top-up funding indicator: true or false (empty is false)"),
    ],
    "plans": [
        Column("child_upn", True, "The child's UPN, already imported"),
        Column("kind", True, "ehc_plan, sen_support, statement, iep_school_action or iep_school_action_plus"),
        Column("start_date", True, "YYYY-MM-DD"),
        Column("review_due", True, "YYYY-MM-DD, after the start date"),
    ],
    "lines": [
        Column("child_upn", True, "The child's UPN: the line joins the child's plan in force"),
        Column("line_ref", True, "The line's reference in the MIS, unique in the authority; sessions name it"),
        Column("description", True, "What is provided, e.g. Speech and language therapy"),
        Column("category", True, "communication, cognition, semh or sensory_physical"),
        Column("delivered_by", True, "ta, hlta, teacher, specialist_teacher, senco, salt, ot, physio, ep or other"),
        Column("sessions", True, "How many sessions each period (a whole number, at least 1)"),
        Column("period", True, "day, week, term or year"),
        Column("minutes_per_session", True, "Minutes each session lasts"),
        Column("start_date", True, "YYYY-MM-DD, not before the plan starts"),
        Column("end_date", False, "YYYY-MM-DD, or empty for open-ended"),
        Column("weekdays", False, "Timetabled days, e.g. Mon Wed Fri; empty for no fixed timetable"),
        Column("weekly_minutes", False, "In-class support given as minutes a week, or empty"),
        Column("group_size", False, "1 for one-to-one (the default), or the size of the group"),
        Column("funder", False, "school (the default), la, health or other"),
    ],
    "sessions": [
        Column("line_ref", True, "The line's reference, already imported"),
        Column("date", True, "YYYY-MM-DD, not in the future, within the line's dates"),
        Column("status", True, "delivered, part_delivered or not_delivered"),
        Column("planned_minutes", False, "Minutes planned; empty means the line's minutes per session"),
        Column("delivered_minutes", False, "Minutes delivered; empty means all when delivered, none when not"),
        Column(
            "reason",
            False,
            "For a miss: staff_absent, staff_redeployed, child_absent, child_declined, school_closure or other",
        ),
        Column("note", False, "Free text"),
        Column("school_open", False, "yes for a session on a day the school's calendar says it was closed"),
    ],
}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row:,}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class ImportRefused(Exception):
    """The file was not imported; nothing was written. `errors` names each row and column."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class _Bad(Exception):
    def __init__(self, column: str, message: str) -> None:
        self.column, self.message = column, message


@dataclass
class ImportResult:
    kind: str
    rows: int
    seconds: float


# Parsing one value


def _text(row: dict[str, str], column: str, required: bool = True, max_length: int = 300) -> str:
    value = (row.get(column) or "").strip()
    if required and not value:
        raise _Bad(column, "is empty; it is required.")
    if len(value) > max_length:
        raise _Bad(column, f"is longer than {max_length} characters.")
    return value


@functools.lru_cache(maxsize=4096)  # a file's dates repeat: a school year has under 200 school days
def _iso_date(value: str) -> date | None:
    """The date written as YYYY-MM-DD, or None if it is not one."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _date(row: dict[str, str], column: str, required: bool = True) -> date | None:
    value = _text(row, column, required)
    if not value:
        return None
    day = _iso_date(value)
    if day is None:
        raise _Bad(column, f"“{value[:30]}” is not a date: write it as YYYY-MM-DD, e.g. 2025-09-08.")
    return day


def _int(row: dict[str, str], column: str, required: bool = True, low: int = 0, high: int = 32767) -> int | None:
    value = _text(row, column, required)
    if not value:
        return None
    if not value.isdigit() or not low <= int(value) <= high:
        raise _Bad(column, f"“{value[:30]}” is not a whole number from {low} to {high}.")
    return int(value)


TRUE_WORDS, FALSE_WORDS = {"true", "1", "yes", "y"}, {"false", "0", "no", "n", ""}


def _flag(row: dict[str, str], column: str) -> bool:
    """A census indicator: the census writes true or false; a spreadsheet may say Y or N."""
    value = _text(row, column, required=False).lower()
    if value not in TRUE_WORDS | FALSE_WORDS:
        raise _Bad(column, f"“{value[:20]}” is not true or false.")
    return value in TRUE_WORDS


def _choice(row: dict[str, str], column: str, choices: Collection[str], required: bool = True) -> str:
    value = _text(row, column, required)
    if value and value not in choices:
        raise _Bad(column, f"“{value[:30]}” is not one of: {', '.join(sorted(choices))}.")
    return value


# Reading the file


class _CountingReader(io.RawIOBase):
    """Counts the bytes read, for a progress bar over a stream of unknown rows."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.read_bytes = raw, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.read_bytes += len(data)
        return len(data)


def _rows(counter: _CountingReader, kind: str) -> Iterator[tuple[int, dict[str, str]]]:
    text = io.TextIOWrapper(io.BufferedReader(counter, buffer_size=1 << 16), encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except UnicodeDecodeError:
        raise ImportRefused([_encoding_error(1)]) from None
    missing = [c.name for c in COLUMNS[kind] if c.required and c.name not in header]
    unknown = [h for h in header if h not in {c.name for c in COLUMNS[kind]}]
    if missing or unknown or not header:
        problems = []
        if missing:
            problems.append(RowError(1, ", ".join(missing), "required column missing from the header row."))
        if unknown:
            problems.append(RowError(1, ", ".join(unknown), f"not a column of a {kind} file."))
        if not header:
            problems.append(RowError(1, "", "the file is empty: the first row must name the columns."))
        raise ImportRefused(problems)
    number = 1
    try:
        for values in reader:
            number += 1
            if not "".join(values).strip():
                continue
            if len(values) != len(header):
                yield number, {"__width__": f"{len(values)}"}
                continue
            yield number, dict(zip(header, values, strict=True))
    except UnicodeDecodeError:
        raise ImportRefused([_encoding_error(number + 1)]) from None
    except csv.Error as error:
        raise ImportRefused([RowError(number + 1, "", f"the CSV cannot be read: {error}.")]) from None


def _encoding_error(row: int) -> RowError:
    return RowError(row, "", "the file is not in UTF-8. Save it from your spreadsheet as “CSV UTF-8” and try again.")


# Writing, one kind per class


class _Writer:
    kind = ""
    batch = BATCH  # rows written at a time

    def __init__(self, la: LocalAuthority, by: User, today: date) -> None:
        self.la, self.by, self.today = la, by, today
        self.at = timezone.now()

    def check(self, row: dict[str, str]) -> Any:
        raise NotImplementedError

    def write(self, items: list[Any]) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Anything left to do once every batch is written."""


class _Children(_Writer):
    kind = "children"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.schools = dict(self.la.schools.values_list("urn", "pk"))
        self.upns = set(Child.objects.filter(local_authority=self.la).values_list("upn", flat=True))
        self.years = {key for key, _ in YEAR_GROUPS}
        self.needs = set(Need.values)

    def check(self, row: dict[str, str]) -> Child:
        upn = _text(row, "upn").upper()
        if not re.fullmatch(r"[A-Z]\d{11}[0-9A-Z]", upn):
            raise _Bad("upn", f"“{upn[:20]}” is not a UPN (a letter, 11 digits and a digit or letter).")
        if upn in self.upns:
            raise _Bad("upn", f"{upn} is already a child of this authority (or appears twice in the file).")
        urn = _text(row, "school_urn")
        if urn not in self.schools:
            raise _Bad("school_urn", f"no school with URN “{urn[:10]}” in {self.la.name}.")
        born = _date(row, "date_of_birth")
        assert born is not None
        if born > self.today:
            raise _Bad("date_of_birth", "is in the future.")
        self.upns.add(upn)
        return Child(
            local_authority=self.la,
            school_id=self.schools[urn],
            upn=upn,
            first_name=_text(row, "first_name", max_length=100),
            last_name=_text(row, "last_name", max_length=100),
            date_of_birth=born,
            year_group=_choice(row, "year_group", self.years),
            primary_need=_choice(row, "primary_need", self.needs),
            secondary_need=_choice(row, "secondary_need", self.needs, required=False),
            sen_status=_choice(row, "sen_status", set(SenStatus.values)),
            sen_unit=_flag(row, "sen_unit"),
            resourced_provision=_flag(row, "resourced_provision"),
            top_up_funding=_flag(row, "top_up_funding"),
        )

    def write(self, items: list[Child]) -> None:
        Child.objects.bulk_create(items)


class _Plans(_Writer):
    kind = "plans"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        children = Child.objects.filter(local_authority=self.la).exclude(upn="")
        self.children = dict(children.values_list("upn", "pk"))
        self.with_plan = set(
            Plan.objects.filter(local_authority=self.la, status=Plan.Status.ACTIVE).values_list("child_id", flat=True)
        )

    def check(self, row: dict[str, str]) -> Plan:
        upn = _text(row, "child_upn").upper()
        if upn not in self.children:
            raise _Bad("child_upn", f"no child with UPN {upn[:20]} in {self.la.name}: import the children first.")
        child_id = self.children[upn]
        if child_id in self.with_plan:
            raise _Bad("child_upn", f"{upn} already has a plan in force (or appears twice in the file).")
        kind = _choice(row, "kind", {k.value for k in PlanKind})
        start, review = _date(row, "start_date"), _date(row, "review_due")
        assert start is not None
        assert review is not None
        if review <= start:
            raise _Bad("review_due", "must be after the start date.")
        self.with_plan.add(child_id)
        return Plan(
            local_authority=self.la,
            child_id=child_id,
            kind=kind,
            start_date=start,
            review_due=review,
            status=Plan.Status.ACTIVE,
            created_by=self.by,
        )

    def write(self, items: list[Plan]) -> None:
        Plan.objects.bulk_create(items)
        by, at = self.by.pk, self.at
        events = [
            (p.child_id, by, at, "plan", p.pk, f"Plan imported: {p.kind_label}", snapshot(p), seals_json(seals_of([p])))
            for p in items
        ]
        append_created(self.la.pk, events)


class _Lines(_Writer):
    kind = "lines"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        plans = Plan.objects.filter(local_authority=self.la, status=Plan.Status.ACTIVE).exclude(child__upn="")
        self.plans = {
            upn: (plan_id, child_id, start, school_id, day)
            for upn, plan_id, child_id, start, school_id, day in plans.values_list(
                "child__upn", "pk", "child_id", "start_date", "child__school_id", "child__school__school_day_minutes"
            )
        }
        self.refs = set(
            ProvisionLine.objects.filter(local_authority=self.la).exclude(ref="").values_list("ref", flat=True)
        )
        self.calendars = {s.pk: s.calendar() for s in self.la.schools.all()}

    def check(self, row: dict[str, str]) -> tuple[ProvisionLine, LineVersion, int, int, LineTerms]:
        upn = _text(row, "child_upn").upper()
        if upn not in self.plans:
            raise _Bad("child_upn", f"no child with UPN {upn[:20]} and a plan in force in {self.la.name}.")
        plan_id, child_id, plan_start, school_id, school_day = self.plans[upn]
        ref = _text(row, "line_ref", max_length=40)
        if ref in self.refs:
            raise _Bad("line_ref", f"{ref} is already a line of this authority (or appears twice in the file).")
        start = _date(row, "start_date")
        assert start is not None
        if start < plan_start:
            raise _Bad("start_date", f"the line cannot start before the plan does ({plan_start:%-d %B %Y}).")
        end = _date(row, "end_date", required=False)
        weekdays_text = _text(row, "weekdays", required=False).lower().replace(",", " ").split()
        unknown = [d for d in weekdays_text if d[:3] not in WEEKDAYS]
        if unknown:
            raise _Bad("weekdays", f"“{unknown[0][:12]}” is not a school day: use Mon, Tue, Wed, Thu or Fri.")
        weekdays = sorted({WEEKDAYS[d[:3]] for d in weekdays_text})
        minutes = _int(row, "minutes_per_session", low=1, high=school_day)
        weekly = _int(row, "weekly_minutes", required=False, low=1, high=school_day * 5)
        sessions = _int(row, "sessions", low=1)
        assert minutes is not None
        assert sessions is not None
        try:
            terms = LineTerms(
                sessions=sessions,
                period=Period(_choice(row, "period", {p.value for p in Period})),
                minutes_per_session=minutes,
                start=start,
                end=end,
                weekdays=frozenset(weekdays),
                weekly_minutes=weekly,
            )
        except ValueError as error:
            raise _Bad("end_date" if end and end < start else "", str(error)) from None
        self.refs.add(ref)
        line = ProvisionLine(local_authority=self.la, plan_id=plan_id, created_by=self.by, ref=ref)
        version = LineVersion(
            line=line,
            effective_from=start,
            description=_text(row, "description"),
            category=_choice(row, "category", set(Category.values)),
            delivered_by=_choice(row, "delivered_by", set(DeliveredBy.values)),
            group_size=_int(row, "group_size", required=False, low=1, high=30) or 1,
            sessions=sessions,
            period=terms.period.value,
            minutes_per_session=minutes,
            weekly_minutes=weekly,
            weekdays=weekdays,
            start_date=start,
            end_date=end,
            funder=_choice(row, "funder", set(Funder.values), required=False) or Funder.SCHOOL,
            created_by=self.by,
        )
        return line, version, child_id, school_id, terms

    def write(self, items: list[tuple[ProvisionLine, LineVersion, int, int, LineTerms]]) -> None:
        ProvisionLine.objects.bulk_create([line for line, *_ in items])
        for line, version, *_ in items:
            version.line_id = line.pk
        LineVersion.objects.bulk_create([version for _, version, *_ in items])
        events = [
            (
                child,
                self.by.pk,
                self.at,
                "provisionline",
                line.pk,
                f"Provision line imported: {version.description} ({version.promise})",
                snapshot(version, exclude=("line", "created_by")),
                seals_json(seals_of([line, version])),
            )
            for line, version, child, _, _ in items
        ]
        append_created(self.la.pk, events)
        write_expected(
            (
                LineToLay(line.pk, self.la.pk, school, ((terms.start, terms),), (version.pk,))
                for line, version, _, school, terms in items
            ),
            self.calendars,
            replace=False,  # the lines were created just now
        )


_Figures = tuple[str, int, int, str]  # a session's status, planned and delivered minutes, and reason


class _Sessions(_Writer):
    kind = "sessions"
    batch = SESSIONS_BATCH

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        versions = (
            LineVersion.objects.filter(line__local_authority=self.la)
            .exclude(line__ref="")
            .order_by("line_id", "effective_from", "id")
            .values_list(
                "line__ref",
                "line_id",
                "line__plan__child_id",
                "line__voided_at",
                "line__plan__child__school__school_day_minutes",
                "line__plan__child__school_id",
                "line__plan__end_date",
                "description",
                "effective_from",
                "sessions",
                "period",
                "minutes_per_session",
                "start_date",
                "end_date",
                "weekdays",
                "weekly_minutes",
            )
        )
        # One small entry per line of the authority, with its versions: bounded by its size, not by the file's.
        # Each session is checked against the version in force on its date, as a session recorded on a page is.
        self.lines: dict[str, tuple[int, int, bool, int, int, list[tuple[date, LineTerms]]]] = {}
        plan_ends: dict[str, date | None] = {}
        names: dict[int, str] = {}
        for ref, line_id, child_id, voided, day, school, plan_end, name, effective, *terms in versions.iterator(
            chunk_size=5000
        ):
            sessions, period, minutes, start, end, weekdays, weekly = terms
            version = LineTerms(sessions, Period(period), minutes, start, end, frozenset(weekdays), weekly)
            entry = self.lines.setdefault(ref, (line_id, child_id, voided is not None, day, school, []))
            entry[5].append((effective, version))
            plan_ends[ref] = plan_end
            names[line_id] = name  # the latest version's, as the line's name reads on its page
        self.calendars: dict[int, tuple[str, SchoolCalendar]] = {}  # each school's, built when a row first needs it
        for ref, (*_, history) in self.lines.items():
            history[:] = ended_by(history, plan_ends[ref])  # a replaced plan's lines promise nothing after its end
        self.statuses = {s.value: s for s in SessionStatus}
        self.reasons = {r.value for r in MissReason}
        self.sessions = SessionWriter(verb="Sessions imported", line_names=names, per_child=True)
        self.la_id, self.by_id = self.la.pk, self.by.pk
        # An entry's figures follow from the terms in force, the school day's length and the entry's own four values
        # alone, and a file repeats a few combinations over and over: each is worked out once. A refusal is not kept;
        # it is rare and ends the file.
        self.figures: dict[tuple[LineTerms, int, str | None, str | None, str | None, str | None], _Figures] = {}

    def check(self, row: dict[str, str]) -> tuple[Any, ...]:
        ref = _text(row, "line_ref", max_length=40)
        line = self.lines.get(ref)
        if line is None:
            raise _Bad("line_ref", f"no provision line {ref[:40]} in {self.la.name}: import the lines first.")
        line_id, child_id, voided, school_day, school, history = line
        if voided:
            raise _Bad("line_ref", f"line {ref} is void: sessions cannot be recorded against it.")
        day = _date(row, "date")
        assert day is not None
        if day > self.today:
            raise _Bad("date", f"{day:%-d %B %Y} has not happened yet.")
        terms = terms_in_force(history, day)
        if terms is None:
            raise _Bad("date", f"{day:%-d %B %Y} is outside the dates of line {ref}.")
        if school not in self.calendars:
            found = School.objects.get(pk=school)
            self.calendars[school] = (found.name, found.calendar())
        school_name, calendar = self.calendars[school]
        # An empty or missing school_open is no; checked only when given, as most files never give it.
        if not (row.get("school_open") and _flag(row, "school_open")) and not calendar.is_school_day(day):
            raise _Bad(
                "date",
                f"{day:%A %-d %B %Y} is not a school day at {school_name}. If the school was open and the session "
                "took place, put yes in the school_open column.",
            )
        entry = (terms, school_day, row.get("status"), row.get("planned_minutes"), row.get("delivered_minutes"),
                 row.get("reason"))  # fmt: skip
        figures = self.figures.get(entry)
        if figures is None:
            figures = self._figures(terms, school_day, row)
            if len(self.figures) < FIGURES_HELD:
                self.figures[entry] = figures
        status, planned, delivered, reason = figures
        note = _text(row, "note", required=False, max_length=2000) if row.get("note") else ""
        return (self.la_id, child_id, line_id, day, status, planned, delivered, reason, note, None, self.by_id, self.at)

    def _figures(self, terms: LineTerms, school_day: int, row: dict[str, str]) -> _Figures:
        """An entry's status, planned and delivered minutes and reason, as `entry_figures` reads them."""
        status = _choice(row, "status", self.statuses.keys())
        planned = _int(row, "planned_minutes", required=False, high=school_day)
        delivered = _int(row, "delivered_minutes", required=False, high=school_day)
        reason = _choice(row, "reason", self.reasons, required=False)
        try:
            figures = entry_figures(
                terms,
                self.statuses[status],
                school_day_minutes=school_day,
                planned=planned,
                delivered=delivered,
                reason=reason,
            )
        except EntryRefused as refused:
            column, message = next(iter(refused.errors.items()))
            raise _Bad(column, message[0].lower() + message[1:]) from refused
        return status, figures.planned_minutes, figures.delivered_minutes, reason

    def write(self, items: list[SessionRow]) -> None:
        self.sessions.write(items)

    def finish(self) -> None:
        self.sessions.finish()


WRITERS: dict[str, type[_Writer]] = {w.kind: w for w in (_Children, _Plans, _Lines, _Sessions)}


def import_csv(
    kind: str,
    stream: IO[bytes],
    *,
    la: LocalAuthority,
    by: User,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    max_errors: int = 50,
) -> ImportResult:
    """Import one file of `kind`: all of it, in one transaction, or nothing (ImportRefused names the rows)."""
    if kind not in WRITERS:
        raise ValueError(f"Unknown kind of file {kind!r}: choose from {', '.join(WRITERS)}.")
    began = time.monotonic()
    counter = _CountingReader(stream)
    errors: list[RowError] = []
    count = 0
    with transaction.atomic():
        writer = WRITERS[kind](la, by, today or timezone.localdate())
        batch: list[Any] = []
        for number, row in _rows(counter, kind):
            if "__width__" in row:
                width = f"has {row['__width__']} values, not one for each column of the header row."
                errors.append(RowError(number, "", width))
            else:
                try:
                    item = writer.check(row)
                except _Bad as bad:
                    errors.append(RowError(number, bad.column, bad.message))
                else:
                    count += 1
                    if not errors:
                        batch.append(item)
                        if len(batch) >= writer.batch:
                            writer.write(batch)
                            batch = []
            if len(errors) >= max_errors:
                break
            if progress and number % 1000 == 0:
                progress(counter.read_bytes, number)
        if errors:
            transaction.set_rollback(True)
        else:
            if batch:
                writer.write(batch)
            writer.finish()
    if errors:
        raise ImportRefused(errors)
    return ImportResult(kind, count, time.monotonic() - began)
