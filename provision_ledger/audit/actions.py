"""Writing the audit trail. Every action that changes a plan, line or session calls `record_event`."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from provision_ledger.audit.chain import link
from provision_ledger.audit.models import AuditEvent, RecordView
from provision_ledger.people.models import Child, User


def snapshot(obj: models.Model, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The stored values of a row, as the audit trail keeps them."""
    data = model_to_dict(obj, exclude=list(exclude))
    data["id"] = obj.pk
    return data


def record_event(
    *,
    actor: User,
    child: Child,
    action: AuditEvent.Action,
    obj: models.Model,
    summary: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    assert obj.pk is not None
    event = AuditEvent(
        local_authority_id=child.local_authority_id,
        child=child,
        actor=actor,
        action=action,
        object_type=obj._meta.model_name or "",
        object_id=obj.pk,
        summary=summary[:300],
        before=before,
        after=after,
        reason=reason,
    )
    with transaction.atomic():
        link([event], child.local_authority_id)
        event.save()
    return event


M = TypeVar("M", bound=models.Model)


@transaction.atomic
def void_entry(obj: M, *, by: User, reason: str, child: Child, noun: str, summary: str) -> M:
    """Strike a record from the totals: it stays, marked with who voided it, when and why, and the trail says so.

    `obj` has the fields voided_at, voided_by and void_reason; `noun` names it in the messages ("line", "entry")."""
    if getattr(obj, "voided_at", None) is not None:
        raise ValidationError(f"This {noun} is already void.")
    if not reason.strip():
        raise ValidationError({"reason": f"Say why this {noun} is being voided."})
    before = snapshot(obj)
    obj.voided_at, obj.voided_by, obj.void_reason = timezone.now(), by, reason.strip()  # type: ignore[attr-defined]
    obj.save(update_fields=["voided_at", "voided_by", "void_reason"])
    record_event(
        actor=by,
        child=child,
        action=AuditEvent.Action.VOID,
        obj=obj,
        summary=summary,
        before=before,
        after=snapshot(obj),
        reason=reason.strip(),
    )
    return obj


def record_view(*, viewer: User, child: Child, what: str) -> RecordView:
    """Note that a member of staff read part of a child's record (called only from core.access)."""
    return RecordView.objects.create(viewer=viewer, child=child, what=what)
