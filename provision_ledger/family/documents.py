"""The family-kept record as a printed statement (tagged PDF), for a parent to take to a meeting or a tribunal.

Its figures are the family child page's, from the same query (`family_statement`); nothing is worked out again here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string

from provision_ledger.family.models import FamilyChild, FamilyEntry, RecordsRequest
from provision_ledger.family.queries import FamilyStatement, deadlines_for, family_statement
from provision_ledger.kit.pdf import accessible_pdf
from provision_ledger.rules.family_record import RecordsDeadlines
from provision_ledger.rules.legal_force import PlanKind, legal_force


@dataclass(frozen=True)
class RecordEntry:
    entry: FamilyEntry
    shared: bool


@dataclass(frozen=True)
class RecordStatement:
    child: FamilyChild
    statement: FamilyStatement
    entries: list[RecordEntry]  # oldest first, corrected ones included
    requests: list[tuple[RecordsRequest, RecordsDeadlines]]
    kept_by: str
    generated_on: date


def record_statement(family_child: FamilyChild, today: date) -> RecordStatement:
    statement = family_statement(family_child, today)
    entries = [
        RecordEntry(e, any(s.revoked_at is None for s in e.shares.all()))
        for e in sorted(statement.entries, key=lambda e: (e.happened_on, e.pk))
    ]
    keeper = family_child.keeper
    return RecordStatement(
        child=family_child,
        statement=statement,
        entries=entries,
        requests=[(r, deadlines_for(r, today)) for r in family_child.records_requests.all()],
        kept_by=keeper.get_full_name() or keeper.email,
        generated_on=today,
    )


def family_record_pdf(family_child: FamilyChild, today: date) -> bytes:
    record = record_statement(family_child, today)
    kind = PlanKind(family_child.plan_kind)
    return accessible_pdf(
        render_to_string(
            "family/record_pdf.html",
            {"record": record, "child": family_child, "plan_kind": kind.label, "force": legal_force(kind)},
        )
    )
