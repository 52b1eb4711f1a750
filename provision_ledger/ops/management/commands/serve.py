"""provision-ledger serve: the production server (gunicorn, configured by provision_ledger/ops/gunicorn_conf.py)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from provision_ledger.ops import gunicorn_conf
from provision_ledger.ops.production import missing_settings


class Command(BaseCommand):
    help = "Serve the application with gunicorn; under PRODUCTION=True refuse to start while a setting is missing."
    # The checks below are the ones that matter here, and the system checks also run in each gunicorn worker's
    # first import; running Django's whole set first would only repeat them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Only say whether the server would start.")

    def handle(self, *args: Any, **options: Any) -> None:
        problems = missing_settings()
        if problems:
            for problem in problems:
                self.stderr.write(f"Not starting: {problem}")
            raise CommandError(f"{len(problems)} setting(s) missing for PRODUCTION=True.", returncode=2)
        if options["check"]:
            self.stdout.write("Ready to serve.")
            return
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which("gunicorn")
        if gunicorn is None:
            raise CommandError("gunicorn is not installed in this environment.")
        sys.stdout.flush()
        sys.stderr.flush()
        # Replace this process, so systemd (or CI) signals gunicorn's own master directly.
        os.execv(gunicorn, [gunicorn, "--config", f"python:{gunicorn_conf.__name__}"])
