"""provision-ledger backup-key PATH: make the key backups are encrypted with, owner-only, never over another."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from provision_ledger.audit import backups


class Command(BaseCommand):
    help = "Write a new random backup key to PATH (0600). Keep a copy somewhere safe: without it no backup restores."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if path.exists():
            raise CommandError(f"{path} already exists: a key is never overwritten (old backups need it).")
        try:
            backups.new_key_file(path)
        except OSError as error:
            raise CommandError(f"No key written to {path}: {error.strerror}.") from None
        self.stdout.write(f"Backup key written to {path}. Set BACKUP_KEY_FILE={path} and keep a copy off this machine.")
