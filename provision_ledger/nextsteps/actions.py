"""Saving letters as sent, their replies, and statutory events. Each is one transaction and audited."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from provision_ledger.audit.actions import record_event, snapshot
from provision_ledger.audit.chain import seal
from provision_ledger.audit.models import AuditEvent
from provision_ledger.nextsteps.evidence import Evidence
from provision_ledger.nextsteps.models import Letter, StatutoryEvent
from provision_ledger.people.models import Child, User
from provision_ledger.rules.advisor import Step

PRIVATE_LETTER = "A letter of the family's was kept in their record"
PRIVATE_REPLY = "The family recorded the reply to one of their letters"


def _refuse_unhappened(day: date, field: str, what: str) -> None:
    """Dates here start legal clocks, so one that has not happened yet would start them wrongly."""
    if day > timezone.localdate():
        raise ValidationError({field: f"{what} cannot be dated after today: {day:%-d %B %Y} has not come yet."})


@transaction.atomic
def save_letter(
    *, child: Child, step: Step, evidence: Evidence, by: User, addressee: str, subject: str, body: str, sent_on: date
) -> Letter:
    """Keep the letter exactly as sent, with the evidence as it stood, and start its reply clock."""
    _refuse_unhappened(sent_on, "sent_on", "A letter")
    first_plan = child.plans.order_by("start_date").values_list("start_date", flat=True).first()
    if first_plan and sent_on < first_plan:
        raise ValidationError(
            {"sent_on": f"That is before {child.first_name}’s first plan began ({first_plan:%-d %B %Y})."}
        )
    reply_due = step.reply_period.period.after(sent_on) if step.reply_period else None
    letter = Letter.objects.create(
        local_authority_id=child.local_authority_id,
        child=child,
        kind=step.kind.value,
        addressee=addressee,
        subject=subject,
        body=body,
        evidence={**evidence.as_json(), "ledger_seal": seal(child.local_authority_id)},
        sent_on=sent_on,
        reply_due=reply_due,
        written_by=by,
    )
    record_event(
        actor=by,
        child=child,
        action=AuditEvent.Action.CREATE,
        obj=letter,
        # The family's letters are theirs: the trail, which staff read, carries the letter's id and its seal only.
        summary=PRIVATE_LETTER,
        after={"id": letter.pk},
    )
    return letter


@transaction.atomic
def record_reply(*, letter: Letter, by: User, replied_on: date, note: str) -> Letter:
    _refuse_unhappened(replied_on, "replied_on", "A reply")
    if replied_on < letter.sent_on:
        raise ValidationError(
            {"replied_on": f"The reply cannot come before the letter was sent ({letter.sent_on:%-d %B %Y})."}
        )
    letter.replied_on, letter.reply_note = replied_on, note
    letter.save(update_fields=["replied_on", "reply_note"])
    record_event(
        actor=by,
        child=letter.child,
        action=AuditEvent.Action.CHANGE,
        obj=letter,
        summary=PRIVATE_REPLY,
        after={"id": letter.pk},
    )
    return letter


@transaction.atomic
def record_statutory_event(*, child: Child, by: User, kind: str, day: date, note: str = "") -> StatutoryEvent:
    """Record a dated event; refused, and nothing kept, if it contradicts the dates already recorded."""
    _refuse_unhappened(day, "date", "An event")
    from provision_ledger.nextsteps.advice import clocks_for  # advice reads these models; imported late

    event = StatutoryEvent.objects.create(
        local_authority_id=child.local_authority_id, child=child, kind=kind, date=day, note=note, recorded_by=by
    )
    letters = list(Letter.objects.filter(child=child).order_by("sent_on", "id"))
    events = list(StatutoryEvent.objects.filter(child=child).order_by("date", "id"))
    plan = child.plans.filter(status="active").order_by("-start_date").first()
    try:
        clocks_for(child, plan, letters, events)
    except ValueError as error:
        raise ValidationError({"date": str(error)}) from error
    record_event(
        actor=by,
        child=child,
        action=AuditEvent.Action.CREATE,
        obj=event,
        summary=f"Recorded: {event}",
        after=snapshot(event),
    )
    return event
