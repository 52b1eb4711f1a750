"""Confirmed lines read from a plan's wording enter the plan through the plans actions, all or none."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from provision_ledger.people.models import User
from provision_ledger.plans import actions as plans
from provision_ledger.plans.models import Plan, ProvisionLine


@dataclass(frozen=True)
class ConfirmedLine:
    """A line the SENCO confirmed: the statement it was read from (its number on the page and its words)."""

    number: int
    statement: str
    terms: dict[str, Any]


class LinesRejected(Exception):
    """Some confirmed lines were refused; none was added. errors: statement number -> the refusal."""

    def __init__(self, errors: dict[int, ValidationError]) -> None:
        super().__init__(f"{len(errors)} line(s) refused")
        self.errors = errors


@transaction.atomic
def add_confirmed_lines(*, plan: Plan, by: User, lines: Sequence[ConfirmedLine]) -> list[ProvisionLine]:
    """Add every confirmed line to the plan in one transaction, or none of them.

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
    return added
