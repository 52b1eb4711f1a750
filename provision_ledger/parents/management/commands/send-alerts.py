"""provision-ledger send-alerts [--today DATE]: for cron, every hour or so. Safe to run twice."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from provision_ledger.parents.alerts import run


class Command(BaseCommand):
    help = "Find missed and behind provision, email parents (at once or weekly) and SENCOs (weekly, on Mondays)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=date.fromisoformat, help="Run as if on this day (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        report = run(options["today"])
        self.stdout.write(f"{report.found} new alerts found, {report.emails} emails sent.")
