"""Recording, voiding and correcting sessions. Nothing is deleted; each write leaves an audit event."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from provision_ledger.audit.actions import record_created, record_event, snapshot, void_entry
from provision_ledger.audit.models import AuditEvent
from provision_ledger.delivery import totals
from provision_ledger.delivery.models import Session
from provision_ledger.people.models import Enrolment, User
from provision_ledger.plans.models import ProvisionLine
from provision_ledger.rules.calendar import SchoolCalendar
from provision_ledger.rules.compliance import SessionStatus
from provision_ledger.rules.delivery import Period, terms_in_force
from provision_ledger.rules.sessions import EntryRefused, entry_figures
from provision_ledger.rules.support_time import DaySession


@dataclass(frozen=True)
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


def _build(entry: SessionEntry, by: User, today: date) -> Session:
    """Check an entry against its line on its day, and build the unsaved session."""
    line, errors = entry.line, {}
    status = SessionStatus(entry.status)
    if line.voided_at is not None:
        raise ValidationError("This provision line is void: sessions cannot be recorded against it.")
    terms = terms_in_force(line.terms_history(), entry.date)
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
    return Session(
        local_authority_id=child.local_authority_id,
        child=child,
        line=line,
        date=entry.date,
        status=status.value,
        planned_minutes=figures.planned_minutes,
        delivered_minutes=figures.delivered_minutes,
        reason=entry.reason,
        note=entry.note,
        delivered_by=by if figures.delivered_minutes else None,
        recorded_by=by,
    )


def _sessions_a_day(entry: SessionEntry) -> int:
    """How many entries a line expects on one day: its count for a line given per day, otherwise one."""
    terms = terms_in_force(entry.line.terms_history(), entry.date)
    if terms and terms.period is Period.DAY and not terms.weekdays and terms.weekly_minutes is None:
        return terms.sessions
    return 1


def _likely_mistakes(entries: Sequence[SessionEntry]) -> dict[int, dict[str, str]]:
    """Entries that would record a session on a day the school was closed, or a second one for a line on a day,
    without the person saying so: by entry index, the field to tick and why. Two queries per school, one in all."""
    found: dict[int, dict[str, str]] = {}
    calendars: dict[int, SchoolCalendar] = {}
    for index, entry in enumerate(entries):
        school = entry.line.plan.child.school
        if school.pk not in calendars:
            calendars[school.pk] = school.calendar()
        if not entry.school_was_open and not calendars[school.pk].is_school_day(entry.date):
            found.setdefault(index, {})["school_was_open"] = (
                f"{entry.date:%A %-d %B %Y} is not a school day at {school.name}. "
                "If the school was open and the session took place, tick “The school was open that day”."
            )
    asked = [e for e in entries if not e.another_that_day]
    if asked:
        on_day = Q()
        for entry in asked:
            on_day |= Q(line_id=entry.line.pk, date=entry.date)
        taken = Counter(Session.objects.current().filter(on_day).values_list("line_id", "date"))
        for index, entry in enumerate(entries):
            key = (entry.line.pk, entry.date)
            taken[key] += 1  # this entry too, so two in one batch count as two
            if not entry.another_that_day and taken[key] > _sessions_a_day(entry):
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


def check_entry(
    entry: SessionEntry, *, by: User, today: date | None = None, joined: dict[int, date] | None = None
) -> Session:
    """The session an entry would record, unsaved; a ValidationError keyed by field if it would be refused.

    `joined`: `joined_days` of the batch's children, read once for the batch (else read here)."""
    session = _build(entry, by, today or timezone.localdate())
    joined = joined if joined is not None else joined_days({session.child_id})
    _refuse_before_joining(entry.date, joined.get(session.child_id))
    _check_fields(session)
    return session


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


def record_session(entry: SessionEntry, *, by: User, today: date | None = None) -> Session:
    return record_sessions([entry], by=by, today=today, numbered=False)[0]


def record_sessions(
    entries: Sequence[SessionEntry],
    *,
    by: User,
    today: date | None = None,
    numbered: bool = True,
    via: str = "",
    group_ref: uuid.UUID | None = None,
) -> list[Session]:
    """Record many entries at once (a day's register, a group): all of them, or none if one is wrong.

    `via` names what carried the entries when it was not a person at a screen (an API token), for the audit trail.

    Every check is made before the write transaction opens, so the write lock is held only for the inserts:
    on SQLite, concurrent staff then queue for milliseconds, not for the length of each other's checks.
    """
    today = today or timezone.localdate()
    sessions = []
    mistakes = _likely_mistakes(entries)
    joined = joined_days({entry.line.plan.child_id for entry in entries})
    for index, entry in enumerate(entries):
        try:
            session = _build(entry, by, today)
            _refuse_before_joining(entry.date, joined.get(session.child_id))
            _check_fields(session)
            if index in mistakes:
                raise ValidationError(mistakes[index])
        except ValidationError as error:
            if not numbered:
                raise
            raise ValidationError(
                {f"{index}": f"{entry.line} on {entry.date:%-d %B %Y}: {'; '.join(error.messages)}"}
            ) from error
        session.group_ref = group_ref  # before saving: the event seals the row as it is stored
        sessions.append(session)
    with transaction.atomic():
        recorded = f"Session recorded via {via}" if via else "Session recorded"
        saved = Session.objects.bulk_create(sessions)  # with their ids, on SQLite and PostgreSQL alike
        record_created(actor=by, created=[(s.child, s, f"{recorded}: {s}", snapshot(s)) for s in saved])
        totals.count(saved)
        return saved


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
    mistakes = _likely_mistakes([entry])  # after the void, so the entry it replaces is not "another that day"
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
