"""provision-ledger refresh-expected [--school URN]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from provision_ledger.people.models import School
from provision_ledger.plans.expected import refresh_school


class Command(BaseCommand):
    help = (
        "Lay the expected minutes of every line by month again, from the line's terms and its school's calendar. "
        "Run after a school's terms, INSET days or closures change, and once after upgrading to this version."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", help="Only this school's lines (its URN)")

    def handle(self, *args: Any, **options: Any) -> None:
        schools = School.objects.order_by("urn")
        if options["school"]:
            schools = schools.filter(urn=options["school"])
            if not schools.exists():
                raise CommandError(f"No school with URN {options['school']}.")
        rows = sum(refresh_school(school) for school in schools)
        self.stdout.write(f"Laid {rows:,} months of expected delivery for {schools.count()} schools.")
