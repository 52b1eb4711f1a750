"""provision-ledger demo [--if-empty] [--sign-ins]"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from provision_ledger.accounts.twofactor import DEMO_SECRET
from provision_ledger.core.demo import PASSWORD, SIGN_INS, database_is_empty, load_demo


class Command(BaseCommand):
    help = "Load the demo data into an empty database (never under production settings)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if the database has data")
        parser.add_argument("--sign-ins", action="store_true", help="Only print the demo sign-ins")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["sign_ins"]:
            self.stdout.write(f"\nDemo sign-ins at http://127.0.0.1:8000 (password for all: {PASSWORD})")
            for email, who in SIGN_INS:
                self.stdout.write(f"  {email:<24} {who}")
            self.stdout.write(
                "\nStaff, SENCO, LA, trust, service and admin accounts then ask for a code from an authenticator app."
                f"\n  Add this demo secret to any authenticator app: {DEMO_SECRET}"
                "\n  or print the current code:  .venv/bin/provision-ledger totp senco@demo.test"
            )
            self.stdout.write("")
            return
        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded under production settings.")
        if not database_is_empty():
            if options["if_empty"]:
                self.stdout.write("The database already has data: demo not loaded.")
                return
            raise CommandError("The database is not empty: demo data only loads into an empty database.")
        load_demo(timezone.localdate())
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
