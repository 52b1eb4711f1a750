"""Backups restore: after a round trip nothing is lost, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from provision_ledger.audit.chain import verify
from provision_ledger.audit.models import AuditEvent
from provision_ledger.delivery.models import Session
from provision_ledger.plans.models import Plan
from tests.factories import make_line, make_plan, make_session

pytestmark = pytest.mark.django_db(transaction=True)


def _counts() -> tuple[int, int, int]:
    return Plan.objects.count(), Session.objects.count(), AuditEvent.objects.count()


def test_backup_then_restore_brings_back_everything_and_the_chain_verifies(tmp_path, senco, child):
    line = make_line(make_plan(child, senco), senco)
    for day in (date(2025, 9, 10), date(2025, 9, 11), date(2025, 9, 12)):
        make_session(line, senco, day)
    before = _counts()
    call_command("backup", tmp_path / "ledger.backup", stdout=StringIO())
    # Damage after the backup: a session is deleted outright, which verify would catch.
    Session.objects.filter(date=date(2025, 9, 12)).delete()
    assert _counts() != before
    call_command("restore", tmp_path / "ledger.backup", stdout=StringIO())
    assert _counts() == before == (1, 3, 5)
    assert verify() == []


def test_restoring_a_missing_file_says_so_and_changes_nothing(tmp_path, senco, child):
    make_plan(child, senco)
    with pytest.raises(CommandError, match="Restore failed: No backup at"):
        call_command("restore", tmp_path / "nothing-here.backup", stdout=StringIO())
    assert Plan.objects.count() == 1
