"""provision-ledger retention [--date YYYY-MM-DD] [--format text|csv]"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Max
from django.utils import timezone

from provision_ledger.kit.spreadsheets import csv_text
from provision_ledger.people.models import Child
from provision_ledger.rules.retention import RETENTION_SOURCE, born_on_or_before, retention_ends


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Not a date: {value!r}. Use YYYY-MM-DD.") from error


class Command(BaseCommand):
    help = "List the children whose records have reached the end of their retention period, for the school to review."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=_date, help="As on this day (default: today)")
        parser.add_argument("--format", choices=["text", "csv"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["date"] or timezone.localdate()
        years = settings.RETENTION_YEARS_AFTER_BIRTH
        due = (
            Child.objects.filter(date_of_birth__lte=born_on_or_before(today, years))
            .select_related("school")
            .annotate(session_count=Count("sessions", distinct=True), last_session=Max("sessions__date"))
            .order_by("school__name", "date_of_birth", "pk")
        )
        columns = ["child_id", "child", "date_of_birth", "retention_ended", "school_urn", "school", "sessions", "last"]
        rows = [
            [
                c.pk,
                c.full_name,
                c.date_of_birth.isoformat(),
                retention_ends(c.date_of_birth, years).isoformat(),
                c.school.urn,
                c.school.name,
                c.session_count,  # type: ignore[attr-defined]
                c.last_session.isoformat() if c.last_session else "",  # type: ignore[attr-defined]
            ]
            for c in due
        ]
        if options["format"] == "csv":
            self.stdout.write(csv_text(rows, columns), ending="")
            return
        rule = RETENTION_SOURCE if years == 31 else f"date of birth + {years} years (RETENTION_YEARS_AFTER_BIRTH)"
        self.stdout.write(f"Records due for review on {today:%-d %B %Y}: {len(rows)}. Rule: {rule}.")
        for row in rows:
            self.stdout.write(
                f"  {row[1]} (born {row[2]}), {row[5]} URN {row[4]}: kept to {row[3]}; "
                f"{row[6]} sessions, the last {row[7] or 'none'}"
            )
        if rows:
            self.stdout.write("Nothing has been deleted. The school decides what to destroy, and records the decision.")
