"""The tamper-evident record: each audit event carries the hash of the one before it, per local authority.

An event's hash covers its own fields and the previous event's hash, so changing, removing or reordering any
recorded event breaks every link after it. `verify` walks each chain and also checks that each session and plan
still holds the values its latest event recorded, so a row edited directly in the database is named.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from provision_ledger.audit.models import AuditEvent, ChainHead
from provision_ledger.core.bulk import insert_rows

GENESIS = "0" * 64


def normalised(value: Any) -> Any:
    """A value as the JSON column stores it, so the hash is the same before saving and after reading back."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def digest(event: AuditEvent) -> str:
    fields = {
        "seq": event.seq,
        "local_authority": event.local_authority_id,
        "child": event.child_id,
        "actor": event.actor_id,
        "at": event.at.astimezone(UTC).isoformat(),  # the same instant reads the same, whatever its zone
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "summary": event.summary,
        "before": normalised(event.before),
        "after": normalised(event.after),
        "reason": event.reason,
        "prev_hash": event.prev_hash,
    }
    return hashlib.sha256(json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


json_string = json.encoder.encode_basestring_ascii  # type: ignore[attr-defined]  # how json.dumps writes a string


def create_digest(
    *,
    seq: int,
    local_authority_id: int,
    child_id: int,
    actor_id: int,
    at: datetime,
    object_type: str,
    object_id: int,
    summary: str,
    after_json: str,
    prev_hash: str,
) -> str:
    """`digest` of a CREATE event whose `after` is already JSON text (sorted keys, no spaces, as `digest` writes it).

    The same text `digest` hashes, written out directly, so a bulk import encodes each row's `after` once and stores
    that same text. `verify` recomputes every hash with `digest`, so the two cannot drift unseen.
    """
    text = (
        f'{{"action":"create","actor":{actor_id},"after":{after_json},"at":{json_string(at.astimezone(UTC).isoformat())},'
        f'"before":null,"child":{child_id},"local_authority":{local_authority_id},"object_id":{object_id},'
        f'"object_type":{json_string(object_type)},"prev_hash":{json_string(prev_hash)},"reason":"","seq":{seq},'
        f'"summary":{json_string(summary)}}}'
    )
    return hashlib.sha256(text.encode()).hexdigest()


def link(events: list[AuditEvent], local_authority_id: int) -> None:
    """Give unsaved events their place in the authority's chain, in order. Call inside the saving transaction."""
    ChainHead.objects.get_or_create(local_authority_id=local_authority_id)
    # The row lock serialises appends per authority on PostgreSQL; SQLite's immediate transactions already do.
    head = ChainHead.objects.select_for_update().get(local_authority_id=local_authority_id)
    for event in events:
        event.before, event.after = normalised(event.before), normalised(event.after)
        event.seq, event.prev_hash = head.seq + 1, head.hash
        event.hash = digest(event)
        head.seq, head.hash = event.seq, event.hash
    head.save(update_fields=["seq", "hash"])


# (child, actor, at, object type, object id, summary, after): after as a dict, or as its JSON text already
CreatedEvent = tuple[int, int, datetime, str, int, str, "dict[str, Any] | str"]

_EVENT_COLUMNS = (
    "local_authority_id",
    "child_id",
    "actor_id",
    "at",
    "action",
    "object_type",
    "object_id",
    "summary",
    "after",
    "reason",
    "seq",
    "prev_hash",
    "hash",
)


def append_created(local_authority_id: int, events: Sequence[CreatedEvent]) -> None:
    """Append CREATE events to the authority's chain in bulk, inside the caller's transaction.

    Each hash is `digest` of the event, worked out from the same fields by `create_digest` without building a model
    instance per row, with each `after` encoded once: the text hashed is the text the JSON column stores.
    """
    ChainHead.objects.get_or_create(local_authority_id=local_authority_id)
    head = ChainHead.objects.select_for_update().get(local_authority_id=local_authority_id)
    seq, prev = head.seq, head.hash
    rows = []
    for child_id, actor_id, at, object_type, object_id, summary, after in events:
        seq += 1
        if isinstance(after, str):
            after_json = after
        else:
            after = json.loads(json.dumps(after, cls=DjangoJSONEncoder))
            after_json = json.dumps(after, sort_keys=True, separators=(",", ":"))
        hashed = create_digest(
            seq=seq, local_authority_id=local_authority_id, child_id=child_id, actor_id=actor_id, at=at,
            object_type=object_type, object_id=object_id, summary=summary, after_json=after_json, prev_hash=prev,
        )  # fmt: skip
        rows.append((local_authority_id, child_id, actor_id, at, "create", object_type, object_id, summary,
                     after_json, "", seq, prev, hashed))  # fmt: skip
        prev = hashed
    insert_rows(AuditEvent, _EVENT_COLUMNS, rows)
    head.seq, head.hash = seq, prev
    head.save(update_fields=["seq", "hash"])


def seal(local_authority_id: int) -> tuple[int, str]:
    """The authority's latest event number and hash: the state an export or letter was built from."""
    head = ChainHead.objects.filter(local_authority_id=local_authority_id).first()
    return (head.seq, head.hash) if head else (0, GENESIS)


@dataclass(frozen=True)
class Problem:
    local_authority_id: int
    message: str


def _chain_problems(local_authority_id: int) -> Iterator[Problem]:
    expected_seq, prev = 1, GENESIS
    events = AuditEvent.objects.filter(local_authority_id=local_authority_id).order_by("seq")
    for event in events.iterator(chunk_size=5000):
        if event.seq != expected_seq:
            yield Problem(local_authority_id, f"Event {expected_seq} is missing: the chain jumps to {event.seq}.")
            return
        if event.prev_hash != prev:
            yield Problem(local_authority_id, f"Event {event.seq} does not follow event {event.seq - 1}: broken link.")
            return
        if digest(event) != event.hash:
            yield Problem(
                local_authority_id,
                f"Event {event.seq} ({event.summary}) has been altered: its contents no longer match its hash.",
            )
            return
        expected_seq, prev = event.seq + 1, event.hash
    head = ChainHead.objects.filter(local_authority_id=local_authority_id).first()
    if head is not None and (head.seq, head.hash) != (expected_seq - 1, prev):
        yield Problem(local_authority_id, f"The chain ends at event {expected_seq - 1}; the head says {head.seq}.")


def _state_problems(local_authority_id: int) -> Iterator[Problem]:
    from provision_ledger.audit.actions import snapshot  # actions import this module
    from provision_ledger.delivery.models import Session
    from provision_ledger.plans.models import Plan

    for model, label in ((Session, "session"), (Plan, "plan")):
        latest: dict[int, tuple[int, Any]] = {}
        recorded = (
            AuditEvent.objects.filter(local_authority_id=local_authority_id, object_type=label, after__isnull=False)
            .order_by("seq")
            .values_list("object_id", "seq", "after")
        )
        for object_id, seq, after in recorded.iterator(chunk_size=5000):
            latest[object_id] = (seq, after)
        for row in model.objects.filter(local_authority_id=local_authority_id).order_by("pk").iterator(chunk_size=2000):
            if row.pk not in latest:
                yield Problem(local_authority_id, f"{label.capitalize()} {row.pk} has no recorded event.")
                continue
            last_seq, after = latest[row.pk]
            now = normalised(snapshot(row))
            changed = sorted(k for k in now if now.get(k) != after.get(k))
            if changed:
                detail = ", ".join(f"{k} {after.get(k)!r} → {now.get(k)!r}" for k in changed)
                what = f"{label.capitalize()} {row.pk} ({row})"
                message = f"{what} differs from its last recorded event ({last_seq}): {detail}."
                yield Problem(local_authority_id, message)


def _totals_problems(local_authority_id: int) -> Iterator[Problem]:
    from provision_ledger.delivery import totals  # derived sums, checked beside the record they are derived from

    for message in totals.problems(local_authority_id):
        yield Problem(local_authority_id, message)


def verify(local_authority_id: int | None = None) -> list[Problem]:
    """Every problem found: the first broken link of each chain, each row that differs from its record, and each
    line's monthly sums that differ from its sessions."""
    ids = (
        [local_authority_id]
        if local_authority_id
        else list(ChainHead.objects.values_list("local_authority_id", flat=True))
    )
    problems: list[Problem] = []
    with transaction.atomic():  # one consistent view of the record
        for la_id in ids:
            problems += _chain_problems(la_id)
            problems += _state_problems(la_id)
            problems += _totals_problems(la_id)
    return problems
