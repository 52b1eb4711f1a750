"""provision-ledger restore PATH: put back a backup made by provision-ledger backup."""

from __future__ import annotations

from provision_ledger.audit import backups
from provision_ledger.audit.management.commands.backup import Command as BackupCommand


class Command(BackupCommand):
    help = "Replace the database's contents with a backup made by provision-ledger backup."
    action = staticmethod(backups.restore)
    done, failed = "Restored from", "Restore failed"
