"""The parts of a child's page drawn from their record: worked out once, then kept until anything they show changes.

The figures (every line's windows, weeks and missed sessions, earlier plans, the wording score) and the deadlines
take most of the page's time. They are kept, as rendered, in the worker's "pages" cache under a key made of
everything they are drawn from: the child's record (`record_version`: one more with every event), the child's and
their schools' rows (names, needs, the make-up policy and thresholds), the calendar of each school they attended,
the day, and what the reader may do. A write through any action changes the record version, so a page read after
it is worked out again; an edit outside the actions to a child, a school or a calendar changes the key too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.cache import caches
from django.forms.models import model_to_dict
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from provision_ledger.audit.queries import record_version
from provision_ledger.nextsteps.advice import deadlines_for, parents_deadlines
from provision_ledger.people.models import Child, Enrolment
from provision_ledger.people.queries import calendar_of
from provision_ledger.statements import ChildStatement, child_statement
from provision_ledger.wording.checks import plan_wording
from provision_ledger.wording.queries import live_statements


@dataclass(frozen=True)
class RecordParts:
    banner: SafeString  # the dates the family must act by
    figures: SafeString  # the plan, each line's figures, and earlier plans
    clocks: SafeString  # every deadline
    # Worked out on this request (None when the parts came from the cache): for the tests that read them.
    statement: ChildStatement | None = None
    deadlines: list[Any] | None = None


def _key(child: Child, enrolments: list[Enrolment], calendar: object, today: date, reader: dict[str, bool]) -> str:
    rows: list[object] = [model_to_dict(child), model_to_dict(child.school)]
    rows += [(model_to_dict(e), model_to_dict(e.school)) for e in enrolments]
    parts = (child.pk, today, record_version(child), hash(calendar), sorted(reader.items()), repr(rows))
    return "record-parts:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def record_parts(
    request: HttpRequest, child: Child, enrolments: list[Enrolment], today: date, reader: dict[str, bool]
) -> RecordParts:
    """The rendered parts, from the cache when nothing they are drawn from has changed. `reader`: the flags the
    parts' templates read (is_parent, can_manage, can_log)."""
    calendar = calendar_of(child, enrolments)
    key = _key(child, enrolments, calendar, today, reader)
    cache = caches["pages"]
    kept = cache.get(key)
    if kept is not None:
        banner, figures, clocks = kept
        return RecordParts(mark_safe(banner), mark_safe(figures), mark_safe(clocks))  # rendered by this module
    statement = child_statement(child, today, enrolments, calendar=calendar)
    wording = (
        plan_wording((r.line for r in statement.reports), live_statements(statement.plan)) if statement.plan else None
    )
    deadlines = deadlines_for(child, today, statement.plan, enrolments)
    context = {"child": child, "statement": statement, "wording": wording, **reader}
    rendered: tuple[SafeString, SafeString, SafeString] = (
        render_to_string(
            "core/_child_banner.html", {**context, "parents_deadlines": parents_deadlines(deadlines)}, request
        ),
        render_to_string("core/_child_figures.html", context, request),
        render_to_string("core/_child_clocks.html", {**context, "deadlines": deadlines}, request),
    )
    cache.set(key, rendered)
    banner, figures, clocks = rendered
    return RecordParts(banner, figures, clocks, statement=statement, deadlines=deadlines)
