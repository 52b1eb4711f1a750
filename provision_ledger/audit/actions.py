"""Writing the audit trail. Every action that changes a row of the record calls `record_event`, which seals it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from provision_ledger.audit import sealing
from provision_ledger.audit.chain import link
from provision_ledger.audit.models import AuditEvent, ChainHead, RecordView
from provision_ledger.people.models import Child, User


def snapshot(obj: models.Model, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The stored values of a row, as the audit trail keeps them."""
    data = model_to_dict(obj, exclude=list(exclude))
    data["id"] = obj.pk
    return data


def _event(
    *,
    actor: User,
    child: Child,
    action: AuditEvent.Action,
    obj: models.Model,
    summary: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    seals: Sequence[models.Model] = (),
) -> AuditEvent:
    assert obj.pk is not None
    sealed = [obj] if sealing.is_sealed(obj) else []
    return AuditEvent(
        local_authority_id=chain_of(obj, child),
        child=child,
        actor=actor,
        action=action,
        object_type=obj._meta.model_name or "",
        object_id=obj.pk,
        summary=summary[:300],
        before=before,
        after=after,
        reason=reason,
        seals=sealing.seals_of([*sealed, *seals]),
    )


def chain_of(obj: models.Model, child: Child) -> int:
    """The authority whose chain records a change to `obj`: the one its row is keyed to, else the child's.

    A row keeps the authority it was written under when the child moves to another (people.actions.move_child), and
    `verify` holds each authority's rows to the seals in its own chain: so a later change to a row written before
    the move (a plan that moved with the child, a session of the earlier school) is sealed in that row's chain.
    """
    keyed = getattr(obj, "local_authority_id", None)
    return int(keyed) if keyed is not None else child.local_authority_id


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
    seals: Sequence[models.Model] = (),
) -> AuditEvent:
    """Append one event to the chain of the row's authority (`chain_of`). It seals `obj` when it is part of the
    record, and every other row in `seals` the same action wrote (a line's new version, a concern's message): call it
    after saving."""
    event = _event(
        actor=actor, child=child, action=action, obj=obj, summary=summary, before=before, after=after,
        reason=reason, seals=seals,
    )  # fmt: skip
    with transaction.atomic():
        link([event], event.local_authority_id)
        event.save()
    return event


@dataclass(frozen=True)
class AccessChange:
    """A change to who may reach an authority's records that no one child owns: a staff role, a trust's school."""

    local_authority_id: int
    obj: models.Model
    action: AuditEvent.Action
    summary: str
    before: dict[str, Any] | None = None
    reason: str = ""
    after: dict[str, Any] | None = None  # the row's own values when not given


def _access_snapshot(obj: models.Model) -> dict[str, Any]:
    """The row's values, with the rows it links to by many-to-many (a commission's lines) as their ids."""
    many = [f.name for f in obj._meta.many_to_many]
    data = snapshot(obj, exclude=tuple(many))
    for name in many:
        data[name] = sorted(getattr(obj, name).values_list("pk", flat=True))
    return data


def record_access_events(*, actor: User, changes: Sequence[AccessChange]) -> list[AuditEvent]:
    """Append each change to its authority's chain, with the row as it now stands (none for a row that went), in one
    step per authority: a register import of thousands of schools costs a few queries per authority."""
    by_authority: dict[int, list[AuditEvent]] = {}
    for change in changes:
        assert change.obj.pk is not None
        gone = change.action is AuditEvent.Action.VOID
        event = AuditEvent(
            local_authority_id=change.local_authority_id,
            child=None,
            actor=actor,
            action=change.action,
            object_type=change.obj._meta.model_name or "",
            object_id=change.obj.pk,
            summary=change.summary[:300],
            before=change.before,
            after=None if gone else (change.after or _access_snapshot(change.obj)),
            reason=change.reason,
        )
        by_authority.setdefault(change.local_authority_id, []).append(event)
    with transaction.atomic():
        for la_id, events in sorted(by_authority.items()):
            link(events, la_id)
            AuditEvent.objects.bulk_create(events)
    return [event for _, events in sorted(by_authority.items()) for event in events]


def record_role_events(
    *,
    actor: User,
    role: models.Model,
    authority_ids: Iterable[int],
    action: AuditEvent.Action,
    summary: str,
    reason: str = "",
) -> list[AuditEvent]:
    """A role that opens records in these authorities (a trust's, a service's), given or ended (VOID): one event in
    each authority's chain."""
    before = snapshot(role) if action is AuditEvent.Action.VOID else None
    changes = [AccessChange(la_id, role, action, summary, before, reason) for la_id in sorted(set(authority_ids))]
    return record_access_events(actor=actor, changes=changes)


def record_access_event(
    *,
    actor: User,
    local_authority_id: int,
    action: AuditEvent.Action,
    obj: models.Model,
    summary: str,
    before: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """One change to who may reach an authority's records (see `record_access_events`)."""
    change = AccessChange(local_authority_id, obj, action, summary, before, reason)
    [event] = record_access_events(actor=actor, changes=[change])
    return event


def record_policy_event(*, actor: User, local_authority_id: int, obj: models.Model, summary: str,
                        before: dict[str, Any] | None, after: dict[str, Any] | None = None) -> AuditEvent:  # fmt: skip
    """A change to a policy that moves children's figures (a school's status thresholds, whether time nobody recorded
    is owed, the rates and prices that cost their support): no one child owns it, so it goes in its authority's chain
    with no child, with what it was (none when new) and what it now is (the row's own values unless given)."""
    action = AuditEvent.Action.CHANGE if before else AuditEvent.Action.CREATE
    change = AccessChange(local_authority_id, obj, action, summary, before, after=after)
    [event] = record_access_events(actor=actor, changes=[change])
    return event


def record_created(*, actor: User, created: Sequence[tuple[Child, models.Model, str, dict[str, Any]]]) -> None:
    """One CREATE event for each row an action has just saved (child, row, summary, after), appended to each
    authority's chain in one step: a batch of many rows costs a few queries, not a few for every row."""
    by_authority: dict[int, list[AuditEvent]] = {}
    for child, obj, summary, after in created:
        event = _event(actor=actor, child=child, action=AuditEvent.Action.CREATE, obj=obj, summary=summary, after=after)
        by_authority.setdefault(event.local_authority_id, []).append(event)
    with transaction.atomic():
        for la_id, events in sorted(by_authority.items()):
            link(events, la_id)
            AuditEvent.objects.bulk_create(events)


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
    return RecordView.objects.create(local_authority_id=child.local_authority_id, viewer=viewer, child=child, what=what)


@dataclass(frozen=True)
class SealResult:
    local_authority_id: int
    relinked: int  # events written before the chain was keyed, linked again under the key
    sealed: int  # rows recorded before sealing, now sealed
    events: int  # sealing events appended, one for each child with such rows


def seal_record(*, by: User) -> list[SealResult]:
    """The one-off upgrade of a record written before sealing, for every authority.

    A chain whose events carry the earlier unkeyed hashes is first checked link by link under those hashes, then
    linked again under the chain key: only the links change, never an event's contents. Then each row of the record
    that no event seals is sealed as it stands, by one event for each child, so the trail shows when and by whom.
    A broken chain is refused and nothing is written; a row that differs from its seal is never sealed again (it is
    left for `verify` to name).
    """
    from provision_ledger.audit.chain import authorities_to_check

    results = []
    for la_id in authorities_to_check():
        with transaction.atomic():
            results.append(_seal_authority(la_id, by))
    return results


def _seal_authority(la_id: int, by: User) -> SealResult:
    from provision_ledger.audit.chain import GENESIS, digest, unkeyed_digest

    ChainHead.objects.get_or_create(local_authority_id=la_id)
    head = ChainHead.objects.select_for_update().get(local_authority_id=la_id)
    sealed_keys: set[str] = set()
    relink: list[AuditEvent] = []
    seq, prev, old_prev = 0, GENESIS, GENESIS
    for event in AuditEvent.objects.filter(local_authority_id=la_id).order_by("seq").iterator(chunk_size=5000):
        sealed_keys.update(event.seals or {})
        if event.seq != seq + 1 or event.prev_hash != old_prev:
            raise ValidationError(f"Event {seq + 1} of authority {la_id} is missing or out of place: nothing sealed.")
        old_prev = event.hash
        keyed = digest(event) == event.hash
        if not keyed and (event.seals or unkeyed_digest(event) != event.hash):
            raise ValidationError(f"Event {event.seq} of authority {la_id} has been altered: nothing sealed.")
        if relink or not keyed:  # an event after one linked again follows a new hash, so it is linked again too
            event.prev_hash = prev
            event.hash = digest(event)
            relink.append(event)
        seq, prev = event.seq, event.hash
    if (head.seq, head.hash) != (seq, old_prev):
        raise ValidationError(f"The chain of authority {la_id} ends at event {seq}; its head says {head.seq}.")
    AuditEvent.objects.bulk_update(relink, ["prev_hash", "hash"], batch_size=2000)
    head.seq, head.hash = seq, prev
    head.save(update_fields=["seq", "hash"])
    by_child: dict[int, list[models.Model]] = {}
    for _table, row in sealing.iter_rows(la_id):
        if sealing.key_of(row) not in sealed_keys:
            by_child.setdefault(_child_id(row), []).append(row)
    children = Child.objects.in_bulk(list(by_child))
    for child_id, rows in by_child.items():
        plural = "row" if len(rows) == 1 else "rows"
        record_event(
            actor=by,
            child=children[child_id],
            action=AuditEvent.Action.SEAL,
            obj=children[child_id],
            summary=f"The record as it stood was sealed: {len(rows)} {plural} recorded before sealing existed",
            seals=rows,
        )
    return SealResult(la_id, len(relink), sum(len(rows) for rows in by_child.values()), len(by_child))


def _child_id(row: models.Model) -> int:
    """The child a row of the record belongs to: directly, or through its line, concern or allocation."""
    for path in ("child_id", "line.plan.child_id", "concern.child_id", "allocation.child_id", "plan.child_id"):
        value: Any = row
        try:
            for part in path.split("."):
                value = getattr(value, part)
        except AttributeError:
            continue
        return int(value)
    raise AssertionError(f"{row!r} belongs to no child")
