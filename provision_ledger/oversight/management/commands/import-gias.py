"""provision-ledger import-gias FILE [--links FILE] --as EMAIL [--dry-run]"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from provision_ledger.oversight.gias import GiasRefused, import_gias
from provision_ledger.people.models import User


class Command(BaseCommand):
    help = (
        "Create and update local authorities and schools from a GIAS establishment file (edubasealldata CSV), and "
        "carry converted schools' children to their successor URN from the links file: all of it, or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The GIAS establishment CSV, as downloaded (Windows-1252)")
        parser.add_argument("--links", type=Path, help="The GIAS links CSV (predecessors and successors)")
        parser.add_argument("--as", dest="email", required=True, help="The email of the person importing")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        by = User.objects.filter(email=options["email"].lower()).first()
        if by is None:
            raise CommandError(f"No user with email {options['email']}.")
        paths = [p for p in (options["file"], options["links"]) if p is not None]
        for path in paths:
            if not path.is_file():
                raise CommandError(f"No file at {path}.")
        with contextlib.ExitStack() as files:
            stream = files.enter_context(options["file"].open("rb"))
            links = files.enter_context(options["links"].open("rb")) if options["links"] else None
            try:
                report = import_gias(stream, links=links, by=by, dry_run=options["dry_run"])
            except GiasRefused as refused:
                name = (options["links"] if refused.file == "links" else options["file"]).name
                raise CommandError(f"{name} was not imported; nothing was written.\n{refused}") from None
        for line in report.lines():
            self.stdout.write(line)
        done = "Nothing was written (dry run)." if report.dry_run else f"Imported in {report.seconds:.1f} s."
        self.stdout.write(done)
