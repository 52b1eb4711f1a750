"""provision-ledger verify [--la CODE] [--checkpoints DIR] [--reference REF]: walk the tamper-evident record and name
what breaks it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from provision_ledger.audit import checkpoints
from provision_ledger.audit.chain import verify
from provision_ledger.audit.models import ChainHead
from provision_ledger.audit.sealing import configured_key
from provision_ledger.family.chain import verify as verify_family_chain
from provision_ledger.people.models import LocalAuthority


class Command(BaseCommand):
    help = (
        "Check every link of each authority's chain, that each has its head, and that every row of the record holds "
        "the values its latest event sealed; with --checkpoints, that the chain extends every signed checkpoint."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--la", metavar="CODE", help="Only this local authority (3-digit code)")
        parser.add_argument("--checkpoints", metavar="DIR", help="Signed checkpoints (and .txt record references)")
        parser.add_argument(
            "--reference", metavar="REF", action="append", default=[], help="A record reference from a statement"
        )
        parser.add_argument(
            "--trust",
            metavar="FINGERPRINT",
            action="append",
            default=[],
            help="Believe only checkpoints signed by this key (default: LEDGER_CHECKPOINT_TRUSTED)",
        )

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
        anchored = None
        if options["checkpoints"] or options["reference"]:
            trusted = set(options["trust"] or settings.LEDGER_CHECKPOINT_TRUSTED) or None
            directory = Path(options["checkpoints"]) if options["checkpoints"] else None
            try:
                anchored, found = checkpoints.check(directory, options["reference"], trusted)
            except checkpoints.CheckpointError as error:
                raise CommandError(str(error)) from None
            problems += found
        names = dict(LocalAuthority.objects.values_list("pk", "name"))
        for problem in problems:
            where = names.get(problem.local_authority_id)
            self.stderr.write(f"{where}: {problem.message}" if where else problem.message)
        # Family-kept records belong to no authority: their chain is checked with the whole record.
        family_problems = verify_family_chain() if la_id is None else []
        for family_problem in family_problems:
            self.stderr.write(f"Families' own records: {family_problem.message}")
        if problems or family_problems:
            count = len(problems) + len(family_problems)
            raise CommandError(f"The record has been altered: {count} problem(s) found.", returncode=1)
        events = sum(ChainHead.objects.filter(**({"pk": la_id} if la_id else {})).values_list("seq", flat=True))
        self.stdout.write(f"The record is intact: {events} events checked.")
        if anchored is not None:
            signers = ", ".join(sorted(anchored.keys)) or "none"
            self.stdout.write(
                f"It extends every checkpoint given: {anchored.checkpoints} signed (keys {signers}) and "
                f"{anchored.references} record references."
            )
