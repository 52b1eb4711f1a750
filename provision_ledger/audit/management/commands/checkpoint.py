"""provision-ledger checkpoint --out DIR [--key FILE] | --new-key FILE: sign the chains' heads, to keep elsewhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from provision_ledger.audit import checkpoints


class Command(BaseCommand):
    help = (
        "Sign the head of every authority's chain with an Ed25519 key and write it to a file meant to be kept away "
        "from the database (the authority, the school's data protection officer, a family). "
        "`verify --checkpoints DIR` then proves the record only grew since."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", metavar="DIR", help="Where to write the checkpoint file")
        parser.add_argument("--key", metavar="FILE", help="The signing key (default: LEDGER_CHECKPOINT_KEY_FILE)")
        parser.add_argument("--new-key", metavar="FILE", help="Make a new signing key in FILE and stop")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["new_key"]:
                signer = checkpoints.new_key(Path(options["new_key"]))
                self.stdout.write(
                    f"Signing key written to {options['new_key']} (readable by you only). Its public key's "
                    f"fingerprint is {signer}: give it to whoever keeps the checkpoints, to check them by."
                )
                return
            key_file = options["key"] or settings.LEDGER_CHECKPOINT_KEY_FILE
            if not key_file:
                raise CommandError("Name the signing key: --key FILE, or set LEDGER_CHECKPOINT_KEY_FILE.")
            if not options["out"]:
                raise CommandError("Say where to write the checkpoint: --out DIR.")
            key = checkpoints.load_key(Path(key_file))
            path = checkpoints.write(key, Path(options["out"]))
        except checkpoints.CheckpointError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Checkpoint written to {path}. Keep a copy away from the database and its server.")
