"""provision-ledger import-csv KIND FILE --la CODE --as EMAIL"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from provision_ledger.oversight.importer import COLUMNS, ImportRefused, import_csv
from provision_ledger.oversight.progress import ProgressBar
from provision_ledger.people.models import LocalAuthority, User


class Command(BaseCommand):
    help = "Import children, plans, provision lines or sessions from a CSV file: all of it, or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=list(COLUMNS), help="What the file holds")
        parser.add_argument("file", type=Path, help="The CSV file (UTF-8, header row first)")
        parser.add_argument("--la", required=True, help="The authority's 3-digit code")
        parser.add_argument("--as", dest="email", required=True, help="The email of the person importing")

    def handle(self, *args: Any, **options: Any) -> None:
        la = LocalAuthority.objects.filter(code=options["la"]).first()
        if la is None:
            raise CommandError(f"No local authority with code {options['la']}.")
        by = User.objects.filter(email=options["email"].lower()).first()
        if by is None:
            raise CommandError(f"No user with email {options['email']}.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        size = path.stat().st_size
        bar = ProgressBar(f"Importing {options['kind']}", size, stream=sys.stderr)
        try:
            with path.open("rb") as stream:
                result = import_csv(
                    options["kind"], stream, la=la, by=by, progress=lambda done, _rows: bar.update(done)
                )
        except ImportRefused as refused:
            bar.finish()
            raise CommandError(f"{path.name} was not imported; nothing was written.\n{refused}") from None
        bar.update(size)
        bar.finish()
        rate = result.rows / result.seconds if result.seconds else 0
        self.stdout.write(
            f"Imported {result.rows:,} {result.kind} from {path.name} in {result.seconds:.1f} s ({rate:,.0f} rows/s)."
        )
