"""Signed checkpoints kept away from the database: a rewrite after one is named even by someone who holds the
database and the chain key."""

from __future__ import annotations

import io
import json
import stat
from datetime import date
from io import StringIO
from pathlib import Path

import pypdf
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from provision_ledger.audit import checkpoints, sealing
from provision_ledger.audit.chain import digest, seal, verify
from provision_ledger.audit.models import AuditEvent, ChainHead
from provision_ledger.delivery.models import Session
from tests.factories import make_line, make_plan, make_session

pytestmark = pytest.mark.django_db

KEY = "the record's chain key, kept outside the database"


@pytest.fixture(autouse=True)
def chain_key(settings):
    settings.LEDGER_CHAIN_KEY = KEY


@pytest.fixture
def sessions(senco, child):
    line = make_line(make_plan(child, senco), senco)
    return [make_session(line, senco, date(2025, 9, day)) for day in (10, 11, 12, 15)]


@pytest.fixture
def signing_key(tmp_path) -> Path:
    path = tmp_path / "signing.pem"
    call_command("checkpoint", "--new-key", str(path), stdout=StringIO())
    return path


def _checkpoint(signing_key: Path, out: Path) -> Path:
    printed, before = StringIO(), set(out.glob("*.json"))
    call_command("checkpoint", "--key", str(signing_key), "--out", str(out), stdout=printed)
    (path,) = set(out.glob("*.json")) - before
    assert printed.getvalue() == f"Checkpoint written to {path}. Keep a copy away from the database and its server.\n"
    return path


def _verify(*args: str) -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify", *args, stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, f"{err.getvalue()}{error}"
    return 0, out.getvalue()


def _rewrite_session_with_the_key(session: Session) -> AuditEvent:
    """What someone holding the database and the chain key can do: edit a session, make its event and seal agree,
    and recompute every later hash. `verify` alone then finds nothing."""
    Session.objects.filter(pk=session.pk).update(delivered_minutes=5, status="part_delivered", reason="other")
    event = AuditEvent.objects.filter(object_type="session", object_id=session.pk).latest("seq")
    row = Session.objects.get(pk=session.pk)
    after = {**event.after, "delivered_minutes": 5, "status": "part_delivered", "reason": "other"}
    AuditEvent.objects.filter(pk=event.pk).update(after=after, seals={sealing.key_of(row): sealing.row_hash(row)})
    prev = AuditEvent.objects.get(local_authority_id=event.local_authority_id, seq=event.seq - 1).hash
    for later in AuditEvent.objects.filter(local_authority_id=event.local_authority_id, seq__gte=event.seq).order_by(
        "seq"
    ):
        later.prev_hash = prev
        later.hash = prev = digest(later)
        AuditEvent.objects.filter(pk=later.pk).update(prev_hash=later.prev_hash, hash=later.hash)
    ChainHead.objects.filter(local_authority_id=event.local_authority_id).update(hash=prev)
    call_command("refresh-totals", stdout=StringIO())
    assert verify() == []
    return AuditEvent.objects.get(pk=event.pk)


def test_a_record_that_only_grew_extends_its_checkpoints(sessions, senco, signing_key, tmp_path):
    _checkpoint(signing_key, tmp_path / "kept")
    make_session(sessions[0].line, senco, date(2025, 9, 16))
    _checkpoint(signing_key, tmp_path / "kept")
    signer = checkpoints.fingerprint(checkpoints._public_text(checkpoints.load_key(signing_key).public_key()))
    assert _verify("--checkpoints", str(tmp_path / "kept")) == (
        0,
        f"The record is intact: {ChainHead.objects.get().seq} events checked.\n"
        f"It extends every checkpoint given: 2 signed (keys {signer}) and 0 record references.\n",
    )


def test_a_rewrite_with_the_chain_key_after_a_checkpoint_is_named(sessions, signing_key, tmp_path):
    _checkpoint(signing_key, tmp_path / "kept")
    event = _rewrite_session_with_the_key(sessions[1])
    assert _verify()[0] == 0  # the chain key alone cannot tell
    status, printed = _verify("--checkpoints", str(tmp_path / "kept"))
    assert status == 1
    assert (
        f"The chain no longer extends checkpoint {_reference(tmp_path / 'kept')}: event {event.seq} ({event.summary}, "
        f"sealing session {sessions[1].pk}) is not the event it signed. The record was rewritten after that "
        "checkpoint.\n"
    ) in printed


def _reference(directory: Path) -> str:
    (path,) = directory.glob("*.json")
    checkpoint = json.loads(path.read_text())
    made = checkpoint["payload"]["made_at"][:16].replace("T", " ")
    return f"{checkpoints.reference_of(checkpoint)} of {made} UTC"


def test_a_long_chain_places_a_rewrite_between_the_points_it_signed(sessions, signing_key, tmp_path, monkeypatch):
    monkeypatch.setattr(checkpoints, "SIGNED_POINTS", 2)  # 6 events: points at 3 and 6
    _checkpoint(signing_key, tmp_path / "kept")
    event = _rewrite_session_with_the_key(sessions[0])  # event 3
    assert event.seq == 3
    sessions_rewritten = _rewrite_session_with_the_key(sessions[2])  # event 5: the point at 6 no longer matches
    _, printed = _verify("--checkpoints", str(tmp_path / "kept"))
    assert (
        "the rewrite began at one of events 1 to 3: the first signed event that differs is "
        f"3 ({event.summary}, sealing session {sessions[0].pk})."
    ) in printed
    assert sessions_rewritten.seq == 5


def test_truncating_the_chain_after_a_checkpoint_is_named(sessions, signing_key, tmp_path):
    _checkpoint(signing_key, tmp_path / "kept")
    head = ChainHead.objects.get()
    last = AuditEvent.objects.get(seq=head.seq)
    last.delete()
    Session.objects.filter(pk=last.object_id).delete()
    previous = AuditEvent.objects.get(seq=head.seq - 1)
    ChainHead.objects.update(seq=previous.seq, hash=previous.hash)
    call_command("refresh-totals", stdout=StringIO())
    assert verify() == []  # the rest of the record is consistent
    status, printed = _verify("--checkpoints", str(tmp_path / "kept"))
    assert status == 1
    reference = _reference(tmp_path / "kept")
    assert f"The chain no longer extends checkpoint {reference}: event {head.seq}, which it signed, is gone." in printed


def test_a_checkpoint_altered_after_signing_is_not_believed(sessions, signing_key, tmp_path):
    path = _checkpoint(signing_key, tmp_path / "kept")
    checkpoint = json.loads(path.read_text())
    checkpoint["payload"]["heads"][0]["seq"] -= 1
    path.write_text(json.dumps(checkpoint))
    assert _verify("--checkpoints", str(tmp_path / "kept")) == (
        1,
        f"Checkpoint {path.name} does not match its signature: it was altered after signing.\n"
        "The record has been altered: 1 problem(s) found.",
    )


def test_only_checkpoints_signed_by_a_trusted_key_count(sessions, signing_key, tmp_path):
    other = tmp_path / "other.pem"
    call_command("checkpoint", "--new-key", str(other), stdout=StringIO())
    path = _checkpoint(other, tmp_path / "kept")
    trusted = checkpoints.fingerprint(checkpoints._public_text(checkpoints.load_key(signing_key).public_key()))
    signer = checkpoints.fingerprint(checkpoints._public_text(checkpoints.load_key(other).public_key()))
    status, printed = _verify("--checkpoints", str(tmp_path / "kept"), "--trust", trusted)
    assert status == 1
    assert f"Checkpoint {path.name} is signed by key {signer}, which is not a key trusted here." in printed


def test_a_damaged_checkpoint_file_is_named_not_a_crash(sessions, tmp_path):
    (tmp_path / "kept").mkdir()
    (tmp_path / "kept" / "checkpoint-x.json").write_text("{not json")
    assert _verify("--checkpoints", str(tmp_path / "kept"))[1].startswith(
        "Checkpoint checkpoint-x.json cannot be read as a checkpoint: it was damaged or is not one.\n"
    )


def test_a_new_signing_key_is_private_to_its_owner_and_never_overwritten(tmp_path):
    path = tmp_path / "signing.pem"
    out = StringIO()
    call_command("checkpoint", "--new-key", str(path), stdout=out)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "Its public key's fingerprint is " in out.getvalue()
    with pytest.raises(CommandError, match="already exists: a signing key is never overwritten"):
        call_command("checkpoint", "--new-key", str(path), stdout=StringIO())


def test_the_statement_carries_a_record_reference_that_verify_checks(client, sessions, senco, child, tmp_path):
    client.force_login(senco)
    seq, hashed = seal(child.local_authority_id)
    pdf = client.get(reverse("record-pdf", kwargs={"child_id": child.pk})).content
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert f"Record reference {seq}-{hashed[:20]}" in " ".join(text.split())
    assert _verify("--reference", f"{seq}-{hashed}")[0] == 0
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "from-a-letter.txt").write_text(f"Record reference {seq}-{hashed}\n")
    assert _verify("--checkpoints", str(tmp_path / "refs"))[0] == 0
    _rewrite_session_with_the_key(sessions[1])
    status, printed = _verify("--checkpoints", str(tmp_path / "refs"))
    assert status == 1
    gone = f"Record reference {seq}-{hashed[:12]}… is not in the record: no chain's event {seq} has that hash."
    assert gone in printed
