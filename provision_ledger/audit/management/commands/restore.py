"""provision-ledger restore PATH: put back a backup made by provision-ledger backup, once it proves authentic."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from provision_ledger.audit import backups
from provision_ledger.audit.management.commands.backup import Command as BackupCommand


class Command(BackupCommand):
    help = (
        "Replace the database's contents with a backup made by provision-ledger backup. The whole file is decrypted "
        "and checked first: a file that is not an authentic backup is refused and nothing changes."
    )
    action = staticmethod(backups.restore)
    done, failed = "Restored from", "Restore failed"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--check", action="store_true", help="Only check that PATH is an authentic backup.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            self.action = staticmethod(backups.check)  # type: ignore[assignment]
            self.done, self.failed = "Authentic backup:", "Check failed"
        super().handle(*args, **options)
