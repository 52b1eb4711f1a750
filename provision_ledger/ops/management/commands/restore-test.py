"""provision-ledger restore-test FILE: the scratch half of the weekly restore test (run by run-scheduled).

Run only in a child process whose DATABASE_URL names a scratch database made for it: it restores FILE there,
counts the rows of the main tables and verifies the chain, and prints one JSON object.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from provision_ledger.audit import backups
from provision_ledger.audit.chain import verify
from provision_ledger.audit.models import AuditEvent, RecordView
from provision_ledger.delivery.models import Session
from provision_ledger.people.models import Child, School, User
from provision_ledger.plans.models import Plan, ProvisionLine


class Command(BaseCommand):
    help = "Restore FILE into the scratch database and report row counts and verify (use run-scheduled restore-test)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if os.environ.get("PROVISION_LEDGER_SCRATCH") != "1":
            raise CommandError(
                "This replaces the whole database: run it as `provision-ledger run-scheduled restore-test`."
            )
        try:
            backups.restore(options["path"])
        except backups.BackupError as error:
            raise CommandError(str(error), returncode=2) from error
        models = {
            "schools": School,
            "children": Child,
            "people": User,
            "plans": Plan,
            "lines": ProvisionLine,
            "sessions": Session,
            "audit events": AuditEvent,
            "record views": RecordView,
        }
        rows = {name: model.objects.count() for name, model in models.items()}  # type: ignore[attr-defined]
        problems = [problem.message for problem in verify()]
        self.stdout.write(json.dumps({"rows": rows, "problems": problems[:20]}))
        if problems:
            raise CommandError(f"{len(problems)} problem(s) found.", returncode=1)
