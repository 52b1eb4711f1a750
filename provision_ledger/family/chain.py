"""The families' hash chain: every change to a family-kept record, linked as the authorities' chains are.

Family-kept records belong to no authority, so they are not in an authority's chain (whose head, checkpoints and
exports are the authority's); they share one chain of their own, built the same way: each event's hash is an HMAC
with the record's chain key (audit/sealing.py) of its fields and the hash before it. Events carry no content: each
row written is held by `digest`, a keyed hash of its values and its record's salt, which `verify` checks while the
record exists and which means nothing once the record, and its salt, are deleted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.forms.models import model_to_dict

from provision_ledger.audit import sealing
from provision_ledger.family.models import FamilyChainHead, FamilyChild, FamilyEvent
from provision_ledger.people.models import User

GENESIS = "0" * 64


def row_digest(row: models.Model, salt: str) -> str:
    values = model_to_dict(row) | {"id": row.pk}
    text = json.dumps(values, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"))
    return sealing.keyed_hash(f"{salt}:{row._meta.model_name}:{text}")


def _fields(event: FamilyEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "family_record": event.family_record_id,
        "actor": event.actor_id,
        "at": event.at.astimezone(UTC).isoformat(),
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "summary": event.summary,
        "digest": event.digest,
        "prev_hash": event.prev_hash,
    }


def event_hash(event: FamilyEvent, key: bytes | None = None) -> str:
    return sealing.keyed_hash(json.dumps(_fields(event), sort_keys=True, separators=(",", ":")), key)


def record(
    *,
    actor: User,
    family_child: FamilyChild,
    action: FamilyEvent.Action,
    obj: models.Model,
    summary: str,
    digest: bool = True,
) -> FamilyEvent:
    """Append one event, inside the caller's transaction. `summary` names the kind of change, never its content."""
    assert obj.pk is not None
    with transaction.atomic():
        head, _ = FamilyChainHead.objects.get_or_create(pk=1)
        head = FamilyChainHead.objects.select_for_update().get(pk=1)
        event = FamilyEvent(
            family_record_id=family_child.pk,
            actor=actor,
            action=action,
            object_type=obj._meta.model_name or "",
            object_id=obj.pk,
            summary=summary[:200],
            digest=row_digest(obj, family_child.salt) if digest else "",
            seq=head.seq + 1,
            prev_hash=head.hash,
        )
        event.hash = event_hash(event)
        event.save()
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


@dataclass(frozen=True)
class Problem:
    message: str


def verify() -> list[Problem]:
    """The first broken link of the families' chain, a head that does not match its end, and each row of a record
    still kept that differs from its latest digest."""
    key = sealing.chain_key()
    problems: list[Problem] = []
    latest: dict[tuple[str, int], tuple[int, str]] = {}
    with transaction.atomic():
        expected, prev = 1, GENESIS
        for event in FamilyEvent.objects.order_by("seq").iterator(chunk_size=5000):
            if event.digest:
                latest[(event.object_type, event.object_id)] = (event.family_record_id, event.digest)
            elif event.action == FamilyEvent.Action.DECLINE:  # a claim the parent declined is gone, as it should be
                latest.pop((event.object_type, event.object_id), None)
            if problems:
                continue
            if event.seq != expected:
                problems.append(Problem(f"Family event {expected} is missing: the chain jumps to {event.seq}."))
            elif event.prev_hash != prev or event_hash(event, key) != event.hash:
                problems.append(Problem(f"Family event {event.seq} ({event.summary}) has been altered."))
            expected, prev = event.seq + 1, event.hash
        head = FamilyChainHead.objects.filter(pk=1).first()
        state = (head.seq, head.hash) if head else (0, GENESIS)
        if not problems and state != (expected - 1, prev):
            problems.append(Problem(f"The families' chain ends at event {expected - 1}; its head says {state[0]}."))
        deleted = set(
            FamilyEvent.objects.filter(action=FamilyEvent.Action.DELETE).values_list("family_record_id", flat=True)
        )
        problems += _row_problems(latest, deleted)
    return problems


def _row_problems(latest: dict[tuple[str, int], tuple[int, str]], deleted: set[int]) -> list[Problem]:
    """Each kept row held to its latest digest; a row gone from a record that was never deleted is named too."""
    from provision_ledger.family.models import (
        EntryShare,
        FamilyEntry,
        FamilyLetter,
        FamilyLine,
        RecordsRequest,
        SchoolLink,
    )

    problems = []
    seen: set[tuple[str, int]] = set()
    salts = dict(FamilyChild.objects.values_list("pk", "salt"))
    for model in (FamilyChild, FamilyLine, FamilyEntry, RecordsRequest, SchoolLink, EntryShare, FamilyLetter):
        label = model._meta.model_name or ""
        for row in model._default_manager.order_by("pk").iterator(chunk_size=2000):
            record_id = row.pk if isinstance(row, FamilyChild) else _record_of(row)
            seen.add((label, row.pk))
            sealed = latest.get((label, row.pk))
            if sealed is None:
                problems.append(Problem(f"Family {label} {row.pk} has no recorded event."))
            elif row_digest(row, salts[record_id]) != sealed[1]:
                problems.append(Problem(f"Family {label} {row.pk} differs from its last recorded event."))
    for (label, object_id), (record_id, _) in sorted(latest.items()):
        if (label, object_id) not in seen and record_id not in deleted:
            problems.append(
                Problem(f"Family {label} {object_id} is no longer there, and its record was never deleted.")
            )
    return problems


def _record_of(row: models.Model) -> int:
    for path in ("family_child_id", "entry.family_child_id"):
        value: Any = row
        try:
            for part in path.split("."):
                value = getattr(value, part)
        except AttributeError:
            continue
        return int(value)
    raise AssertionError(f"{row!r} belongs to no family record")
