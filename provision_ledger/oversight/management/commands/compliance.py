"""provision-ledger compliance --format json [--school URN] [--from DATE --to DATE]"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from provision_ledger.delivery.queries import line_reports, line_window
from provision_ledger.people.models import School
from provision_ledger.plans.models import Plan, ProvisionLine
from provision_ledger.plans.queries import live_lines
from provision_ledger.rules.compliance import LineAssessment
from provision_ledger.rules.reporting import Window


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Not a date: {value!r}. Use YYYY-MM-DD.") from error


def _as_json(line: ProvisionLine, a: LineAssessment, window: Window) -> dict[str, object]:
    child = line.plan.child
    return {
        "child_id": child.pk,
        "child_name": child.full_name,
        "school_urn": child.school.urn,
        "plan_kind": line.plan.kind,
        "line_id": line.pk,
        "line": str(line),
        "from": window.start.isoformat(),
        "to": window.end.isoformat(),
        "expected_sessions": round(float(a.expected.sessions), 2),
        "delivered_sessions": a.delivered_sessions,
        "expected_minutes": round(float(a.expected.minutes), 2),
        "delivered_minutes": a.delivered_minutes,
        "owed_minutes": a.owed_minutes,
        "compliance": None if a.compliance is None else round(float(a.compliance), 4),
        "status": a.status.value,
    }


class Command(BaseCommand):
    help = "Print compliance for every provision line of plans in force: one JSON object per line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("--school", metavar="URN", help="Only this school")
        parser.add_argument("--from", dest="start", type=_date, help="Start of the period (default: line start)")
        parser.add_argument("--to", dest="end", type=_date, help="End of the period (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        start, end = options["start"], options["end"] or today
        if start and start > end:
            raise CommandError(f"--from {start} is after --to {end}.")
        schools = School.objects.order_by("urn")
        if options["school"]:
            schools = schools.filter(urn=options["school"])
            if not schools.exists():
                raise CommandError(f"No school with URN {options['school']}.")
        out = []
        for school in schools:
            calendar = school.calendar()
            plans = Plan.objects.filter(child__school=school, status=Plan.Status.ACTIVE)
            lines = live_lines(plans).select_related("plan__child").order_by("plan__child__last_name", "id")
            # Lines that share a period are assessed together: one query per distinct period, not per line.
            by_window: dict[Window, list[ProvisionLine]] = defaultdict(list)
            for line in lines:
                by_window[Window("period", "Period", start, end) if start else line_window(line, end)].append(line)
            for window, group in by_window.items():
                for report in line_reports(group, school, calendar, [window]):
                    out.append(_as_json(report.line, report.assessments[window.key], window))
        out.sort(key=lambda row: (row["school_urn"], row["child_name"], row["line_id"]))
        self.stdout.write(json.dumps(out, indent=2))
