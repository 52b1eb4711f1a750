"""provision-ledger close-account EMAIL --reason TEXT --by ADMIN_EMAIL"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from provision_ledger.accounts.actions import close_parent_account
from provision_ledger.people.models import User


class Command(BaseCommand):
    help = "Close a parent's account: their personal data is removed; the child's record and its history stay."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The parent's email address")
        parser.add_argument("--reason", required=True, help="Why, for the record")
        parser.add_argument("--by", required=True, metavar="EMAIL", help="The administrator closing it")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(email__iexact=options["email"])
        except User.DoesNotExist as error:
            raise CommandError(f"No account with the email address {options['email']}.") from error
        try:
            by = User.objects.get(email__iexact=options["by"], is_superuser=True)
        except User.DoesNotExist as error:
            raise CommandError(f"{options['by']} is not a site administrator.") from error
        try:
            close_parent_account(user=user, by=by, reason=options["reason"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Closed account {user.pk}: personal data removed, the children's records kept.")
