"""provision-ledger verify [--la CODE]: walk the tamper-evident record and name the first thing that breaks it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from provision_ledger.audit.chain import verify
from provision_ledger.audit.models import ChainHead
from provision_ledger.audit.sealing import configured_key
from provision_ledger.people.models import LocalAuthority


class Command(BaseCommand):
    help = (
        "Check every link of each authority's chain, that each has its head, and that every row of the record holds "
        "the values its latest event sealed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--la", metavar="CODE", help="Only this local authority (3-digit code)")

    def handle(self, *args: Any, **options: Any) -> None:
        la_id = None
        if options["la"]:
            la = LocalAuthority.objects.filter(code=options["la"]).first()
            if la is None:
                raise CommandError(f"No local authority with code {options['la']}.")
            la_id = la.pk
        if configured_key() is None:
            self.stderr.write(
                "Warning: no chain key is set (LEDGER_CHAIN_KEY or LEDGER_CHAIN_KEY_FILE). The links were checked with "
                "the public development key, so someone who can write to the database could have recomputed them."
            )
        problems = verify(la_id)
        names = dict(LocalAuthority.objects.values_list("pk", "name"))
        for problem in problems:
            self.stderr.write(f"{names.get(problem.local_authority_id, problem.local_authority_id)}: {problem.message}")
        if problems:
            raise CommandError(f"The record has been altered: {len(problems)} problem(s) found.", returncode=1)
        events = sum(ChainHead.objects.filter(**({"pk": la_id} if la_id else {})).values_list("seq", flat=True))
        self.stdout.write(f"The record is intact: {events} events checked.")
