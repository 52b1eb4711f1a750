"""Recording, voiding and correcting sessions. Nothing is deleted; each write leaves an audit event."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from provision_ledger.audit.actions import record_event, snapshot, void_entry
from provision_ledger.audit.models import AuditEvent
from provision_ledger.delivery import totals
from provision_ledger.delivery.models import Session
from provision_ledger.people.models import User
from provision_ledger.plans.models import ProvisionLine
from provision_ledger.rules.compliance import SessionStatus
from provision_ledger.rules.delivery import terms_in_force


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


def _build(entry: SessionEntry, by: User, today: date) -> Session:
    """Check an entry against its line and the school day, and build the unsaved session."""
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
    school_day = line.plan.child.school.school_day_minutes
    planned = entry.planned_minutes
    if planned is None:
        planned = terms.weekly_minutes // 5 if terms.weekly_minutes else terms.minutes_per_session
    delivered = entry.delivered_minutes
    if delivered is None:
        delivered = planned if status is SessionStatus.DELIVERED else 0
    if delivered < 0:
        errors["delivered_minutes"] = "Minutes cannot be negative."
    elif delivered > school_day:
        errors["delivered_minutes"] = f"That is longer than the school day ({school_day} minutes)."
    if planned > school_day:
        errors["planned_minutes"] = f"That is longer than the school day ({school_day} minutes)."
    if status is SessionStatus.DELIVERED:
        if entry.reason:
            errors["reason"] = "A delivered session has no reason for a miss."
        planned = max(planned, delivered)
    elif status is SessionStatus.PART_DELIVERED:
        if "delivered_minutes" not in errors and not 0 < delivered < planned:
            errors["delivered_minutes"] = f"Part delivered means between 1 and {planned - 1} minutes."
        if not entry.reason:
            errors["reason"] = "Say why the session was cut short."
    else:
        if delivered:
            errors["delivered_minutes"] = "A session not delivered has no minutes delivered."
        if not entry.reason:
            errors["reason"] = "Say why the session did not happen."
    if errors:
        raise ValidationError(errors)
    child = line.plan.child
    return Session(
        local_authority_id=child.local_authority_id,
        child=child,
        line=line,
        date=entry.date,
        status=status.value,
        planned_minutes=planned,
        delivered_minutes=delivered,
        reason=entry.reason,
        note=entry.note,
        delivered_by=by if delivered else None,
        recorded_by=by,
    )


def check_entry(entry: SessionEntry, *, by: User, today: date | None = None) -> Session:
    """The session an entry would record, unsaved; a ValidationError keyed by field if it would be refused."""
    session = _build(entry, by, today or timezone.localdate())
    session.full_clean()
    return session


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
) -> list[Session]:
    """Record many entries at once (a day's register, a group): all of them, or none if one is wrong.

    `via` names what carried the entries when it was not a person at a screen (an API token), for the audit trail.

    Every check is made before the write transaction opens, so the write lock is held only for the inserts:
    on SQLite, concurrent staff then queue for milliseconds, not for the length of each other's checks.
    """
    today = today or timezone.localdate()
    sessions = []
    for index, entry in enumerate(entries):
        try:
            session = _build(entry, by, today)
            session.full_clean()
        except ValidationError as error:
            if not numbered:
                raise
            raise ValidationError(
                {f"{index}": f"{entry.line} on {entry.date:%-d %B %Y}: {'; '.join(error.messages)}"}
            ) from error
        sessions.append(session)
    with transaction.atomic():
        recorded = f"Session recorded via {via}" if via else "Session recorded"
        saved = [_save(s, by, f"{recorded}: {s}") for s in sessions]
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
    group_ref = uuid.uuid4()
    entries = [SessionEntry(line, day, status, delivered_minutes, reason, note) for line in lines]
    sessions = record_sessions(entries, by=by, today=today)
    Session.objects.filter(pk__in=[s.pk for s in sessions]).update(group_ref=group_ref)
    for s in sessions:
        s.group_ref = group_ref
    return sessions


@transaction.atomic
def void_session(session: Session, *, by: User, reason: str) -> Session:
    """Strike an entry from the totals. It stays in the record with who voided it, when and why."""
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
    replacement.corrects = session
    replacement.full_clean()
    _save(replacement, by, f"Session corrected: {replacement}")
    totals.count([replacement])
    return replacement
