"""provision-ledger seal-record --by EMAIL: seal a record written before sealing existed (run once, after upgrading)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from provision_ledger.audit.actions import seal_record
from provision_ledger.audit.sealing import configured_key
from provision_ledger.people.models import LocalAuthority, User


class Command(BaseCommand):
    help = (
        "Link a chain written before it was keyed under the chain key, and seal every row of the record that no event "
        "seals yet. A broken chain is refused; a row that differs from its seal is never sealed again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--by", metavar="EMAIL", required=True, help="The person running the upgrade")

    def handle(self, *args: Any, **options: Any) -> None:
        by = User.objects.filter(email__iexact=options["by"]).first()
        if by is None:
            raise CommandError(f"No account with the email {options['by']}.")
        if configured_key() is None:
            self.stderr.write(
                "No chain key is set (LEDGER_CHAIN_KEY or LEDGER_CHAIN_KEY_FILE): sealing with the public "
                "development key, which proves nothing against someone who can write to the database."
            )
        try:
            results = seal_record(by=by)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        names = dict(LocalAuthority.objects.values_list("pk", "name"))
        for result in results:
            self.stdout.write(
                f"{names.get(result.local_authority_id)}: {result.relinked} events linked under the key, "
                f"{result.sealed} rows sealed by {result.events} events."
            )
