"""provision-ledger run-scheduled JOB...: run the scheduled jobs named, each reported in one JSON line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from provision_ledger.ops import scheduled


class Command(BaseCommand):
    help = (
        "Run scheduled jobs: alerts (hourly), backup and checkpoint (daily), retention and restore-test (weekly). "
        "Exits 1 if any job failed; the others still run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("jobs", nargs="+", choices=sorted(scheduled.JOBS), metavar="JOB")

    def handle(self, *args: Any, **options: Any) -> None:
        outcomes = scheduled.run(options["jobs"])
        for outcome in outcomes:
            self.stdout.write(outcome.line())
        failed = [o.job for o in outcomes if o.outcome == "failed"]
        if failed:
            raise CommandError(f"Failed: {', '.join(failed)}.", returncode=1)
