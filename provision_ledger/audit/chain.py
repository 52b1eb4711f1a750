"""The tamper-evident record: each audit event carries the hash of the one before it, per local authority.

An event's hash is an HMAC, with a key kept outside the database, of its own fields, the seals of the rows it wrote
(audit/sealing.py) and the previous event's hash: changing, removing or reordering any recorded event breaks every
link after it, and nobody without the key can recompute them. `verify` walks each chain, holds every row of the
record to its latest seal, and finds an authority whose chain head has gone. Signed checkpoints (audit/checkpoints.py)
anchor the heads outside the database, against someone who holds the database and the key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from provision_ledger.audit import sealing
from provision_ledger.audit.models import AuditEvent, ChainHead
from provision_ledger.kit.bulk import insert_rows

GENESIS = "0" * 64


def normalised(value: Any) -> Any:
    """A value as the JSON column stores it, so the hash is the same before saving and after reading back."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _fields(event: AuditEvent) -> dict[str, Any]:
    return {
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


def digest(event: AuditEvent, key: bytes | None = None) -> str:
    """The event's link: an HMAC of its fields, its seals and the hash before it, with the chain key."""
    fields = _fields(event) | {"seals": event.seals or {}}
    return sealing.keyed_hash(json.dumps(fields, sort_keys=True, separators=(",", ":")), key)


def unkeyed_digest(event: AuditEvent) -> str:
    """The plain SHA-256 link that events had before the chain was keyed, read only to upgrade (`seal-record`)."""
    return hashlib.sha256(json.dumps(_fields(event), sort_keys=True, separators=(",", ":")).encode()).hexdigest()


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
    seals_json: str = "{}",
    hasher: Callable[[str], str] | None = None,
) -> str:
    """`digest` of a CREATE event whose `after` and `seals` are already JSON text (sorted keys, no spaces, as `digest`
    writes them).

    The same text `digest` hashes, written out directly, so a bulk import encodes each row's `after` once and stores
    that same text. `verify` recomputes every hash with `digest`, so the two cannot drift unseen. `hasher` is
    `sealing.keyed_hasher()` when many are linked at once.
    """
    text = (
        f'{{"action":"create","actor":{actor_id},"after":{after_json},"at":{json_string(at.astimezone(UTC).isoformat())},'
        f'"before":null,"child":{child_id},"local_authority":{local_authority_id},"object_id":{object_id},'
        f'"object_type":{json_string(object_type)},"prev_hash":{json_string(prev_hash)},"reason":"",'
        f'"seals":{seals_json},"seq":{seq},"summary":{json_string(summary)}}}'
    )
    return (hasher or sealing.keyed_hash)(text)


def seals_json(seals: dict[str, str]) -> str:
    """An event's `seals` as the JSON text `digest` hashes and the column stores."""
    return json.dumps(seals, sort_keys=True, separators=(",", ":"))


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


# child, actor, at, object type, object id, summary, after (a dict, or its JSON text), seals as JSON text
CreatedEvent = tuple[int, int, datetime, str, int, str, "dict[str, Any] | str", str]

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
    "seals",
    "seq",
    "prev_hash",
    "hash",
    "address",
)


def append_created(local_authority_id: int, events: Sequence[CreatedEvent], *, address: str | None = None) -> None:
    """Append CREATE events to the authority's chain in bulk, inside the caller's transaction.

    Each hash is `digest` of the event, worked out from the same fields by `create_digest` without building a model
    instance per row, with each `after` encoded once: the text hashed is the text the JSON column stores.
    `address`: the client address of the request that made them (outside the hash, as for every event); none for
    an import.
    """
    ChainHead.objects.get_or_create(local_authority_id=local_authority_id)
    head = ChainHead.objects.select_for_update().get(local_authority_id=local_authority_id)
    seq, prev = head.seq, head.hash
    rows = []
    hasher = sealing.keyed_hasher()
    for child_id, actor_id, at, object_type, object_id, summary, after, seals_json in events:
        seq += 1
        if isinstance(after, str):
            after_json = after
        else:
            after = json.loads(json.dumps(after, cls=DjangoJSONEncoder))
            after_json = json.dumps(after, sort_keys=True, separators=(",", ":"))
        hashed = create_digest(
            seq=seq, local_authority_id=local_authority_id, child_id=child_id, actor_id=actor_id, at=at,
            object_type=object_type, object_id=object_id, summary=summary, after_json=after_json, prev_hash=prev,
            seals_json=seals_json, hasher=hasher,
        )  # fmt: skip
        rows.append((local_authority_id, child_id, actor_id, at, "create", object_type, object_id, summary,
                     after_json, "", seals_json, seq, prev, hashed, address))  # fmt: skip
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


# The latest seal of each row a chain has sealed: by object type, the row's id → (event seq, row hash).
Seals = dict[str, dict[int, tuple[int, str]]]


def _chain_problems(local_authority_id: int, seals: Seals, key: bytes) -> Iterator[Problem]:
    """The first broken link of the authority's chain. Every event's seals are gathered into `seals`, past a break
    too, so each row is still held to the last seal recorded for it."""
    expected_seq, prev, broken = 1, GENESIS, False
    events = AuditEvent.objects.filter(local_authority_id=local_authority_id).order_by("seq")
    for event in events.iterator(chunk_size=5000):
        for sealed_key, row_hash in (event.seals or {}).items():
            label, _, object_id = sealed_key.partition(":")
            seals.setdefault(label, {})[int(object_id)] = (event.seq, row_hash)
        if broken:
            continue
        broken = True
        if event.seq != expected_seq:
            yield Problem(local_authority_id, f"Event {expected_seq} is missing: the chain jumps to {event.seq}.")
        elif event.prev_hash != prev:
            yield Problem(local_authority_id, f"Event {event.seq} does not follow event {event.seq - 1}: broken link.")
        elif digest(event, key) != event.hash:
            yield Problem(local_authority_id, _altered(event, key))
        else:
            broken = False
            expected_seq, prev = event.seq + 1, event.hash
    if broken:
        return
    head = ChainHead.objects.filter(local_authority_id=local_authority_id).first()
    if head is None:
        if expected_seq > 1 or _has_record(local_authority_id):
            yield Problem(
                local_authority_id,
                f"The authority's chain head is missing: its record holds {expected_seq - 1} events and no head. "
                "Removing the head cannot switch the check off; it is itself a sign of tampering.",
            )
    elif (head.seq, head.hash) != (expected_seq - 1, prev):
        yield Problem(local_authority_id, f"The chain ends at event {expected_seq - 1}; the head says {head.seq}.")


def _altered(event: AuditEvent, key: bytes) -> str:
    if key != sealing.DEVELOPMENT_KEY and digest(event, sealing.DEVELOPMENT_KEY) == event.hash:
        return f"Event {event.seq} was linked with the public development key, not this record's chain key."
    if unkeyed_digest(event) == event.hash:
        if event.seq == 1:
            return "This chain was written before it was keyed and sealed: run provision-ledger seal-record once."
        return f"Event {event.seq} ({event.summary}) carries an unkeyed hash where a keyed one belongs: altered."
    return f"Event {event.seq} ({event.summary}) has been altered: its contents no longer match its hash."


def _has_record(local_authority_id: int) -> bool:
    return AuditEvent.objects.filter(local_authority_id=local_authority_id).exists() or any(
        table.rows(local_authority_id).exists() for table in sealing.sealed_tables()
    )


def _state_problems(local_authority_id: int, seals: Seals, key: bytes) -> Iterator[Problem]:
    """Every row of the record that differs from its latest seal or has none, and every sealed row now gone."""
    for table in sealing.sealed_tables():
        label, name = table.label, str(table.model._meta.verbose_name).capitalize()
        latest = seals.get(label, {})
        seen = set()
        for row in table.rows(local_authority_id).iterator(chunk_size=2000):
            seen.add(row.pk)
            if row.pk not in latest:
                yield Problem(local_authority_id, f"{name} {row.pk} ({row}) has no recorded event.")
                continue
            last_seq, row_hash = latest[row.pk]
            if sealing.row_hash(row, key) != row_hash:
                message = f"{name} {row.pk} ({row}) differs from its last recorded event ({last_seq})"
                yield Problem(local_authority_id, f"{message}: {_differences(row, local_authority_id, last_seq)}.")
        for object_id in sorted(set(latest) - seen):
            last_seq = latest[object_id][0]
            yield Problem(
                local_authority_id,
                f"{name} {object_id}, sealed by event {last_seq}, is no longer in the record: it has been deleted.",
            )


def _differences(row: Any, local_authority_id: int, seq: int) -> str:
    """The fields that differ from the event's `after`, where it recorded the row's values; else a plain statement."""
    from provision_ledger.audit.actions import snapshot  # actions import this module

    event = AuditEvent.objects.filter(local_authority_id=local_authority_id, seq=seq).first()
    after = (event.after if event else None) or {}
    now = normalised(snapshot(row, exclude=tuple(f.name for f in row._meta.many_to_many)))
    if after.get("id") == row.pk and set(after) <= set(now):
        changed = sorted(k for k in after if now.get(k) != after.get(k))
        if changed:
            return ", ".join(f"{k} {after.get(k)!r} → {now.get(k)!r}" for k in changed)
    return "its stored values no longer match the seal that event recorded"


def _totals_problems(local_authority_id: int) -> Iterator[Problem]:
    from provision_ledger.delivery import totals  # derived sums, checked beside the record they are derived from

    for message in totals.problems(local_authority_id):
        yield Problem(local_authority_id, message)


def authorities_to_check() -> list[int]:
    """Every authority with a head, an event or any row of the record: a head removed does not hide its chain."""
    from provision_ledger.people.models import LocalAuthority

    ids = set(ChainHead.objects.values_list("local_authority_id", flat=True))
    ids |= set(AuditEvent.objects.values_list("local_authority_id", flat=True).distinct())
    for la_id in LocalAuthority.objects.exclude(pk__in=ids).values_list("pk", flat=True):
        if _has_record(la_id):
            ids.add(la_id)
    return sorted(ids)


def verify(local_authority_id: int | None = None) -> list[Problem]:
    """Every problem found: the first broken link of each chain, a missing head, each row that differs from its
    latest seal, has none or has gone, and each line's monthly sums that differ from its sessions."""
    key = sealing.chain_key()
    problems: list[Problem] = []
    with transaction.atomic():  # one consistent view of the record
        for la_id in [local_authority_id] if local_authority_id else authorities_to_check():
            seals: Seals = {}
            problems += _chain_problems(la_id, seals, key)
            problems += _state_problems(la_id, seals, key)
            problems += _totals_problems(la_id)
    return problems
