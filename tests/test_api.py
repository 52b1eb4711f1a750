"""The JSON API: tokens, reach through core/access.py, reads, and session writes that are safe to repeat."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from provision_ledger.api import actions
from provision_ledger.api.actions import issue_token, revoke_token
from provision_ledger.api.endpoints import api
from provision_ledger.api.models import ApiToken, ClientKey
from provision_ledger.audit import chain
from provision_ledger.audit.actions import snapshot
from provision_ledger.audit.chain import normalised, verify
from provision_ledger.audit.models import AuditEvent
from provision_ledger.audit.sealing import key_of, row_hash
from provision_ledger.delivery import actions as delivery_actions
from provision_ledger.delivery.actions import SessionEntry, record_session
from provision_ledger.delivery.models import Session
from provision_ledger.people.models import Membership
from provision_ledger.rules.compliance import SessionStatus
from tests.factories import (
    make_child,
    make_la,
    make_la_officer,
    make_line,
    make_plan,
    make_school,
    make_senco,
    make_session,
    make_staff,
)

pytestmark = pytest.mark.django_db

TODAY = date(2025, 9, 19)  # a Friday in the third week of the autumn term


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


def _record(school, senco, first_name):
    child = make_child(school, first_name=first_name)
    plan = make_plan(child, senco)
    line = make_line(plan, senco)
    session = make_session(line, senco, date(2025, 9, 10))
    return {"child": child, "plan": plan, "line": line, "session": session}


@pytest.fixture
def world():
    """Schools A and B in North, C in South; a record in each; a token for school A, for North, for South."""
    north, south = make_la("North"), make_la("South")
    school_a, school_b, school_c = make_school(north), make_school(north), make_school(south)
    senco_a, senco_b, senco_c = make_senco(school_a), make_senco(school_b), make_senco(school_c)
    officer_north = make_la_officer(north)
    return {
        "own": _record(school_a, senco_a, "Own"),
        "other_school": _record(school_b, senco_b, "Other"),
        "other_la": _record(school_c, senco_c, "Far"),
        "school_a": school_a,
        "school_b": school_b,
        "senco_a": senco_a,
        "senco_b": senco_b,
        "officer_north": officer_north,
        "school_token": issue_token(by=senco_a, name="Arbor MIS", school=school_a)[1],
        "school_b_token": issue_token(by=senco_b, name="SIMS", school=school_b)[1],
        "la_token": issue_token(by=officer_north, name="North reporting", local_authority=north)[1],
    }


def _get(secret, path):
    return Client().get(f"/api/v1{path}", headers={"Authorization": f"Bearer {secret}"})


def _post(secret, path, body, client=None):
    return (client or Client()).post(
        f"/api/v1{path}", body, content_type="application/json", headers={"Authorization": f"Bearer {secret}"}
    )


def _row(line, key="mis-1", day="2025-09-17", status="delivered", **fields):
    return {"client_key": key, "line_id": line.pk, "date": day, "status": status, **fields}


# Every read, with the ids it takes from a record.
READS = {
    "/children/{child_id}": lambda r: {"child_id": r["child"].pk},
    "/children/{child_id}/plans": lambda r: {"child_id": r["child"].pk},
    "/children/{child_id}/compliance": lambda r: {"child_id": r["child"].pk},
    "/plans/{plan_id}": lambda r: {"plan_id": r["plan"].pk},
    "/plans/{plan_id}/lines": lambda r: {"plan_id": r["plan"].pk},
    "/lines/{line_id}": lambda r: {"line_id": r["line"].pk},
    "/sessions/{session_id}": lambda r: {"session_id": r["session"].pk},
}


def test_every_endpoint_of_the_openapi_document_is_in_the_access_matrix():
    paths = {path.removeprefix("/api/v1") for path in api.get_openapi_schema()["paths"]}
    assert paths == {*READS, "/children", "/sessions", "/sessions/batch"}


def test_school_token_reads_each_record_of_its_own_school(world):
    statuses = {
        path: _get(world["school_token"], path.format(**ids(world["own"]))).status_code for path, ids in READS.items()
    }
    assert statuses == dict.fromkeys(READS, 200)


def test_school_token_gets_404_for_another_schools_child_on_every_endpoint(world):
    statuses = {}
    for name in ("other_school", "other_la"):
        record = world[name]
        for path, ids in READS.items():
            statuses[(name, path)] = _get(world["school_token"], path.format(**ids(record))).status_code
        statuses[(name, "/sessions")] = _post(world["school_token"], "/sessions", _row(record["line"])).status_code
        batch = {"sessions": [_row(world["own"]["line"], key="a"), _row(record["line"], key="b")]}
        statuses[(name, "/sessions/batch")] = _post(world["school_token"], "/sessions/batch", batch).status_code
    assert statuses == dict.fromkeys(statuses, 404)
    assert len(statuses) == 2 * (len(READS) + 2)
    assert Session.objects.count() == 3


def test_school_token_lists_only_its_own_schools_children(world):
    response = _get(world["school_token"], "/children")
    assert response.json()["count"] == 1
    assert [c["first_name"] for c in response.json()["items"]] == ["Own"]


def test_la_token_reads_the_children_of_its_schools_and_no_other_authoritys(world):
    names = [c["first_name"] for c in _get(world["la_token"], "/children").json()["items"]]
    far = {
        path: _get(world["la_token"], path.format(**ids(world["other_la"]))).status_code for path, ids in READS.items()
    }
    near = {
        path: _get(world["la_token"], path.format(**ids(world["other_school"]))).status_code
        for path, ids in READS.items()
    }
    assert sorted(names) == ["Other", "Own"]
    assert far == dict.fromkeys(READS, 404)
    assert near == dict.fromkeys(READS, 200)


def test_la_token_may_not_record_sessions_in_its_own_schools(world):
    line = world["own"]["line"]
    single = _post(world["la_token"], "/sessions", _row(line))
    batch = _post(world["la_token"], "/sessions/batch", {"sessions": [_row(line)]})
    assert (single.status_code, batch.status_code) == (403, 403)
    assert Session.objects.filter(line=line).count() == 1


def test_la_token_gets_404_for_a_line_in_another_authority(world):
    assert _post(world["la_token"], "/sessions", _row(world["other_la"]["line"])).status_code == 404


def test_missing_unknown_and_revoked_tokens_are_refused(world):
    token = ApiToken.objects.get(name="Arbor MIS")
    revoke_token(token, by=world["senco_a"])
    statuses = [
        Client().get("/api/v1/children").status_code,
        _get("pl_not-a-real-token", "/children").status_code,
        _get(world["school_token"], "/children").status_code,
    ]
    assert statuses == [401, 401, 401]


def test_token_stops_reaching_a_school_when_its_maker_stops_being_its_senco(world):
    Membership.objects.filter(user=world["senco_a"]).delete()
    assert _get(world["school_token"], f"/children/{world['own']['child'].pk}").status_code == 404


def test_token_reaches_nothing_once_its_maker_is_deactivated(world):
    world["senco_a"].is_active = False
    world["senco_a"].save(update_fields=["is_active"])
    line = world["own"]["line"]
    assert _get(world["school_token"], f"/children/{world['own']['child'].pk}").status_code == 404
    assert _post(world["school_token"], "/sessions/batch", {"sessions": [_row(line)]}).status_code == 404
    assert Session.objects.filter(line=line).count() == 1


def test_token_of_a_senco_who_is_now_only_staff_at_the_school_may_not_record(world):
    Membership.objects.filter(user=world["senco_a"]).update(role="staff")
    line = world["own"]["line"]
    assert _post(world["school_token"], "/sessions/batch", {"sessions": [_row(line)]}).status_code == 404
    assert Session.objects.filter(line=line).count() == 1


def test_token_is_stored_only_as_the_sha256_of_its_secret(world):
    token = ApiToken.objects.get(name="Arbor MIS")
    [stored] = ApiToken.objects.filter(pk=token.pk).values_list(*[f.attname for f in ApiToken._meta.fields])
    assert token.secret_hash == hashlib.sha256(world["school_token"].encode()).hexdigest()
    assert world["school_token"] not in [str(value) for value in stored]


def test_a_call_records_when_the_token_was_last_used(world):
    token = ApiToken.objects.get(name="Arbor MIS")
    assert token.last_used_at is None
    _get(world["school_token"], "/children")
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < timedelta(minutes=1)


def test_staff_cannot_make_a_token_for_their_school(world):
    staff = make_staff(world["school_a"])
    with pytest.raises(PermissionDenied):
        issue_token(by=staff, name="Mine", school=world["school_a"])


def test_senco_cannot_make_a_token_for_another_school(world):
    with pytest.raises(PermissionDenied):
        issue_token(by=world["senco_a"], name="Theirs", school=world["school_b"])


# Reading -------------------------------------------------------------------------------------------------------


def test_child_reads_as_its_record(world):
    child = world["own"]["child"]
    assert _get(world["school_token"], f"/children/{child.pk}").json() == {
        "id": child.pk,
        "first_name": "Own",
        "last_name": "Bennett",
        "date_of_birth": "2019-07-01",
        "year_group": "1",
        "upn": "",
        "primary_need": "SLCN",
        "secondary_need": "",
        "sen_status": "K",
        "sen_unit": False,
        "resourced_provision": False,
        "top_up_funding": False,
        "school_urn": world["school_a"].urn,
        "school_name": "Hillside Primary School",
    }


def test_line_reads_with_its_terms_in_force(world):
    line = world["own"]["line"]
    body = _get(world["school_token"], f"/lines/{line.pk}").json()
    assert body["terms"]["promise"] == "2 sessions of 30 minutes a week, one-to-one, with a teaching assistant"
    assert (body["plan_id"], body["void"], body["terms"]["minutes_per_session"]) == (world["own"]["plan"].pk, False, 30)


def test_compliance_is_delivered_against_expected_from_the_school_calendar(world):
    line, senco = world["own"]["line"], world["senco_a"]
    make_session(line, senco, date(2025, 9, 12))
    make_session(line, senco, date(2025, 9, 17))
    body = _get(world["school_token"], f"/children/{world['own']['child'].pk}/compliance").json()
    [year] = [a for a in body["lines"][0]["assessments"] if a["window"] == "year"]
    # Term began Tuesday 2 September: 4 days of week one, then two full weeks, at 2 sessions of 30 minutes a week.
    assert year == {
        "window": "year",
        "expected_sessions": 5.6,
        "expected_minutes": 168.0,
        "delivered_sessions": 3,
        "delivered_minutes": 90,
        "missed_sessions": 0,
        "missed_minutes": 0,
        "not_recorded_sessions": 3,  # 6 expected (5.6 rounded), 3 recorded
        "not_recorded_minutes": 78,
        "owed_minutes": 78,
        "percent": 54,
        "status": "breach",
    }
    assert (body["plan_id"], body["status"], body["as_of"]) == (world["own"]["plan"].pk, "breach", "2025-09-19")


# Writing -------------------------------------------------------------------------------------------------------


def test_session_written_through_the_api_is_audited_in_the_makers_name_and_chained(world):
    response = _post(world["school_token"], "/sessions", _row(world["own"]["line"], note="Good focus"))
    session = Session.objects.get(pk=response.json()["id"])
    event = AuditEvent.objects.get(object_type="session", object_id=session.pk)
    assert response.status_code == 201
    assert (session.recorded_by, session.delivered_minutes, session.note) == (world["senco_a"], 30, "Good focus")
    assert event.summary.startswith("Session recorded via API Arbor MIS (pl_")
    assert event.actor == world["senco_a"]
    assert verify() == []


def test_repeating_a_client_key_returns_the_original_session_and_records_no_other(world):
    line = world["own"]["line"]
    first = _post(world["school_token"], "/sessions", _row(line, key="arbor-991"))
    again = _post(world["school_token"], "/sessions", _row(line, key="arbor-991"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Session.objects.filter(line=line).count() == 2  # the fixture's session and this one


def test_the_same_client_key_from_another_school_is_another_session(world):
    own = _post(world["school_token"], "/sessions", _row(world["own"]["line"], key="1"))
    theirs = _post(world["school_b_token"], "/sessions", _row(world["other_school"]["line"], key="1"))
    assert (own.status_code, theirs.status_code) == (201, 201)
    assert own.json()["id"] != theirs.json()["id"]


def test_a_client_key_used_for_another_line_or_day_is_refused(world):
    line = world["own"]["line"]
    first = _post(world["school_token"], "/sessions", _row(line, key="k", day="2025-09-17"))
    response = _post(world["school_token"], "/sessions", _row(line, key="k", day="2025-09-18"))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "index": None,
            "field": "client_key",
            "message": f"This key recorded session {first.json()['id']}, for another line or day.",
        }
    ]


def test_a_single_bad_session_is_refused_by_field(world):
    response = _post(world["school_token"], "/sessions", _row(world["own"]["line"], status="not_delivered"))
    assert response.status_code == 422
    assert response.json() == {
        "detail": "Nothing was written: 1 problem.",
        "errors": [{"index": None, "field": "reason", "message": "Say why the session did not happen."}],
    }


def test_batch_records_every_row_in_one_go(world):
    line = world["own"]["line"]
    rows = [
        _row(line, key="a", day="2025-09-15"),
        _row(line, key="b", day="2025-09-16", status="not_delivered", reason="staff_absent"),
        _row(line, key="c", day="2025-09-17", status="part_delivered", delivered_minutes=20, reason="child_absent"),
    ]
    response = _post(world["school_token"], "/sessions/batch", {"sessions": rows})
    assert response.status_code == 200
    assert [(r["index"], r["created"], r["session"]["delivered_minutes"]) for r in response.json()["sessions"]] == [
        (0, True, 30),
        (1, True, 0),
        (2, True, 20),
    ]
    assert sorted(ClientKey.objects.values_list("key", flat=True)) == ["a", "b", "c"]


def test_batch_with_a_bad_row_writes_nothing_and_names_the_row_and_field(world):
    line = world["own"]["line"]
    rows = [
        _row(line, key="a", day="2025-09-15"),
        _row(line, key="b", day="2025-09-16", status="not_delivered"),
        _row(line, key="c", day="2025-09-22"),
        _row(line, key="a", day="2025-09-17"),
    ]
    response = _post(world["school_token"], "/sessions/batch", {"sessions": rows})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"index": 1, "field": "reason", "message": "Say why the session did not happen."},
        {"index": 2, "field": "date", "message": "A session cannot be recorded for a day that has not happened yet."},
        {"index": 3, "field": "client_key", "message": "Row 0 has this key too."},
    ]
    assert Session.objects.filter(line=line).count() == 1
    assert ClientKey.objects.count() == 0


def test_a_batch_names_every_likely_mistake_by_row_and_field_with_its_other_errors_and_writes_nothing(world):
    line = world["own"]["line"]  # a session on Wednesday 10 September 2025 already
    rows = [
        _row(line, key="a", day="2025-09-13"),  # a Saturday
        _row(line, key="b", day="2025-09-10"),
        _row(line, key="b", day="2025-09-11"),
        _row(line, key="c", day="2025-09-12", school_was_open=True, another_that_day=True),
    ]
    response = _post(world["school_token"], "/sessions/batch", {"sessions": rows})
    school = world["school_a"].name
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "index": 0,
            "field": "school_was_open",
            "message": f"Saturday 13 September 2025 is not a school day at {school}. If the school was open and the "
            "session took place, tick “The school was open that day”.",
        },
        {
            "index": 1,
            "field": "another_that_day",
            "message": f"A session is already recorded for {line} on 10 September 2025. To add a second one that day, "
            "tick “Record another session that day”.",
        },
        {"index": 2, "field": "client_key", "message": "Row 1 has this key too."},
    ]
    assert Session.objects.filter(line=line).count() == 1
    assert ClientKey.objects.count() == 0


def test_each_session_of_a_batch_is_sealed_by_its_own_event_as_a_page_records_it(world):
    line, token = world["own"]["line"], ApiToken.objects.get(name="Arbor MIS")
    rows = [
        _row(line, key="a", day="2025-09-15", note='Café, "quoted" \\ and on'),
        _row(line, key="b", day="2025-09-16", status="part_delivered", delivered_minutes=20, reason="child_absent"),
    ]
    response = _post(world["school_token"], "/sessions/batch", {"sessions": rows})
    assert response.status_code == 200
    for written in response.json()["sessions"]:
        session = Session.objects.get(pk=written["session"]["id"])
        [event] = AuditEvent.objects.filter(object_type="session", object_id=session.pk)
        assert (event.action, event.actor, event.child, event.local_authority_id) == (
            "create",
            world["senco_a"],
            session.child,
            session.local_authority_id,
        )
        assert event.summary == f"Session recorded via API {token}: {session}"
        assert event.after == normalised(snapshot(session))
        assert event.seals == {key_of(session): row_hash(session)}
        assert (event.before, event.reason, event.address, event.at) == (None, "", "127.0.0.1", session.recorded_at)
    assert verify() == []


def test_malformed_batch_rows_are_named_by_index_and_field(world):
    rows = [_row(world["own"]["line"], key="a"), _row(world["own"]["line"], key="b", date="17/09/2025")]
    rows[1]["date"] = "17/09/2025"
    response = _post(world["school_token"], "/sessions/batch", {"sessions": rows})
    assert response.status_code == 422
    assert [(e["index"], e["field"]) for e in response.json()["errors"]] == [(1, "date")]
    assert ClientKey.objects.count() == 0


def test_repeating_a_batch_returns_its_sessions_and_records_the_new_rows_only(world):
    line = world["own"]["line"]
    first = _post(world["school_token"], "/sessions/batch", {"sessions": [_row(line, key="a", day="2025-09-15")]})
    rows = [_row(line, key="a", day="2025-09-15"), _row(line, key="b", day="2025-09-16")]
    again = _post(world["school_token"], "/sessions/batch", {"sessions": rows})
    assert [(r["created"], r["session"]["client_key"]) for r in again.json()["sessions"]] == [(False, "a"), (True, "b")]
    assert again.json()["sessions"][0]["session"] == first.json()["sessions"][0]["session"]
    assert Session.objects.filter(line=line).count() == 3


def test_token_requests_need_no_csrf_token_and_no_signed_in_session(world):
    client = Client(enforce_csrf_checks=True)
    response = _post(world["school_token"], "/sessions", _row(world["own"]["line"]), client=client)
    assert response.status_code == 201


def test_openapi_document_is_served_and_the_docs_page_is_not():
    document = Client().get("/api/v1/openapi.json")
    assert document.status_code == 200
    assert document.json()["info"]["title"] == "Provision Ledger API"
    assert Client().get("/api/v1/docs").status_code == 404


# The tokens page and command -------------------------------------------------------------------------------------


def test_senco_makes_a_token_on_the_page_and_sees_its_secret_once(client, world):
    client.force_login(world["senco_a"])
    made = client.post(reverse("api-tokens"), {"name": "Therapy service", "reach": f"school-{world['school_a'].pk}"})
    token = ApiToken.objects.get(name="Therapy service")
    secret = made.context["secret"]
    listed = client.get(reverse("api-tokens"))
    assert (token.school, token.created_by) == (world["school_a"], world["senco_a"])
    assert secret in made.content.decode()
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in listed.content.decode()
    assert _get(secret, "/children").json()["count"] == 1


def test_la_officer_can_make_only_a_read_only_token_for_their_authority(client, world):
    client.force_login(world["officer_north"])
    page = client.get(reverse("api-tokens"))
    assert [key for key, _ in page.context["form"].fields["reach"].choices] == [
        f"la-{world['school_a'].local_authority_id}"
    ]


def test_senco_revokes_a_token_on_the_page_and_it_stays_listed(client, world):
    client.force_login(world["senco_a"])
    token = ApiToken.objects.get(name="Arbor MIS")
    client.post(reverse("api-token-revoke", kwargs={"token_id": token.pk}))
    token.refresh_from_db()
    assert (token.revoked_by, token.revoked_at is not None) == (world["senco_a"], True)
    assert "Revoked" in client.get(reverse("api-tokens")).content.decode()
    assert _get(world["school_token"], "/children").status_code == 401


def test_api_token_command_makes_lists_and_revokes(world, capsys):
    email, urn = world["senco_a"].email, world["school_a"].urn
    call_command("api-token", "create", "--user", email, "--school", urn, "--name", "Nightly export")
    secret = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(name="Nightly export")
    call_command("api-token", "list", "--user", email)
    listing = capsys.readouterr().out
    call_command("api-token", "revoke", str(token.pk), "--user", email)
    token.refresh_from_db()
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert "Nightly export" in listing
    assert token.revoked_at is not None


def test_api_token_command_refuses_a_school_the_user_does_not_run(world):
    with pytest.raises(CommandError, match="does not manage"):
        call_command(
            "api-token", "create", "--user", world["senco_a"].email, "--school", world["school_b"].urn, "--name", "x"
        )


@pytest.mark.parametrize("another_that_day", [False, True], ids=["refused-as-a-second-session", "key-taken"])
def test_a_key_written_by_a_concurrent_request_in_the_meantime_returns_that_session(
    world, monkeypatch, another_that_day
):
    """Two retries of one request race: the one that loses the write answers with the winner's session, whether its
    entry is then refused as a second session that day or its key is found taken as it is written."""
    line, token = world["own"]["line"], ApiToken.objects.get(name="Arbor MIS")
    real_read, raced = actions._sent_before, []

    def read_then_the_other_request_writes(school, keys):
        found = real_read(school, keys)
        if not raced:
            winner = record_session(SessionEntry(line, date(2025, 9, 17), SessionStatus.DELIVERED), by=token.created_by)
            raced.append(
                ClientKey.objects.create(
                    local_authority=winner.local_authority, school=school, key="race", session=winner, token=token
                )
            )
        return found

    monkeypatch.setattr(actions, "_sent_before", read_then_the_other_request_writes)
    response = _post(world["school_token"], "/sessions", _row(line, key="race", another_that_day=another_that_day))
    assert response.status_code == 200
    assert response.json()["id"] == raced[0].session_id
    assert Session.objects.filter(line=line).count() == 2
    assert ClientKey.objects.get(key="race").session_id == raced[0].session_id


def _batch_of(world, children: int, days: int) -> list[dict]:
    school, senco = world["school_a"], world["senco_a"]
    school_days = school.calendar().school_days(date(2025, 9, 1), TODAY)[:days]
    lines = [make_line(make_plan(make_child(school, first_name=f"C{n}"), senco), senco) for n in range(children)]
    return [_row(line, key=f"k{line.pk}-{day}", day=day.isoformat()) for line in lines for day in school_days]


def test_a_batch_of_500_rows_costs_no_more_statements_than_a_batch_of_two(world, monkeypatch):
    small, large = _batch_of(world, 1, 2), _batch_of(world, 36, 15)[:500]
    bulk: list[str] = []  # the rows, their events and their keys each go in as one bulk insert, unseen by Django

    def counted(real):
        def insert_rows(model, *args):
            bulk.append(model.__name__)
            return real(model, *args)

        return insert_rows

    for module in (delivery_actions, chain, actions):
        monkeypatch.setattr(module, "insert_rows", counted(module.insert_rows))
    with CaptureQueriesContext(connection) as small_batch:
        assert _post(world["school_token"], "/sessions/batch", {"sessions": small}).status_code == 200
    small_bulk, bulk[:] = list(bulk), []
    with CaptureQueriesContext(connection) as large_batch:
        response = _post(world["school_token"], "/sessions/batch", {"sessions": large})
    assert response.status_code == 200
    assert bulk == small_bulk == ["Session", "AuditEvent", "ClientKey"]
    # The same reads and writes as two rows, but the token's time of use, written once a minute.
    assert len(large_batch.captured_queries) == len(small_batch.captured_queries) - 1
    assert len(response.json()["sessions"]) == 500
    assert Session.objects.filter(line__plan__child__first_name__startswith="C").count() == 502
    assert (
        AuditEvent.objects.filter(object_type="session", summary__startswith="Session recorded via API").count() == 502
    )
