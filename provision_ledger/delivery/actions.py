"""Recording, voiding and correcting sessions. Nothing is deleted; each write leaves an audit event."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import ForeignKey, Q
from django.utils import timezone

from provision_ledger.audit.actions import record_event, snapshot, void_entry
from provision_ledger.audit.chain import CreatedEvent, append_created, json_string
from provision_ledger.audit.models import AuditEvent
from provision_ledger.audit.sealing import content_text, instant, keyed_hash
from provision_ledger.delivery import totals
from provision_ledger.delivery.models import STATUS_CHOICES, Session
from provision_ledger.kit.bulk import insert_rows, next_ids
from provision_ledger.ops.client import current_address
from provision_ledger.people.models import Enrolment, User, calendars_of
from provision_ledger.plans.models import ProvisionLine
from provision_ledger.rules.compliance import SessionStatus
from provision_ledger.rules.delivery import LineTerms, Period, terms_in_force
from provision_ledger.rules.sessions import EntryRefused, entry_figures
from provision_ledger.rules.support_time import DaySession


@dataclass(frozen=True, slots=True)
class SessionEntry:
    """What a member of staff says happened for one line on one day."""

    line: ProvisionLine
    date: date
    status: SessionStatus
    delivered_minutes: int | None = None  # None: as planned when delivered, nothing when not
    reason: str = ""
    note: str = ""
    planned_minutes: int | None = None  # None: the line's minutes per session on that day
    # Said by the person recording, for the rare days the record would otherwise refuse as a likely mistake.
    another_that_day: bool = False
    school_was_open: bool = False


def _build(entry: SessionEntry, by: User, today: date, history: list[tuple[date, LineTerms]] | None = None) -> Session:
    """Check an entry against its line on its day, and build the unsaved session.

    `history`: the line's `terms_history`, when the caller has it (read once for each line of a batch)."""
    line, errors = entry.line, {}
    status = SessionStatus(entry.status)
    if line.voided_at is not None:
        raise ValidationError("This provision line is void: sessions cannot be recorded against it.")
    terms = terms_in_force(line.terms_history() if history is None else history, entry.date)
    if entry.date > today:
        errors["date"] = "A session cannot be recorded for a day that has not happened yet."
    elif terms is None:
        errors["date"] = f"{entry.date:%-d %B %Y} is outside the dates of this provision line."
    if terms is None:
        raise ValidationError(errors)
    child = line.plan.child
    try:
        figures = entry_figures(
            terms,
            status,
            school_day_minutes=child.school.school_day_minutes,
            planned=entry.planned_minutes,
            delivered=entry.delivered_minutes,
            reason=entry.reason,
        )
    except EntryRefused as refused:
        raise ValidationError({**errors, **refused.errors}) from refused
    if errors:
        raise ValidationError(errors)
    delivered_by = by if figures.delivered_minutes else None
    session = Session(
        *(
            _NEW_SESSION
            | {
                "local_authority_id": child.local_authority_id,
                "child_id": child.pk,
                "line_id": line.pk,
                "date": entry.date,
                "status": status.value,
                "planned_minutes": figures.planned_minutes,
                "delivered_minutes": figures.delivered_minutes,
                "reason": entry.reason,
                "note": entry.note,
                "delivered_by_id": None if delivered_by is None else delivered_by.pk,
                "recorded_by_id": by.pk,
                "recorded_at": timezone.now(),
            }
        ).values()
    )
    for field, row in zip(_LINKED, (child, line, delivered_by, by), strict=True):
        field.set_cached_value(session, row)  # as assigning the row would, so reading it costs no query
    return session


# A new session's values, in the order of its columns: built by position, a session costs half the time it does by
# keyword, which a batch of hundreds notices.
_NEW_SESSION: dict[str, Any] = dict.fromkeys(field.attname for field in Session._meta.concrete_fields) | {
    "void_reason": ""
}
_LINKED: list[ForeignKey[Any, Any]] = [
    Session.child.field,
    Session.line.field,
    Session.delivered_by.field,
    Session.recorded_by.field,
]


def _sessions_a_day(history: list[tuple[date, LineTerms]], day: date) -> int:
    """How many entries a line expects on one day: its count for a line given per day, otherwise one."""
    terms = terms_in_force(history, day)
    if terms and terms.period is Period.DAY and not terms.weekdays and terms.weekly_minutes is None:
        return terms.sessions
    return 1


def _likely_mistakes(
    entries: Sequence[SessionEntry], histories: dict[int, list[tuple[date, LineTerms]]]
) -> dict[int, dict[str, str]]:
    """Entries that would record a session on a day the school was closed, or a second one for a line on a day,
    without the person saying so: by entry index, the field to tick and why. Three queries at most, however many
    entries and schools: the calendars of the schools asked about, and the sessions already on the lines and days."""
    found: dict[int, dict[str, str]] = {}
    closed = [(index, entry) for index, entry in enumerate(entries) if not entry.school_was_open]
    calendars = calendars_of(sorted({entry.line.plan.child.school_id for _, entry in closed})) if closed else {}
    for index, entry in closed:
        school = entry.line.plan.child.school
        if not calendars[school.pk].is_school_day(entry.date):
            found.setdefault(index, {})["school_was_open"] = (
                f"{entry.date:%A %-d %B %Y} is not a school day at {school.name}. "
                "If the school was open and the session took place, tick “The school was open that day”."
            )
    asked: dict[date, set[int]] = {}
    for entry in entries:
        if not entry.another_that_day:
            asked.setdefault(entry.date, set()).add(entry.line.pk)
    if asked:
        on_day = Q()
        for day, line_ids in asked.items():  # one term a day, not one a line and day
            on_day |= Q(date=day, line_id__in=line_ids)
        taken = Counter(Session.objects.current().filter(on_day).values_list("line_id", "date"))
        for index, entry in enumerate(entries):
            key = (entry.line.pk, entry.date)
            taken[key] += 1  # this entry too, so two in one batch count as two
            if not entry.another_that_day and taken[key] > _sessions_a_day(histories[entry.line.pk], entry.date):
                found.setdefault(index, {})["another_that_day"] = (
                    f"A session is already recorded for {entry.line} on {entry.date:%-d %B %Y}. "
                    "To add a second one that day, tick “Record another session that day”."
                )
    return found


def joined_days(child_ids: set[int]) -> dict[int, date]:
    """For the children who came from another school recorded here: the day they joined their present one (one
    query). Days before it are the earlier school's, whose record is closed: nothing is recorded or changed there."""
    moved = Enrolment.objects.filter(child_id__in=child_ids, ended_on__isnull=False).values("child_id")
    return dict(
        Enrolment.objects.filter(child_id__in=moved, ended_on__isnull=True).values_list("child_id", "started_on")
    )


def _refuse_before_joining(day: date, joined: date | None) -> None:
    if joined is not None and day < joined:
        raise ValidationError(
            {"date": f"The child joined this school on {joined:%-d %B %Y}: days before that were recorded by the "
             "school they were at then, and that record is closed."}
        )  # fmt: skip


# Set by `_build` from objects already fetched through access, so checking that each exists would only cost a query.
_FETCHED = ["local_authority", "child", "line", "delivered_by", "recorded_by", "corrects", "voided_by"]


def _check_fields(session: Session) -> None:
    """The field checks a built session still needs: sizes and choices.

    Not the table's constraints (minutes within the plan, status agreeing with minutes and reason): `entry_figures`
    has applied the same rule, and the database refuses any row that breaks them, so checking again would cost two
    queries a session for nothing.
    """
    session.clean_fields(exclude=_FETCHED)


def _save(session: Session, by: User, summary: str) -> Session:
    session.save()
    record_event(
        actor=by,
        child=session.child,
        action=AuditEvent.Action.CREATE,
        obj=session,
        summary=summary,
        after=snapshot(session),
    )
    return session


class EntriesRefused(ValidationError):
    """Entries of a batch that would be refused. As a ValidationError it names the first of them, by its index, as a
    page shows it; `refused` holds every refused entry's own error, keyed by field, by the entry's index."""

    def __init__(self, entries: Sequence[SessionEntry], refused: dict[int, ValidationError]) -> None:
        index, error = next(iter(refused.items()))
        entry = entries[index]
        super().__init__({f"{index}": f"{entry.line} on {entry.date:%-d %B %Y}: {'; '.join(error.messages)}"})
        self.refused = refused


def _checked(
    entries: Sequence[SessionEntry], by: User, today: date
) -> tuple[list[Session], dict[int, ValidationError]]:
    """The unsaved session of each entry, and the error of each entry that would be refused, by its index.

    A few queries for the whole batch (the children who moved school, the calendars, the sessions already on the
    lines and days), and each line's terms read once, so a batch of hundreds costs little more than one entry."""
    lines = {entry.line.pk: entry.line for entry in entries}
    histories = {line_id: line.terms_history() for line_id, line in lines.items()}
    mistakes = _likely_mistakes(entries, histories)
    joined = joined_days({entry.line.plan.child_id for entry in entries})
    sessions, refused = [], {}
    for index, entry in enumerate(entries):
        try:
            session = _build(entry, by, today, histories[entry.line.pk])
            _refuse_before_joining(entry.date, joined.get(session.child_id))
            _check_fields(session)
            if index in mistakes:
                raise ValidationError(mistakes[index])
        except ValidationError as error:
            refused[index] = error
        else:
            sessions.append(session)
    return sessions, refused


def check_sessions(
    entries: Sequence[SessionEntry], *, by: User, today: date | None = None
) -> dict[int, ValidationError]:
    """What `record_sessions` would refuse, by entry index, each error keyed by field; nothing is written."""
    return _checked(entries, by, today or timezone.localdate())[1]


def record_session(entry: SessionEntry, *, by: User, today: date | None = None) -> Session:
    return record_sessions([entry], by=by, today=today, numbered=False)[0]


_STATUS_LABELS = dict(STATUS_CHOICES)  # as `Session.get_status_display` gives them
# A recorded session's columns as `_write` inserts them; the rest (a correction's link, a void) start empty.
_COLUMNS = (
    "id",
    "local_authority_id",
    "child_id",
    "line_id",
    "date",
    "status",
    "planned_minutes",
    "delivered_minutes",
    "reason",
    "note",
    "delivered_by_id",
    "group_ref",
    "recorded_by_id",
    "recorded_at",
    "void_reason",
)


def record_sessions(
    entries: Sequence[SessionEntry],
    *,
    by: User,
    today: date | None = None,
    numbered: bool = True,
    via: str = "",
    group_ref: uuid.UUID | None = None,
) -> list[Session]:
    """Record many entries at once (a day's register, a group, an API batch): all of them, or none if one is wrong.

    A refusal is an `EntriesRefused` naming the first refused entry by its index, and every refused entry by field;
    with `numbered=False` (one entry) it is that entry's own error, keyed by field.
    `via` names what carried the entries when it was not a person at a screen (an API token), for the audit trail.

    Every check is made before the write transaction opens, so the write lock is held only for the inserts:
    on SQLite, concurrent staff then queue for milliseconds, not for the length of each other's checks.
    """
    sessions, refused = _checked(entries, by, today or timezone.localdate())
    lines = {entry.line.pk: entry.line for entry in entries}
    if refused:
        if not numbered:
            raise next(iter(refused.values()))
        raise EntriesRefused(entries, refused)
    for session in sessions:
        session.group_ref = group_ref  # before saving: the event seals the row as it is stored
    with transaction.atomic():
        _write(sessions, by, f"Session recorded via {via}" if via else "Session recorded", lines)
        totals.count(sessions)
    return sessions


def _write(sessions: list[Session], by: User, verb: str, lines: dict[int, ProvisionLine]) -> None:
    """Insert the checked sessions with their ids, and one CREATE event for each, sealing the row as stored.

    Rows and events are written as the bulk writer writes them (plain rows, each event's text encoded once), not
    through a model instance per event: an API batch of 500 then costs a few queries and little time per row. The
    event holds what `audit.actions.record_created` would: the session's `snapshot` as `after`, its `row_hash` as its
    seal, `f"{verb}: {session}"` as its summary, and the address of the request; `verify` recomputes all of them.
    """
    if not sessions:
        return
    at, address = timezone.now(), current_address()
    # One moment for the sessions and their events: they are written as one.
    with_recorded_at = f',"recorded_at":{json_string(instant(at))},"recorded_by":'
    group_ref = sessions[0].group_ref  # one for the whole write, or none
    stored_ref = Session._meta.get_field("group_ref").get_db_prep_value(group_ref, connection)
    sealed_ref = None if group_ref is None else str(group_ref)
    names = {line_id: str(line) for line_id, line in lines.items()}  # as `str(session)` names its line and day
    days: dict[date, str] = {}
    rows: list[tuple[Any, ...]] = []
    events: dict[int, list[CreatedEvent]] = {}
    for pk, session in zip(next_ids(Session, len(sessions)), sessions, strict=True):
        session.pk, session.recorded_at = pk, at
        session._state.adding, session._state.db = False, connection.alias
        la_id, child_id, line_id, day = session.local_authority_id, session.child_id, session.line_id, session.date
        status, planned, delivered = session.status, session.planned_minutes, session.delivered_minutes
        reason, note, delivered_by = session.reason, session.note, session.delivered_by_id
        rows.append((pk, la_id, child_id, line_id, day, status, planned, delivered, reason, note, delivered_by,
                     stored_ref, by.pk, at, ""))  # fmt: skip
        # The session's `snapshot`, the event's `after`: every stored value but the time it was recorded (not
        # editable), as `audit.sealing.content` reads them from the saved row.
        after = content_text({"id": pk, "local_authority": la_id, "child": child_id, "line": line_id,
                              "date": day.isoformat(), "status": status, "planned_minutes": planned,
                              "delivered_minutes": delivered, "reason": reason, "note": note,
                              "delivered_by": delivered_by, "group_ref": sealed_ref, "recorded_by": by.pk,
                              "corrects": None, "voided_at": None, "voided_by": None, "void_reason": ""})  # fmt: skip
        # The row's seal covers that time too: the same text with it in its sorted place, before "recorded_by"
        # (found by its quotes, which no value's text has unescaped).
        seal = keyed_hash(f"session:{pk}\n" + after.replace(',"recorded_by":', with_recorded_at, 1))
        if day not in days:
            days[day] = f"{day:%d %b %Y}"
        summary = f"{verb}: {names[line_id]} on {days[day]}: {_STATUS_LABELS[status]}"
        events.setdefault(la_id, []).append(
            (child_id, by.pk, at, "session", pk, summary[:300], after, f'{{"session:{pk}":"{seal}"}}')
        )
    insert_rows(Session, _COLUMNS, rows)
    for la_id, created in sorted(events.items()):
        append_created(la_id, created, address=address)


@transaction.atomic
def record_group_session(
    lines: Sequence[ProvisionLine],
    *,
    day: date,
    status: SessionStatus,
    by: User,
    delivered_minutes: int | None = None,
    reason: str = "",
    note: str = "",
    today: date | None = None,
) -> list[Session]:
    """One group session, recorded once for every child in it, tied together by a shared reference."""
    entries = [SessionEntry(line, day, status, delivered_minutes, reason, note) for line in lines]
    return record_sessions(entries, by=by, today=today, group_ref=uuid.uuid4())


@transaction.atomic
def void_session(session: Session, *, by: User, reason: str) -> Session:
    """Strike an entry from the totals. It stays in the record with who voided it, when and why."""
    joined = joined_days({session.child_id}).get(session.child_id)
    if joined is not None and session.date < joined:
        raise ValidationError(
            "This session was recorded by the school the child was at before they moved: it stays as that school "
            "recorded it."
        )
    voided = void_entry(
        session, by=by, reason=reason, child=session.child, noun="entry", summary=f"Session voided: {session}"
    )
    totals.count([voided], sign=-1)
    return voided


@transaction.atomic
def correct_session(
    session: Session, entry: SessionEntry, *, by: User, reason: str, today: date | None = None
) -> Session:
    """Void an entry and record what really happened in its place."""
    void_session(session, by=by, reason=reason)
    replacement = _build(entry, by, today or timezone.localdate())
    _refuse_before_joining(entry.date, joined_days({session.child_id}).get(session.child_id))
    replacement.corrects = session
    _check_fields(replacement)
    # After the void, so the entry it replaces is not "another that day".
    mistakes = _likely_mistakes([entry], {entry.line.pk: entry.line.terms_history()})
    if mistakes:
        raise ValidationError(mistakes[0])
    _save(replacement, by, f"Session corrected: {replacement}")
    totals.count([replacement])
    return replacement


TIME_LOG_NOTE = "From the support-time log"


@transaction.atomic
def record_from_time_log(
    *, line: ProvisionLine, day: date, figures: DaySession, by: User, today: date | None = None
) -> Session:
    """The session a support-time log amounts to, for the child's hours-a-week line: the log is the one account of
    that time, so the session is written from it, and corrected when the day's log is."""
    entry = SessionEntry(
        line=line,
        date=day,
        status=figures.status,
        delivered_minutes=figures.delivered_minutes,
        reason=figures.reason.value if figures.reason else "",
        note=TIME_LOG_NOTE,
    )
    standing = list(Session.objects.current().filter(line=line, date=day).order_by("id"))
    if not standing:
        return record_session(entry, by=by, today=today)
    first, *extra = standing
    for duplicate in extra:
        void_session(duplicate, by=by, reason="The day's support-time log is the one record of this time.")
    same = (first.status, first.delivered_minutes, first.reason) == (
        entry.status.value,
        entry.delivered_minutes,
        entry.reason,
    )
    if same:
        return first
    return correct_session(first, entry, by=by, reason="The day's support-time log changed.", today=today)
