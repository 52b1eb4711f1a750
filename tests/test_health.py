"""Health endpoints: alive and ready, open without signing in, cheap, free of child data, never in the read log."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from provision_ledger.audit.models import ChainHead, RecordView
from provision_ledger.ops import health
from tests.factories import make_line, make_plan, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def built_static(settings, tmp_path):
    """A STATIC_ROOT as collectstatic leaves it, with the stylesheet every page links."""
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "app.css").write_text("body{}")
    settings.STATIC_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def recorded(child, senco):
    line = make_line(make_plan(child, senco), senco)
    make_session(line, senco, date(2025, 9, 10))
    return line


def test_healthz_answers_ok_to_anyone_without_signing_in_and_without_the_database(unverified_client):
    with CaptureQueriesContext(connection) as queries:
        response = unverified_client.get("/healthz")

    assert (response.status_code, response.content, response["Content-Type"]) == (200, b"ok\n", "text/plain")
    assert len(queries) == 0
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_ready_when_database_migrations_chain_and_static_files_are_in_place(
    unverified_client, built_static, recorded, child
):
    response = unverified_client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "chain": "ok", "static": "ok"},
    }
    body = response.content.decode()
    assert child.first_name not in body
    assert child.last_name not in body


def test_readyz_says_static_files_are_not_built_before_collectstatic(unverified_client, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "empty"

    response = unverified_client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["static"] == "not built: run collectstatic"
    assert response.json()["status"] == "not ready"


def test_readyz_names_an_authority_whose_chain_head_is_missing_or_behind(unverified_client, built_static, recorded):
    head = ChainHead.objects.get()
    ChainHead.objects.filter(pk=head.pk).update(seq=head.seq - 1)

    behind = unverified_client.get("/readyz")
    ChainHead.objects.all().delete()
    missing = unverified_client.get("/readyz")

    assert behind.status_code == missing.status_code == 503
    assert (
        behind.json()["checks"]["chain"]
        == missing.json()["checks"]["chain"]
        == ("1 authority chain head(s) missing or behind")
    )


def test_readyz_names_unapplied_migrations(unverified_client, built_static, monkeypatch):
    class Executor:
        def __init__(self, connection):
            self.loader = type("Loader", (), {"graph": type("Graph", (), {"leaf_nodes": lambda self: []})()})()

        def migration_plan(self, targets):
            return [("people", "0099_later"), ("plans", "0099_later")]

    monkeypatch.setattr(health, "_migrations_done", False)
    monkeypatch.setattr(health, "MigrationExecutor", Executor)

    response = unverified_client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "migrations": "2 migration(s) not applied",
        "chain": "not checked",
        "static": "ok",
    }


def test_readyz_reads_a_handful_of_rows_whatever_the_size_of_the_record(unverified_client, built_static, recorded):
    unverified_client.get("/readyz")  # the migration graph is read once per process
    with CaptureQueriesContext(connection) as queries:
        response = unverified_client.get("/readyz")

    assert response.status_code == 200
    # SELECT 1, the chain heads, the authorities with each one's last sequence number.
    assert len(queries) == 3
    assert not any("delivery_session" in q["sql"] or "people_child" in q["sql"] for q in queries.captured_queries)


def test_health_endpoints_leave_no_trace_in_the_read_log_even_for_a_signed_in_senco(client, senco, built_static):
    client.force_login(senco)

    for path in ("/healthz", "/readyz"):
        assert client.get(path).status_code == 200

    assert RecordView.objects.count() == 0


def test_health_endpoints_accept_only_reads(unverified_client):
    assert unverified_client.post("/healthz").status_code == 405
    assert unverified_client.head("/healthz").status_code == 200
