"""The JSON API under /api/v1/: read children, plans, lines and compliance; write sessions.

Every call carries a token (`Authorization: Bearer pl_…`) and reaches records only through core/access.py, as
the token's school or authority would: out of reach is a 404, in reach but not allowed (an authority writing) a 403.
"""

from __future__ import annotations

import functools
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Path, Query, Status
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import NinjaJSONEncoder
from ninja.security import HttpBearer

from provision_ledger.api import actions
from provision_ledger.api.actions import KeyedEntry, RowError, RowsRefused, Written
from provision_ledger.api.models import ApiToken
from provision_ledger.api.schemas import (
    BatchIn,
    BatchOut,
    ChildOut,
    ChildPage,
    ComplianceOut,
    LineOut,
    PlanOut,
    Problem,
    Refused,
    SessionIn,
    SessionOut,
)
from provision_ledger.core import access
from provision_ledger.core.access import Permission
from provision_ledger.delivery.models import Session
from provision_ledger.people.models import Child
from provision_ledger.plans.models import Plan, ProvisionLine
from provision_ledger.statements import child_statement

Id = Path(..., ge=1, le=2**53)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return actions.authenticate(token)


api = NinjaAPI(
    title="Provision Ledger API",
    version="1",
    description="Read what was promised and delivered for children with SEND; record sessions from other systems.",
    auth=TokenAuth(),
    urls_namespace="api-v1",
    docs_url=None,  # Swagger UI would load from a CDN; the OpenAPI document is served at /api/v1/openapi.json.
)

READ: dict[int, Any] = {401: Problem, 404: Problem, 422: Refused}
WRITE: dict[int, Any] = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 422: Refused}


def _token(request: HttpRequest) -> ApiToken:
    token = request.auth  # type: ignore[attr-defined]
    assert isinstance(token, ApiToken)
    return token


# Errors: one shape for every refusal ------------------------------------------------------------------------------


def _problem(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _problem(request, 404, str(exc) or "Not found")


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _problem(request, 403, "This token may read these records but not change them.")


@api.exception_handler(AuthenticationError)
def unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _problem(request, 401, "Send a live API token: Authorization: Bearer pl_…")


def _refused(request: HttpRequest, errors: list[RowError]) -> HttpResponse:
    """422 for rows that are wrong; 404 if any names a line out of the token's reach, as for a single session."""
    status = 404 if any(e.message == actions.NO_SUCH_LINE for e in errors) else 422
    body = {
        "detail": f"Nothing was written: {len(errors)} problem{'s' if len(errors) != 1 else ''}.",
        "errors": [{"index": e.index, "field": e.field, "message": e.message} for e in errors],
    }
    return api.create_response(request, body, status=status)


@api.exception_handler(NinjaValidationError)
def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """Malformed input named by row and field, as the business rules name theirs."""
    errors = []
    for error in exc.errors:
        loc = [part for part in error.get("loc", ()) if part not in ("body", "payload", "path", "query")]
        index = next((part for part in loc if isinstance(part, int)), None)
        field = next((str(part) for part in reversed(loc) if isinstance(part, str) and part != "sessions"), None)
        errors.append(RowError(index, field, str(error.get("msg", "Invalid value"))))  # type: ignore[arg-type]
    return _refused(request, errors)


# Reading ---------------------------------------------------------------------------------------------------------


def _child(child: Child) -> dict[str, object]:
    return {
        **{f: getattr(child, f) for f in ChildOut.model_fields if not f.startswith("school_")},
        "school_urn": child.school.urn,
        "school_name": child.school.name,
    }


def _plan(plan: Plan) -> dict[str, object]:
    return {f: getattr(plan, f) for f in PlanOut.model_fields}


def _line(line: ProvisionLine) -> dict[str, object]:
    current = line.current_version
    terms = None
    if current is not None:
        terms = {f: getattr(current, f) for f in ("effective_from", *_TERM_FIELDS)}
        terms["promise"] = current.promise
    return {
        "id": line.pk,
        "plan_id": line.plan_id,
        "child_id": line.plan.child_id,
        "void": line.voided_at is not None,
        "void_reason": line.void_reason,
        "terms": terms,
    }


_TERM_FIELDS = (
    "description",
    "category",
    "delivered_by",
    "group_size",
    "sessions",
    "period",
    "minutes_per_session",
    "weekly_minutes",
    "weekdays",
    "start_date",
    "end_date",
    "funder",
)


def _session(session: Session, client_key: str | None = None) -> dict[str, object]:
    if client_key is None:
        client_key = getattr(getattr(session, "client_key", None), "key", None)
    return {  # in SessionOut's order, as a batch answers without validating each row again
        "id": session.pk,
        "child_id": session.child_id,
        "line_id": session.line_id,
        "date": session.date,
        "status": session.status,
        "planned_minutes": session.planned_minutes,
        "delivered_minutes": session.delivered_minutes,
        "reason": session.reason,
        "note": session.note,
        "recorded_at": session.recorded_at,
        "void": session.voided_at is not None,
        "client_key": client_key,
    }


@api.get("/children", response={200: ChildPage, **READ}, tags=["children"])
def list_children(
    request: HttpRequest, limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0, le=10**6)
) -> dict[str, object]:
    """The children this token reaches, by name."""
    children = access.children_for(_token(request)).order_by("last_name", "first_name", "id")
    return {"count": children.count(), "items": [_child(c) for c in children[offset : offset + limit]]}


@api.get("/children/{child_id}", response={200: ChildOut, **READ}, tags=["children"])
def get_child(request: HttpRequest, child_id: int = Id) -> dict[str, object]:
    return _child(access.get_child(_token(request), child_id, reading="the child's details"))


@api.get("/children/{child_id}/plans", response={200: list[PlanOut], **READ}, tags=["plans"])
def list_plans(request: HttpRequest, child_id: int = Id) -> list[dict[str, object]]:
    """Every plan the child has had, newest first."""
    token = _token(request)
    child = access.get_child(token, child_id, reading="the child's plans")
    return [_plan(p) for p in access.plans_for(token).filter(child=child)]


@api.get("/children/{child_id}/compliance", response={200: ComplianceOut, **READ}, tags=["compliance"])
def child_compliance(request: HttpRequest, child_id: int = Id) -> dict[str, object]:
    """Promised against delivered for each line of the plan in force: this half-term, term, year and plan."""
    statement = child_statement(
        access.get_child(_token(request), child_id, reading="delivery figures"), timezone.localdate()
    )
    return {
        "child_id": child_id,
        "plan_id": statement.plan.pk if statement.plan else None,
        "as_of": timezone.localdate(),
        "status": statement.worst_status,
        "windows": [{"key": w.key, "label": w.label, "start": w.start, "end": w.end} for w in statement.windows],
        "lines": [
            {
                "line_id": report.line.pk,
                "description": str(report.line),
                "assessments": [
                    {
                        "window": key,
                        "expected_sessions": round(float(a.expected.sessions), 2),
                        "expected_minutes": round(float(a.expected.minutes), 2),
                        "delivered_sessions": a.delivered_sessions,
                        "delivered_minutes": a.delivered_minutes,
                        "missed_sessions": a.missed_sessions,
                        "missed_minutes": a.missed_minutes,
                        "not_recorded_sessions": a.not_recorded_sessions,
                        "not_recorded_minutes": a.not_recorded_minutes,
                        "owed_minutes": a.owed_minutes,
                        "percent": a.percent,
                        "status": a.status,
                    }
                    for key, a in report.assessments.items()
                ],
            }
            for report in statement.reports
        ],
    }


@api.get("/plans/{plan_id}", response={200: PlanOut, **READ}, tags=["plans"])
def get_plan(request: HttpRequest, plan_id: int = Id) -> dict[str, object]:
    return _plan(access.get_plan(_token(request), plan_id, reading="a plan"))


@api.get("/plans/{plan_id}/lines", response={200: list[LineOut], **READ}, tags=["lines"])
def list_lines(request: HttpRequest, plan_id: int = Id) -> list[dict[str, object]]:
    """The plan's provision lines, void ones included (marked), in the order they were written."""
    token = _token(request)
    plan = access.get_plan(token, plan_id, reading="a plan's provision")
    return [_line(line) for line in access.lines_for(token).filter(plan=plan).order_by("id")]


@api.get("/lines/{line_id}", response={200: LineOut, **READ}, tags=["lines"])
def get_line(request: HttpRequest, line_id: int = Id) -> dict[str, object]:
    return _line(access.get_line(_token(request), line_id, reading="a provision line"))


# Writing: registered before GET /sessions/{session_id}, so that /sessions/batch is never read as an id ------


def _keyed(payload: SessionIn) -> KeyedEntry:
    return KeyedEntry(**payload.model_dump())


@api.post("/sessions", response={200: SessionOut, 201: SessionOut, **WRITE}, tags=["sessions"])
def record_session(request: HttpRequest, payload: SessionIn) -> Status[Any] | HttpResponse:
    """Record one session. 201 when recorded; 200 with the original when its client key was sent before."""
    token = _token(request)
    access.get_line(token, payload.line_id, Permission.LOG)
    try:
        [written] = actions.write_sessions(token, [_keyed(payload)])
    except RowsRefused as refused:
        return _refused(request, [RowError(None, e.field, e.message) for e in refused.errors])  # type: ignore[arg-type]
    return Status(201 if written.created else 200, _session(written.session, payload.client_key))


@api.post("/sessions/batch", response={200: BatchOut, **WRITE, 404: Refused}, tags=["sessions"])
def record_session_batch(request: HttpRequest, payload: BatchIn) -> Any:
    """Record many sessions in one transaction: every row, or nothing if any row is wrong (named by index).

    A row naming a line out of the token's reach makes the whole batch a 404, its row named like any other.
    """
    token = _token(request)
    rows = [_keyed(row) for row in payload.sessions]
    try:
        written: list[Written] = actions.write_sessions(token, rows)
    except RowsRefused as refused:
        return _refused(request, refused.errors)
    # Each distinct date and time written as the renderer writes it, once: a batch shares a few days and one moment.
    as_text = functools.cache(NinjaJSONEncoder().default)
    answers: list[dict[str, object]] = []
    for i, w in enumerate(written):
        session = _session(w.session, rows[i].client_key)
        session["date"], session["recorded_at"] = as_text(session["date"]), as_text(session["recorded_at"])
        answers.append({"index": i, "created": w.created, "session": session})
    # Built here from the sessions just written, field for field as BatchOut documents them, and so not validated
    # again row by row (that cost more than writing them); the schema test holds the answer to the document.
    return api.create_response(request, {"sessions": answers}, status=200)


@api.get("/sessions/{session_id}", response={200: SessionOut, **READ}, tags=["sessions"])
def get_session(request: HttpRequest, session_id: int = Id) -> dict[str, object]:
    session = access.get_session(_token(request), session_id, reading="a session")
    return _session(session)


def urls() -> tuple[list[Any], str, str]:
    """The API's URLs, open to token requests: signing in, and the CSRF check that goes with it, are for people."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback.login_required = False  # type: ignore[union-attr]
    return patterns, app_name, namespace
