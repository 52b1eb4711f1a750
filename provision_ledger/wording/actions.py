"""Confirmed lines read from a plan's wording enter the plan through the plans actions, all or none."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from provision_ledger.audit.actions import record_created, void_entry
from provision_ledger.people.models import User
from provision_ledger.plans import actions as plans
from provision_ledger.plans.models import Plan, ProvisionLine
from provision_ledger.wording.models import PlanStatement


@dataclass(frozen=True)
class ConfirmedLine:
    """A line the SENCO confirmed: the statement it was read from (its number on the page and its words)."""

    number: int
    statement: str
    terms: dict[str, Any]


@dataclass(frozen=True)
class LeftOut:
    """A statement read with the lines that did not become one: vague, not time given by staff, or not ticked."""

    text: str
    specific: bool
    kind: str
    findings: str


class LinesRejected(Exception):
    """Some confirmed lines were refused; none was added. errors: statement number -> the refusal."""

    def __init__(self, errors: dict[int, ValidationError]) -> None:
        super().__init__(f"{len(errors)} line(s) refused")
        self.errors = errors


@transaction.atomic
def add_confirmed_lines(
    *, plan: Plan, by: User, lines: Sequence[ConfirmedLine], left_out: Sequence[LeftOut] = ()
) -> list[ProvisionLine]:
    """Add every confirmed line to the plan in one transaction, or none of them, and record the statements read
    with them that did not become lines, so the plan's score counts them (a statement already recorded for the
    plan is not recorded twice).

    Each line is tried in a savepoint, so every refusal is found and reported together; any refusal
    rolls the whole set back. Each line's first version records the statement it was read from.
    """
    added: list[ProvisionLine] = []
    errors: dict[int, ValidationError] = {}
    for line in lines:
        try:
            with transaction.atomic():
                added.append(
                    plans.add_line(
                        plan=plan,
                        by=by,
                        change_reason=f"Read from the plan's wording: “{line.statement}”",
                        **line.terms,
                    )
                )
        except ValidationError as error:
            errors[line.number] = error
    if errors:
        raise LinesRejected(errors)
    _record_left_out(plan, by, left_out)
    return added


def _record_left_out(plan: Plan, by: User, left_out: Sequence[LeftOut]) -> None:
    known = set(PlanStatement.objects.filter(plan=plan, voided_at__isnull=True).values_list("text", flat=True))
    rows = []
    for statement in left_out:
        if statement.text in known:
            continue
        known.add(statement.text)
        rows.append(
            PlanStatement(
                local_authority_id=plan.local_authority_id,
                plan=plan,
                text=statement.text,
                specific=statement.specific,
                kind=statement.kind,
                findings=statement.findings[:300],
                read_by=by,
            )
        )
    saved = PlanStatement.objects.bulk_create(rows)
    record_created(
        actor=by,
        created=[
            (
                plan.child,
                row,
                f"Statement read from the plan ({'specific' if row.specific else 'vague'}), not a line: "
                f"“{row.text[:200]}”",
                {"text": row.text, "specific": row.specific, "kind": row.kind, "findings": row.findings},
            )
            for row in saved
        ],
    )


@transaction.atomic
def void_statement(*, statement: PlanStatement, by: User, reason: str) -> PlanStatement:
    """Take a statement read from the plan out of the plan's score (read from the wrong document, or not provision
    at all): it stays, marked void with the reason, and the trail says so."""
    return void_entry(
        statement,
        by=by,
        reason=reason,
        child=statement.plan.child,
        noun="statement",
        summary=f"Statement read from the plan taken out of its score: “{statement.text[:200]}”",
    )
