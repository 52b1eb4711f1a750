"""Writing the audit trail. Every action that changes a plan, line or session calls `record_event`."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.forms.models import model_to_dict

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


def record_view(*, viewer: User, child: Child, what: str) -> RecordView:
    """Note that a member of staff read part of a child's record (called only from core.access)."""
    return RecordView.objects.create(viewer=viewer, child=child, what=what)
