"""provision-ledger import-ctf FILE --as EMAIL [--dry-run]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from provision_ledger.census import ctf
from provision_ledger.core import access
from provision_ledger.people.models import School, User


class Command(BaseCommand):
    help = (
        "Take in a Common Transfer File at its destination school (found by LAESTAB): each SEN pupil with their year, "
        "SEN provision history and ranked needs. All of it, or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CTF (XML)")
        parser.add_argument("--as", dest="email", required=True, help="The email of the destination school's SENCO")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        by = User.objects.filter(email=options["email"].lower()).first()
        if by is None:
            raise CommandError(f"No user with email {options['email']}.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        today = timezone.localdate()
        try:
            transfer = ctf.read_transfer(path.read_bytes(), today=today)
            school = School.objects.select_related("local_authority").filter(laestab=transfer.dest_laestab).first()
            if school is None:
                raise ctf.CtfRefused(
                    [ctf.Problem("DestSchool", f"no school with LAESTAB {transfer.dest_laestab} in the ledger.")]
                )
            if not access.manages_school(by, school):
                raise ctf.CtfRefused([ctf.Problem("DestSchool", f"{by.email} is not a SENCO of {school.name}.")])
            if options["dry_run"]:
                problems = ctf.destination(transfer, school)
                if problems:
                    raise ctf.CtfRefused(problems)
                report = ctf.describe(transfer, school, today)
            else:
                report = ctf.import_transfer(transfer, school, by=by, today=today)
        except ctf.CtfRefused as refused:
            raise CommandError(f"{path.name} was not imported; nothing was written.\n{refused}") from None
        for outcome in report.outcomes:
            self.stdout.write(str(outcome))
        for skipped in report.skipped:
            self.stdout.write(skipped)
        verb = "Would import" if options["dry_run"] else "Imported"
        self.stdout.write(f"{verb} {len(report.outcomes)} pupils at {school.name} from {report.source}.")
