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
from provision_ledger.rules.advisor import Step, StepKind
from provision_ledger.rules.clocks import long_date

PRIVATE_LETTER = "A letter of the family's was kept in their record"
PRIVATE_REPLY = "The family recorded the reply to one of their letters"


def _refuse_unhappened(day: date, field: str, what: str) -> None:
    """Dates here start legal clocks, so one that has not happened yet would start them wrongly."""
    if day > timezone.localdate():
        raise ValidationError({field: f"{what} cannot be dated after today: {day:%-d %B %Y} has not come yet."})


def sender_block(by: User, address: str) -> list[str]:
    """The sender's block at the head of a letter: name, postal address (line by line), email."""
    lines = [line.strip() for line in address.splitlines() if line.strip()]
    return [by.get_full_name() or by.email, *lines, by.email]


def refuse_without_address(step: Step, address: str) -> None:
    """A letter before claim gives an address for reply and service of documents (Pre-Action Protocol for Judicial
    Review, Annex A): an email alone will not do."""
    if step.kind is StepKind.PRE_ACTION_PROTOCOL_LETTER and not address.strip():
        raise ValidationError(
            {
                "sender_address": "Give your postal address: a letter before claim needs an address where the "
                "council's lawyers can reply and send papers."
            }
        )


@transaction.atomic
def save_letter(
    *,
    child: Child,
    step: Step,
    evidence: Evidence,
    by: User,
    addressee: str,
    subject: str,
    body: str,
    sent_on: date,
    sender_address: str = "",
) -> Letter:
    """Keep the letter exactly as sent, with the evidence as it stood, and start its reply clock."""
    _refuse_unhappened(sent_on, "sent_on", "A letter")
    refuse_without_address(step, sender_address)
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
        evidence={
            **evidence.as_json(),
            "ledger_seal": seal(child.local_authority_id),
            # The sender's block at the head of the letter, as it was when it was sent.
            "sender": sender_block(by, sender_address),
        },
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
        # Sent below the proportion threshold: the parent was warned and went ahead, and the trail says so.
        after={"id": letter.pk}
        if not step.below_threshold or step.threshold is None
        else {"id": letter.pk, "below_threshold": step.threshold.reason, "warning_accepted": step.threshold.warning},
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


_K = StatutoryEvent.Kind
# These cannot come before the request for an assessment; the decisions themselves are checked by the clocks
# (rules/clocks.py refuses a decision, notice or final plan dated before the request it answers).
_AFTER_REQUEST = frozenset({_K.REQUEST_RECEIVED, _K.DRAFT_PLAN_SERVED})
_AFTER_MEETING = frozenset({_K.REVIEW_REPORT_SENT, _K.REVIEW_DECISION})


def _refuse(field: str, message: str) -> None:
    raise ValidationError({field: message})


def _check_event(child: Child, kind: str, day: date, fields: dict[str, object]) -> None:
    """The checks a kind of event needs, each naming the field that is wrong."""
    from provision_ledger.nextsteps.advice import appealable  # advice reads these models; imported late

    earlier = list(StatutoryEvent.objects.filter(child=child, date__lte=day).order_by("date", "id"))
    requests = [e.date for e in earlier if e.kind == _K.ASSESSMENT_REQUESTED] + list(
        Letter.objects.filter(child=child, kind="request_ehc_needs_assessment").values_list("sent_on", flat=True)
    )
    all_requests = requests + list(
        StatutoryEvent.objects.filter(child=child, kind=_K.ASSESSMENT_REQUESTED, date__gt=day).values_list(
            "date", flat=True
        )
    )
    label = StatutoryEvent.Kind(kind).label
    if kind in _AFTER_REQUEST and all_requests and not [d for d in all_requests if d <= day]:
        _refuse(
            "date",
            f"The date ({long_date(day)}) is before the request for an assessment ({long_date(min(all_requests))}): "
            f"“{label}” cannot come before the request.",
        )
    if kind in _AFTER_MEETING and not any(e.kind == _K.REVIEW_MEETING for e in earlier):
        meetings = StatutoryEvent.objects.filter(child=child, kind=_K.REVIEW_MEETING)
        if meetings.exists():
            _refuse("date", f"{label} on {day:%-d %B %Y} is before the review meeting it follows.")
    if kind == _K.REVIEW_DECISION and not fields.get("outcome"):
        _refuse("outcome", "Say what the local authority decided: keep the plan as it is, amend it or stop it.")
    if kind == _K.MEDIATION_CONTACTED and not any(appealable(e) for e in earlier):
        _refuse(
            "date",
            "Record the decision you may appeal first: mediation comes after a decision such as a refusal to assess.",
        )
    if kind == _K.MEDIATION_CONTACTED and not fields.get("mediation"):
        _refuse(
            "mediation",
            "Say whether you told the mediation adviser you do not want mediation or chose to go to mediation: "
            "only a refusal starts the 3 working days for the certificate.",
        )
    if kind == _K.MEDIATION_CERTIFICATE:
        contacts = [e.date for e in earlier if e.kind == _K.MEDIATION_CONTACTED]
        if not contacts:
            later = StatutoryEvent.objects.filter(child=child, kind=_K.MEDIATION_CONTACTED).order_by("date").first()
            _refuse(
                "date",
                f"The mediation certificate ({day:%-d %B %Y}) is before you contacted the mediation adviser "
                f"({later.date:%-d %B %Y}): a certificate follows the contact."
                if later
                else "Record the date you contacted the mediation adviser first: the certificate follows it.",
            )
    if kind == _K.EXCEPTION:
        if not fields.get("ground"):
            _refuse("ground", "Say which exception the local authority relies on.")
        if not str(fields.get("evidence") or "").strip():
            _refuse("evidence", "Say what shows the exception applies, for example the council's letter and its date.")
        ends_on = fields.get("ends_on")
        if isinstance(ends_on, date) and ends_on < day:
            _refuse("ends_on", f"The exception cannot end ({ends_on:%-d %B %Y}) before it began ({day:%-d %B %Y}).")
    if kind == _K.PHASE_TRANSFER and not fields.get("transfer"):
        _refuse("transfer", "Say which kind of move this is.")


_FIELDS_FOR = {
    _K.REVIEW_DECISION: ("outcome",),
    _K.MEDIATION_CONTACTED: ("mediation",),
    _K.EXCEPTION: ("ground", "ends_on", "evidence"),
    _K.PHASE_TRANSFER: ("transfer",),
}


@transaction.atomic
def record_statutory_event(
    *, child: Child, by: User, kind: str, day: date, note: str = "", **fields: object
) -> StatutoryEvent:
    """Record a dated event; refused, and nothing kept, if it contradicts the dates already recorded.

    fields: outcome (a review decision), mediation (what the parent told the mediation adviser), ground, ends_on and
    evidence (an exception), transfer (a phase transfer);
    any other kind keeps none of them.
    """
    from provision_ledger.nextsteps.advice import (
        arrivals_from_another_authority,
        clocks_for,
    )  # advice reads these models; imported late

    if kind != _K.PHASE_TRANSFER:  # a move to a new phase is recorded ahead: its deadline falls before it
        _refuse_unhappened(day, "date", "An event")

    _check_event(child, kind, day, fields)
    kept = {name: fields[name] for name in _FIELDS_FOR.get(StatutoryEvent.Kind(kind), ()) if fields.get(name)}
    event = StatutoryEvent.objects.create(
        local_authority_id=child.local_authority_id,
        child=child,
        kind=kind,
        date=day,
        note=note,
        recorded_by=by,
        **kept,
    )
    letters = list(Letter.objects.filter(child=child).order_by("sent_on", "id"))
    events = list(StatutoryEvent.objects.filter(child=child).order_by("date", "id"))
    plan = child.plans.filter(status="active").order_by("-start_date").first()
    try:
        clocks_for(child, plan, letters, events, arrivals_from_another_authority([child]).get(child.pk))
    except ValueError as error:
        field = "ends_on" if kind == _K.EXCEPTION and fields.get("ends_on") else "date"
        raise ValidationError({field: str(error)}) from error
    record_event(
        actor=by,
        child=child,
        action=AuditEvent.Action.CREATE,
        obj=event,
        summary=f"Recorded: {event}",
        after=snapshot(event),
    )
    return event
