"""provision-ledger backup PATH: an encrypted, consistent copy of the database, SQLite or PostgreSQL."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from provision_ledger.audit import backups


class Command(BaseCommand):
    help = "Write an encrypted, consistent backup of the database to PATH (key: BACKUP_KEY_FILE)."
    action: Callable[[Path], object] = staticmethod(backups.backup)
    done, failed = "Backed up to", "Backup failed"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.action(options["path"])
        except backups.BackupError as error:
            raise CommandError(f"{self.failed}: {error}") from error
        except (OSError, subprocess.CalledProcessError) as error:
            detail = (getattr(error, "stderr", b"") or b"").decode(errors="replace")
            raise CommandError(f"{self.failed}: {error} {detail}".strip()) from error
        self.stdout.write(f"{self.done} {options['path']}.")
