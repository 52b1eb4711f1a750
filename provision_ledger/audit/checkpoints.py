"""Signed checkpoints: the heads of every chain, signed with an Ed25519 key and kept away from the database.

The chain key stops someone who can write to the database from recomputing the chain, but not someone who also holds
the key. A checkpoint answers that, as a Certificate Transparency log's signed tree heads do: once a checkpoint has
left the building (to the authority, the school's data protection officer, a family), the record can only grow from
it. `verify --checkpoints DIR` proves the present chain extends every checkpoint in DIR, so a rewrite of anything
before a checkpoint is found even by someone who holds the database and both keys.

A hash chain is its own consistency proof: event n's hash covers every event before it, so a chain whose event n
still has the hash a checkpoint signed, and whose links all verify, contains that checkpoint's chain unchanged. A
checkpoint also signs the hashes at evenly spaced events (every event for a record of up to 4,096 events), so a
rewrite is placed: the first signed event that no longer matches names where it began, and what it sealed.

Every statement, pack and letter carries a record reference, "event-hash" of its authority's chain as it stood: an
unsigned checkpoint its holder keeps, checked the same way (`verify --reference`, or a .txt file in DIR).
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from provision_ledger.audit.chain import Problem
from provision_ledger.audit.models import AuditEvent, ChainHead
from provision_ledger.people.models import LocalAuthority

FORMAT = "provision-ledger checkpoint 1"
SIGNED_POINTS = 4096  # hashes signed per authority besides the head: bounds the file, however long the chain
PREFIX = 32  # hex characters kept of each signed point's hash (128 bits); the head's is kept whole
REFERENCE = re.compile(r"\b(\d+)-([0-9a-f]{64})\b")


class CheckpointError(Exception):
    """A key or checkpoint file that cannot be used, in words for the person running the command."""


def new_key(path: Path) -> str:
    """Write a new Ed25519 signing key, readable by its owner only; returns its public key's fingerprint."""
    if path.exists():
        raise CheckpointError(f"{path} already exists: a signing key is never overwritten.")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(pem)
    return fingerprint(_public_text(key.public_key()))


def load_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as error:
        raise CheckpointError(f"The signing key {path} cannot be read: {error.strerror}.") from None
    except ValueError:
        raise CheckpointError(f"{path} is not a signing key (a PEM Ed25519 private key).") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(f"{path} is not an Ed25519 key.")
    return key


def _public_text(key: Ed25519PublicKey) -> str:
    return base64.b64encode(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()


def fingerprint(public_key: str) -> str:
    """A short name for a public key, to compare by eye with the one the checkpoint's keeper was given."""
    return hashlib.sha256(public_key.encode()).hexdigest()[:16]


def _canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def _points(head_seq: int) -> list[int]:
    step = max(1, math.ceil(head_seq / SIGNED_POINTS))
    return [*range(step, head_seq, step), head_seq] if head_seq else []


def make(key: Ed25519PrivateKey, now: datetime | None = None) -> dict[str, Any]:
    """A signed checkpoint of every authority's chain as it stands."""
    made_at = (now or datetime.now(UTC)).astimezone(UTC)
    heads = []
    for head in ChainHead.objects.select_related("local_authority").order_by("local_authority__code"):
        points = _points(head.seq)
        hashes = dict(
            AuditEvent.objects.filter(local_authority_id=head.local_authority_id, seq__in=points).values_list(
                "seq", "hash"
            )
        )
        heads.append(
            {
                "authority": head.local_authority.code,
                "name": head.local_authority.name,
                "seq": head.seq,
                "hash": head.hash,
                "points": [[seq, hashes.get(seq, "")[:PREFIX]] for seq in points],
            }
        )
    payload = {"format": FORMAT, "made_at": made_at.isoformat(), "heads": heads}
    return {
        "payload": payload,
        "public_key": _public_text(key.public_key()),
        "signature": base64.b64encode(key.sign(_canonical(payload))).decode(),
    }


def reference_of(checkpoint: dict[str, Any]) -> str:
    """The checkpoint's own reference: a hash of what it signs."""
    return hashlib.sha256(_canonical(checkpoint["payload"])).hexdigest()[:16]


def write(key: Ed25519PrivateKey, directory: Path, now: datetime | None = None) -> Path:
    checkpoint = make(key, now)
    made_at = datetime.fromisoformat(checkpoint["payload"]["made_at"])
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"checkpoint-{made_at:%Y%m%dT%H%M%SZ}-{reference_of(checkpoint)}.json"
    path.write_text(json.dumps(checkpoint, indent=1, sort_keys=True) + "\n")
    return path


def reference(seal: tuple[int, str]) -> str:
    """A record reference, as statements and letters print it: the event number and hash of the chain's head."""
    return f"{seal[0]}-{seal[1]}"


@dataclass(frozen=True)
class Checked:
    checkpoints: int
    references: int
    keys: frozenset[str]  # fingerprints of the keys that signed them


def check(
    directory: Path | None, references: list[str], trusted: set[str] | None = None
) -> tuple[Checked, list[Problem]]:
    """Every way the present chain fails to extend a checkpoint in `directory` or a record reference given.

    `trusted`: fingerprints of the only keys whose checkpoints count; others are reported, not believed."""
    problems: list[Problem] = []
    checkpoints, references = 0, list(references)
    keys: set[str] = set()
    if directory and not directory.is_dir():
        raise CheckpointError(f"{directory} is not a directory of checkpoints.")
    for path in sorted(directory.iterdir()) if directory else []:
        if path.suffix == ".txt":  # record references copied from statements and letters, one or more a file
            copied = REFERENCE.findall(path.read_text(errors="replace"))
            references += [f"{seq}-{digest}" for seq, digest in copied]
            continue
        if path.suffix != ".json":
            continue
        checkpoints += 1
        found = _check_file(path, trusted)
        if isinstance(found, str):
            keys.add(found)
        else:
            problems += found
    for text in references:
        problems += _check_reference(text)
    return Checked(checkpoints, len(references), frozenset(keys)), problems


def _check_file(path: Path, trusted: set[str] | None) -> str | list[Problem]:
    """The fingerprint of the key that signed a good checkpoint the chain extends; else the problems found."""
    try:
        checkpoint = json.loads(path.read_text())
        payload, public_key = checkpoint["payload"], checkpoint["public_key"]
        signature = base64.b64decode(checkpoint["signature"], validate=True)
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
        if payload.get("format") != FORMAT:
            raise ValueError
    except (OSError, ValueError, KeyError, TypeError):
        return [Problem(0, f"Checkpoint {path.name} cannot be read as a checkpoint: it was damaged or is not one.")]
    try:
        key.verify(signature, _canonical(payload))
    except InvalidSignature:
        return [Problem(0, f"Checkpoint {path.name} does not match its signature: it was altered after signing.")]
    signer = fingerprint(public_key)
    if trusted is not None and signer not in trusted:
        return [Problem(0, f"Checkpoint {path.name} is signed by key {signer}, which is not a key trusted here.")]
    made = f"checkpoint {reference_of(checkpoint)} of {payload['made_at'][:16].replace('T', ' ')} UTC"
    problems = []
    authorities = dict(LocalAuthority.objects.values_list("code", "pk"))
    for head in payload["heads"]:
        if head["authority"] not in authorities:
            problems.append(Problem(0, f"{head['name']} is in {made} but no longer in the record."))
            continue
        problems += _extends(authorities[head["authority"]], head, made)
    return problems or signer


def _extends(la_id: int, head: dict[str, Any], made: str) -> list[Problem]:
    """Whether the authority's present chain still holds, at each point the checkpoint signed, the hash it signed."""
    signed = sorted((int(seq), str(prefix)) for seq, prefix in head["points"])
    present = dict(
        AuditEvent.objects.filter(local_authority_id=la_id, seq__in=[seq for seq, _ in signed]).values_list(
            "seq", "hash"
        )
    )
    last_good = 0
    for seq, prefix in signed:
        full = head["hash"] if seq == head["seq"] else prefix
        now = present.get(seq)
        if now is not None and now[: len(full)] == full:
            last_good = seq
            continue
        return [Problem(la_id, _rewritten(la_id, seq, last_good, made, now is None))]
    return []


def _rewritten(la_id: int, seq: int, last_good: int, made: str, missing: bool) -> str:
    if missing:
        return f"The chain no longer extends {made}: event {seq}, which it signed, is gone."
    event = AuditEvent.objects.get(local_authority_id=la_id, seq=seq)
    sealed = ", ".join(key.replace(":", " ") for key in sorted(event.seals or {})) or "no row"
    if seq == last_good + 1:
        where = f"event {seq} ({event.summary}, sealing {sealed}) is not the event it signed"
    else:
        where = (
            f"the rewrite began at one of events {last_good + 1} to {seq}: the first signed event that differs is "
            f"{seq} ({event.summary}, sealing {sealed})"
        )
    return f"The chain no longer extends {made}: {where}. The record was rewritten after that checkpoint."


def _check_reference(text: str) -> list[Problem]:
    """A record reference ("event-hash") from a statement or letter: some authority's chain holds that event."""
    match = REFERENCE.fullmatch(text.strip())
    if match is None:
        return [Problem(0, f"“{text[:80]}” is not a record reference (an event number, a dash and a 64-digit hash).")]
    seq, digest = int(match[1]), match[2]
    if AuditEvent.objects.filter(seq=seq, hash=digest).exists():
        return []
    return [
        Problem(
            0,
            f"Record reference {seq}-{digest[:12]}… is not in the record: no chain's event {seq} has that hash. "
            "The record was rewritten after it was given, or the reference was copied wrongly.",
        )
    ]
