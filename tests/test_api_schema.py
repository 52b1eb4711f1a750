"""schemathesis against the API's own OpenAPI document: no server error, and every response as documented."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from provision_ledger.api.actions import issue_token
from tests.factories import make_child, make_line, make_plan, make_school, make_senco, make_session

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
NEGATIVE = GenerationMode.NEGATIVE
EXAMPLES = 30  # per operation and per set of path parameters


@pytest.fixture
def wsgi_app():
    """The real WSGI application, kept on the test's connection as Django's test client keeps it."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield WSGIHandler()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def seeded():
    """A school with a child, a plan, a line and sessions, its SENCO's token, and the ids of each record."""
    school = make_school(years=(2025, 2026))
    senco = make_senco(school)
    child = make_child(school)
    plan = make_plan(child, senco)
    line = make_line(plan, senco, weekdays=[0, 2])
    session = make_session(line, senco, date(2025, 9, 10))
    make_session(line, senco, date(2025, 9, 15), status="not_delivered", reason="staff_absent")
    _, secret = issue_token(by=senco, name="schemathesis", school=school)
    ids = {"child_id": child.pk, "plan_id": plan.pk, "line_id": line.pk, "session_id": session.pk}
    return secret, ids


def _on_seeded_line(case, line_id):
    """Point a generated write at the seeded line, so that it reaches the ledger's own checks and writes."""
    rows = case.body.get("sessions", []) if isinstance(case.body, dict) else []
    for row in [case.body, *rows] if isinstance(case.body, dict) else rows:
        if isinstance(row, dict) and "line_id" in row:
            row["line_id"] = line_id
    return case


def test_api_answers_every_generated_request_as_its_openapi_document_says(wsgi_app, seeded, capsys):
    secret, ids = seeded
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    cases: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        names = {p.name for p in operation.path_parameters}
        headers = {"Authorization": f"Bearer {secret}"}
        # Generated ids (mostly records that do not exist), then the seeded records themselves.
        strategies = [operation.as_strategy(headers=headers), operation.as_strategy(NEGATIVE, headers=headers)]
        if names:
            strategies.append(operation.as_strategy(headers=headers, path_parameters={n: ids[n] for n in names}))
        if operation.method.upper() == "POST":
            strategies.append(operation.as_strategy(headers=headers).map(lambda c: _on_seeded_line(c, ids["line_id"])))
        for strategy in strategies:

            @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
            @given(case=strategy)
            def run(case):
                response = case.call_and_validate(checks=CHECKS)
                cases[case.operation.label] += 1
                statuses[response.status_code] += 1

            run()
    with capsys.disabled():
        print(f"\nschemathesis: {sum(cases.values())} cases over {len(cases)} operations; statuses {dict(statuses)}")
    assert len(cases) == 10
