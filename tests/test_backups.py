"""Backups restore: after a round trip nothing is lost, on SQLite and on PostgreSQL alike. They are encrypted with a
key kept outside the database, owner-only on disk, and a file that is not an authentic backup restores nothing."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from provision_ledger.audit import backups
from provision_ledger.audit.chain import verify
from provision_ledger.audit.models import AuditEvent
from provision_ledger.delivery.models import Session
from provision_ledger.ops import scheduled
from provision_ledger.plans.models import Plan
from tests.factories import make_line, make_plan, make_session

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def key(tmp_path, settings, monkeypatch):
    path = tmp_path / "keys" / "backup.key"
    backups.new_key_file(path)
    settings.BACKUP_KEY_FILE = str(path)
    monkeypatch.setenv("BACKUP_KEY_FILE", str(path))  # for the restore test's child process
    return path


def _counts() -> tuple[int, int, int]:
    return Plan.objects.count(), Session.objects.count(), AuditEvent.objects.count()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def recorded(senco, child):
    line = make_line(make_plan(child, senco), senco)
    for day in (date(2025, 9, 10), date(2025, 9, 11), date(2025, 9, 12)):
        make_session(line, senco, day)
    return line


def test_backup_then_restore_brings_back_everything_and_the_chain_verifies(tmp_path, key, recorded):
    before = _counts()
    call_command("backup", tmp_path / "ledger.plbackup", stdout=StringIO())
    # Damage after the backup: a session is deleted outright, which verify would catch.
    Session.objects.filter(date=date(2025, 9, 12)).delete()
    assert _counts() != before
    call_command("restore", tmp_path / "ledger.plbackup", stdout=StringIO())
    assert _counts() == before == (1, 3, 5)
    assert verify() == []


def test_a_backup_is_encrypted_and_owner_only_in_an_owner_only_folder(tmp_path, key, recorded, child):
    path = tmp_path / "new-folder" / "ledger.plbackup"

    call_command("backup", path, stdout=StringIO())

    content = path.read_bytes()
    assert content.startswith(b"PROVISION-LEDGER-BACKUP 1\n")
    assert child.last_name.encode() not in content
    assert b"SQLite format 3" not in content
    assert b"PGDMP" not in content
    assert (_mode(path), _mode(path.parent), _mode(key)) == (0o600, 0o700, 0o600)
    assert not list(path.parent.glob("*.partial"))


def test_restoring_a_missing_file_says_so_and_changes_nothing(tmp_path, key, senco, child):
    make_plan(child, senco)
    with pytest.raises(CommandError, match="Restore failed: No backup at"):
        call_command("restore", tmp_path / "nothing-here.plbackup", stdout=StringIO())
    assert Plan.objects.count() == 1


def _refused(path: Path, match: str) -> None:
    before = _counts()
    with pytest.raises(CommandError, match=match):
        call_command("restore", path, stdout=StringIO())
    assert _counts() == before


def test_an_altered_backup_is_refused_and_nothing_is_restored(tmp_path, key, recorded):
    path = tmp_path / "ledger.plbackup"
    call_command("backup", path, stdout=StringIO())
    content = bytearray(path.read_bytes())
    content[-100] ^= 1
    path.write_bytes(bytes(content))
    Session.objects.filter(date=date(2025, 9, 12)).delete()

    _refused(path, "is not an authentic backup: it was altered or cut short")


def test_a_backup_cut_short_is_refused(tmp_path, key, recorded):
    path = tmp_path / "ledger.plbackup"
    call_command("backup", path, stdout=StringIO())
    path.write_bytes(path.read_bytes()[:-20])

    _refused(path, "is not an authentic backup")


def test_a_backup_with_its_header_changed_is_refused(tmp_path, key, recorded):
    path = tmp_path / "ledger.plbackup"
    call_command("backup", path, stdout=StringIO())
    path.write_bytes(path.read_bytes().replace(b'"made": "', b'"made": "1', 1))

    _refused(path, "is not an authentic backup")


def test_a_backup_made_with_another_key_is_refused(tmp_path, key, recorded, settings):
    path = tmp_path / "ledger.plbackup"
    call_command("backup", path, stdout=StringIO())
    other = tmp_path / "other.key"
    backups.new_key_file(other)
    settings.BACKUP_KEY_FILE = str(other)

    _refused(path, "made with another key")


def test_a_file_that_is_not_a_backup_is_refused(tmp_path, key, recorded):
    path = tmp_path / "ledger.plbackup"
    path.write_bytes(b"SQLite format 3\x00 an old unencrypted copy")

    _refused(path, "is not a Provision Ledger backup")


def test_check_says_a_backup_is_authentic_without_restoring_it(tmp_path, key, recorded):
    path = tmp_path / "ledger.plbackup"
    call_command("backup", path, stdout=StringIO())
    Session.objects.filter(date=date(2025, 9, 12)).delete()
    out = StringIO()

    call_command("restore", path, check=True, stdout=out)

    assert out.getvalue().strip() == f"Authentic backup: {path}."
    assert Session.objects.count() == 2


def test_no_backup_is_written_without_a_key(tmp_path, settings, recorded):
    settings.BACKUP_KEY_FILE = ""

    with pytest.raises(CommandError, match="Backup failed: BACKUP_KEY_FILE is not set"):
        call_command("backup", tmp_path / "ledger.plbackup", stdout=StringIO())
    assert not (tmp_path / "ledger.plbackup").exists()


def test_a_key_others_can_read_is_refused(tmp_path, key, recorded):
    os.chmod(key, 0o644)

    with pytest.raises(CommandError, match="can be read by others: chmod 600"):
        call_command("backup", tmp_path / "ledger.plbackup", stdout=StringIO())


def test_a_key_is_never_written_over(tmp_path, key):
    before = key.read_bytes()

    with pytest.raises(CommandError, match="already exists: a key is never overwritten"):
        call_command("backup-key", key, stdout=StringIO())
    assert key.read_bytes() == before


def test_a_key_that_cannot_be_written_is_refused_with_the_reason(tmp_path):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")

    with pytest.raises(CommandError, match=r"No key written to .*a-file/backup\.key: File exists\."):
        call_command("backup-key", not_a_folder / "backup.key", stdout=StringIO())


def test_the_retention_rule_keeps_the_newest_of_each_recent_day_week_and_month():
    start = datetime(2026, 1, 1, 2, tzinfo=UTC)
    made = [start + timedelta(days=n) for n in range(120)] + [start + timedelta(days=119, hours=12)]

    keep = scheduled.backups_to_keep(made, daily=3, weekly=2, monthly=2)

    newest = start + timedelta(days=119, hours=12)  # 30 April 2026, 14:00
    assert sorted(keep) == [
        datetime(2026, 3, 31, 2, tzinfo=UTC),  # newest of March
        datetime(2026, 4, 26, 2, tzinfo=UTC),  # Sunday: newest of the week before
        datetime(2026, 4, 28, 2, tzinfo=UTC),
        datetime(2026, 4, 29, 2, tzinfo=UTC),
        newest,  # newest of its day, its week, its month
    ]


def test_the_retention_rule_never_leaves_no_backup():
    only = datetime(2026, 1, 1, tzinfo=UTC)

    assert scheduled.backups_to_keep([only], daily=0, weekly=0, monthly=0) == {only}


def test_the_scheduled_backup_writes_copies_and_prunes_by_the_rule(tmp_path, key, recorded, settings):
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_COPY_DIR = tmp_path / "second-disk"
    settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY, settings.BACKUP_KEEP_MONTHLY = 2, 0, 0
    days = [datetime(2026, 3, d, 2, tzinfo=UTC) for d in (1, 2, 3)]

    outcomes = [scheduled.run(["backup"], now=day)[0] for day in days]

    assert [o.outcome for o in outcomes] == ["ok", "ok", "ok"]
    assert outcomes[-1].detail.endswith(
        "copied to " + str(tmp_path / "second-disk") + "; 2 older backup(s) removed by the retention rule"
    )
    for folder in (tmp_path / "backups", tmp_path / "second-disk"):
        assert sorted(p.name for p in folder.iterdir()) == [
            "provision-ledger-20260302T020000Z.plbackup",
            "provision-ledger-20260303T020000Z.plbackup",
        ]
        assert _mode(folder) == 0o700
        assert {_mode(p) for p in folder.iterdir()} == {0o600}
    copy = tmp_path / "second-disk" / "provision-ledger-20260303T020000Z.plbackup"
    assert backups.check(copy)["database"] in ("sqlite", "postgresql")


def test_the_weekly_restore_test_restores_into_a_scratch_database_and_verifies(tmp_path, key, recorded, settings):
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.REPORT_DIR = tmp_path / "reports"
    now = datetime(2026, 3, 1, 2, tzinfo=UTC)
    scheduled.run(["backup"], now=now)
    Session.objects.filter(date=date(2025, 9, 12)).delete()  # the live database moves on; the test must not touch it

    (outcome,) = scheduled.run(["restore-test"], now=now)

    assert outcome.outcome == "ok", outcome.detail
    assert outcome.detail.startswith("provision-ledger-20260301T020000Z.plbackup: 1 schools, 1 children,")
    assert "3 sessions, 5 audit events" in outcome.detail
    assert outcome.detail.endswith("the record verifies")
    report = json.loads((tmp_path / "reports" / "restore-test-2026-03-01.json").read_text())
    assert report["rows"]["sessions"] == 3
    assert report["problems"] == []
    assert _mode(tmp_path / "reports" / "restore-test-2026-03-01.json") == 0o600
    assert Session.objects.count() == 2


def test_the_restore_test_fails_when_the_newest_backup_is_not_authentic(tmp_path, key, recorded, settings):
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.REPORT_DIR = tmp_path / "reports"
    scheduled.run(["backup"], now=datetime(2026, 3, 1, 2, tzinfo=UTC))
    (latest,) = (tmp_path / "backups").iterdir()
    latest.write_bytes(latest.read_bytes()[:-1])

    (outcome,) = scheduled.run(["restore-test"])

    assert outcome.outcome == "failed"
    assert "is not an authentic backup" in outcome.detail


def test_run_scheduled_reports_each_job_and_skips_a_checkpoint_without_a_signing_key(tmp_path, key, settings):
    settings.REPORT_DIR = tmp_path / "reports"
    settings.LEDGER_CHECKPOINT_KEY_FILE = ""
    out = StringIO()

    call_command("run-scheduled", "retention", "checkpoint", stdout=out)

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(line["job"], line["outcome"]) for line in lines] == [("retention", "ok"), ("checkpoint", "skipped")]
    assert lines[0]["detail"].startswith("0 record(s) past their retention date listed in")
    assert lines[1]["detail"] == "no signing key is set (LEDGER_CHECKPOINT_KEY_FILE)"


def test_the_scheduled_checkpoint_signs_the_chains_heads_into_the_checkpoint_folder(tmp_path, settings, recorded):
    from provision_ledger.audit import checkpoints

    checkpoints.new_key(tmp_path / "signing.key")
    settings.LEDGER_CHECKPOINT_KEY_FILE = str(tmp_path / "signing.key")
    settings.CHECKPOINT_DIR = tmp_path / "checkpoints"

    (outcome,) = scheduled.run(["checkpoint"])

    assert outcome.outcome == "ok", outcome.detail
    assert outcome.detail.startswith("Checkpoint written to " + str(tmp_path / "checkpoints"))
    assert len(list((tmp_path / "checkpoints").iterdir())) == 1


def test_run_scheduled_fails_when_a_job_fails_and_still_runs_the_rest(tmp_path, settings):
    settings.BACKUP_KEY_FILE = ""
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.REPORT_DIR = tmp_path / "reports"
    out = StringIO()

    with pytest.raises(CommandError, match=r"Failed: backup\."):
        call_command("run-scheduled", "backup", "retention", stdout=out)

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(line["job"], line["outcome"]) for line in lines] == [("backup", "failed"), ("retention", "ok")]
    assert "BACKUP_KEY_FILE is not set" in lines[0]["detail"]
