"""provision-ledger synth --children N --seed S [--year Y] [--la-code 990]"""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from provision_ledger.oversight.progress import ProgressBar
from provision_ledger.oversight.synth import academic_year_before, synthesise
from provision_ledger.people.models import LocalAuthority


class Command(BaseCommand):
    help = "Write a synthetic local authority: schools, children, plans, lines and a school year of sessions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--children", type=int, required=True, help="Children with plans (10000 ≈ 5m sessions)")
        parser.add_argument("--seed", type=int, default=1, help="The same seed gives the same authority")
        parser.add_argument("--year", type=int, help="School year of the sessions, by its first calendar year")
        parser.add_argument("--la-code", default="990", help="The authority's 3-digit code (must be unused)")
        parser.add_argument("--la-name", default="Synthshire County Council")
        parser.add_argument("--password", default="", help="Password for the synthetic officer and SENCOs")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Synthetic data is never written under production settings.")
        if options["children"] < 1:
            raise CommandError("--children must be at least 1.")
        if LocalAuthority.objects.filter(code=options["la_code"]).exists():
            raise CommandError(f"An authority with code {options['la_code']} already exists: choose another --la-code.")
        year = options["year"] or academic_year_before(timezone.localdate())
        bar = ProgressBar("Children", options["children"], stream=sys.stderr)
        report = synthesise(
            children=options["children"],
            seed=options["seed"],
            year=year,
            la_code=options["la_code"],
            la_name=options["la_name"],
            password=options["password"],
            progress=bar.update,
        )
        bar.finish()
        self.stdout.write(
            f"{options['la_name']} ({options['la_code']}), school year {year}/{(year + 1) % 100:02d}: "
            f"{report.schools} schools, {report.children} children ({report.ehc_plans} with EHC plans), "
            f"{report.lines} provision lines, {report.sessions} sessions, in {report.seconds:.1f} s. "
            f"Officer: officer{options['la_code']}@synth.test"
        )
