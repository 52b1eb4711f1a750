"""provision-ledger totp EMAIL: print the current sign-in code of a demo account."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from provision_ledger.accounts import twofactor
from provision_ledger.people.models import User


class Command(BaseCommand):
    help = "Print the current two-step sign-in code of a demo account (demo data only, never under production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Codes are never printed under production settings.")
        user = User.objects.filter(email=options["email"].lower()).first()
        device = twofactor.confirmed_device(user) if user else None
        if device is None or not twofactor.is_demo_device(device):
            raise CommandError(f"{options['email']} is not a demo account with the demo's authenticator.")
        self.stdout.write(twofactor.current_code(device))
