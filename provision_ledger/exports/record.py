"""Everything held about a child, as a subject access request would return it."""

from __future__ import annotations

from typing import Any

from django.forms.models import model_to_dict
from django.utils import timezone

from provision_ledger.audit.chain import seal
from provision_ledger.audit.queries import history_of
from provision_ledger.delivery.models import Session
from provision_ledger.kit.spreadsheets import csv_of_dicts
from provision_ledger.outcomes.models import Outcome, Review
from provision_ledger.parents.models import Concern
from provision_ledger.people.models import Child, User
from provision_ledger.plans.models import Plan

SESSION_COLUMNS = [
    "session_id",
    "date",
    "line_id",
    "line",
    "status",
    "planned_minutes",
    "delivered_minutes",
    "reason",
    "note",
    "recorded_by",
    "recorded_at",
    "void",
    "void_reason",
    "voided_by",
    "voided_at",
    "corrects_session_id",
]


def _name(user: User | None) -> str:
    return "" if user is None else (user.get_full_name() or user.email)


def session_rows(child: Child) -> list[dict[str, Any]]:
    """Every session ever recorded for the child, void ones included, oldest first."""
    sessions = (
        Session.objects.filter(child=child)
        .select_related("recorded_by", "voided_by")
        .prefetch_related("line__versions")
        .order_by("date", "id")
    )
    return [
        {
            "session_id": s.pk,
            "date": s.date.isoformat(),
            "line_id": s.line_id,
            "line": str(s.line),
            "status": s.status,
            "planned_minutes": s.planned_minutes,
            "delivered_minutes": s.delivered_minutes,
            "reason": s.reason,
            "note": s.note,
            "recorded_by": _name(s.recorded_by),
            "recorded_at": s.recorded_at.isoformat(),
            "void": s.voided_at is not None,
            "void_reason": s.void_reason,
            "voided_by": _name(s.voided_by),
            "voided_at": s.voided_at.isoformat() if s.voided_at else "",
            "corrects_session_id": s.corrects_id or "",
        }
        for s in sessions
    ]


def sessions_csv(child: Child) -> str:
    return csv_of_dicts(session_rows(child), SESSION_COLUMNS)


def whole_record(child: Child, requested_by: User, *, family: bool) -> dict[str, Any]:
    """The child, every plan with every version of every line, sessions, concerns and the history of changes."""
    plans = []
    for plan in Plan.objects.filter(child=child).prefetch_related("lines__versions").order_by("start_date", "id"):
        plans.append(
            {
                **model_to_dict(plan, exclude=["local_authority", "created_by"]),
                "kind_label": plan.kind_label,
                "legal_force": plan.legal_force.summary,
                "lines": [
                    {
                        "id": line.pk,
                        "voided_at": line.voided_at,
                        "void_reason": line.void_reason,
                        "versions": [
                            {**model_to_dict(v, exclude=["line", "created_by"]), "promise": v.promise}
                            for v in line.versions_in_order
                        ],
                    }
                    for line in plan.lines.all()
                ],
            }
        )
    concerns = [
        {
            "id": c.pk,
            "subject": c.subject,
            "status": c.status,
            "line_id": c.line_id,
            "session_id": c.session_id,
            "raised_at": c.raised_at,
            "messages": [
                {
                    "from_school": m.from_school,
                    "author": _name(m.author),
                    "sent_at": m.sent_at,
                    "body": m.body,
                }
                for m in c.messages.select_related("author").all()
            ],
        }
        for c in Concern.objects.filter(child=child).order_by("raised_at", "id")
    ]
    history = [
        {
            "at": e.at,
            "who": _name(e.actor),
            "action": e.action,
            "what": e.object_type,
            "object_id": e.object_id,
            "summary": e.summary,
            "before": e.before,
            "after": e.after,
            "reason": e.reason,
        }
        for e in history_of(child, family=family)
    ]
    outcomes = [
        {
            **model_to_dict(o, exclude=["local_authority", "child", "created_by", "lines"]),
            "line_ids": [line.pk for line in o.lines.all()],
            "entries": [
                {
                    **model_to_dict(e, exclude=["local_authority", "child", "outcome", "recorded_by", "voided_by"]),
                    "recorded_by": _name(e.recorded_by),
                    "recorded_at": e.recorded_at,
                    "voided_at": e.voided_at,
                }
                for e in o.entries.select_related("recorded_by").order_by("date", "id")
            ],
        }
        for o in Outcome.objects.filter(child=child).prefetch_related("lines").order_by("id")
    ]
    reviews = [
        model_to_dict(r, exclude=["local_authority", "child", "created_by", "views_recorded_by"])
        for r in Review.objects.filter(child=child).order_by("meeting_date", "id")
    ]
    seq, digest = seal(child.local_authority_id)
    return {
        "ledger_seal": {"event": seq, "hash": digest},
        "record_reference": f"{seq}-{digest}",
        "generated_at": timezone.now(),
        "generated_for": _name(requested_by),
        "child": {
            **model_to_dict(child, exclude=["local_authority"]),
            "school": child.school.name,
            "school_urn": child.school.urn,
        },
        "plans": plans,
        "sessions": session_rows(child),
        "concerns": concerns,
        "outcomes": outcomes,
        "reviews": reviews,
        "history": history,
    }
