"""provision-ledger refresh-totals [--la CODE]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from provision_ledger.delivery.totals import rebuild
from provision_ledger.people.models import LocalAuthority


class Command(BaseCommand):
    help = (
        "Sum every line's live sessions by month again, from the sessions themselves: the sums the authority's "
        "figures read. Run if `provision-ledger verify` reports that they differ, or after changing sessions "
        "outside the ledger."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--la", help="Only this local authority (its code)")

    def handle(self, *args: Any, **options: Any) -> None:
        authorities = LocalAuthority.objects.order_by("code")
        if options["la"]:
            authorities = authorities.filter(code=options["la"])
            if not authorities.exists():
                raise CommandError(f"No local authority with code {options['la']}.")
        rows = 0
        for la in authorities:
            with transaction.atomic():
                rows += rebuild(la.pk)
        self.stdout.write(f"Summed the sessions of {authorities.count()} local authorities into {rows:,} line-months.")
