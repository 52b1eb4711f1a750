"""Production logs: one JSON object a request with id, user, route, status and time, never a child's details."""

from __future__ import annotations

import json
import logging

import pytest
from django.urls import reverse

from provision_ledger.ops.jsonlog import JsonFormatter

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_log(caplog):
    caplog.set_level(logging.INFO, logger="provision_ledger.requests")
    return caplog


def _lines(caplog) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "provision_ledger.requests"]


def test_each_request_is_one_json_line_with_id_user_route_status_and_duration(request_log, client, senco, child):
    client.force_login(senco)

    response = client.get(
        reverse("child-detail", kwargs={"child_id": child.pk}) + "?q=Bennett", HTTP_X_REQUEST_ID="proxy-id-12345678"
    )

    (line,) = _lines(request_log)
    assert response["X-Request-ID"] == "proxy-id-12345678"
    assert set(line) == {"time", "level", "logger", "message", *("request_id", "user_id", "method", "route")} | {
        "status",
        "duration_ms",
    }
    assert (line["request_id"], line["user_id"], line["method"], line["route"], line["status"]) == (
        "proxy-id-12345678",
        senco.pk,
        "GET",
        "children/<int:child_id>/",
        200,
    )
    assert line["duration_ms"] > 0
    text = json.dumps(line)
    assert "Bennett" not in text
    assert "Oliver" not in text
    assert str(child.pk) not in line["route"]


def test_a_request_id_that_is_not_plainly_an_id_is_replaced(request_log, unverified_client):
    response = unverified_client.get(reverse("login"), HTTP_X_REQUEST_ID="Oliver Bennett <script>")

    (line,) = _lines(request_log)
    assert response["X-Request-ID"] == line["request_id"]
    assert len(line["request_id"]) == 32
    assert line["user_id"] is None


def test_a_token_in_the_path_never_reaches_the_log(request_log, unverified_client):
    unverified_client.get("/invitations/secret-token-abcdef/")

    (line,) = _lines(request_log)
    assert line["route"] == "invitations/<str:token>/"
    assert "secret-token" not in json.dumps(line)


def test_health_polls_are_logged_only_at_debug(request_log, unverified_client):
    unverified_client.get("/healthz")

    assert _lines(request_log) == []


def test_an_exception_is_logged_as_its_type_and_frames_never_its_message():
    try:
        raise ValueError("Oliver Bennett, date of birth 2019-03-14")
    except ValueError:
        record = logging.getLogger("provision_ledger").makeRecord(
            "provision_ledger", logging.ERROR, __file__, 1, "Could not draw the statement", (), exc_info=True
        )
        import sys

        record.exc_info = sys.exc_info()

    entry = json.loads(JsonFormatter().format(record))

    assert entry["message"] == "Could not draw the statement"
    assert entry["exception"] == "ValueError"
    assert entry["stack"][0].endswith("in test_an_exception_is_logged_as_its_type_and_frames_never_its_message")
    assert "Bennett" not in json.dumps(entry)


def test_djangos_error_line_keeps_the_reason_and_drops_the_path():
    record = logging.getLogger("django.request").makeRecord(
        "django.request", logging.ERROR, __file__, 1, "%s: %s", ("Internal Server Error", "/calendar/tok123.ics"), None
    )

    entry = json.loads(JsonFormatter().format(record))

    assert entry["message"] == "Internal Server Error"
    assert "tok123" not in json.dumps(entry)


def test_production_logs_json_and_development_plain_text(monkeypatch):
    import importlib

    module = importlib.import_module("provision_ledger.settings")
    try:
        monkeypatch.setenv("PRODUCTION", "True")
        monkeypatch.setenv("LEDGER_CHAIN_KEY", "a chain key kept outside the database, 32 characters or more")
        production = importlib.reload(module).LOGGING
        monkeypatch.setenv("PRODUCTION", "False")
        development = importlib.reload(module).LOGGING
    finally:
        monkeypatch.undo()
        importlib.reload(module)

    assert production["handlers"]["console"]["formatter"] == "json"
    assert production["loggers"]["provision_ledger.requests"]["level"] == "INFO"
    assert "formatter" not in development["handlers"]["console"]
