"""A session entry means the same whichever way it arrives: a page, the API or a CSV file record the same row."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.forms.models import model_to_dict
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import provision_ledger
from provision_ledger.api.actions import issue_token
from provision_ledger.audit.chain import verify
from provision_ledger.audit.models import AuditEvent
from provision_ledger.audit.sealing import key_of, row_hash
from provision_ledger.core.demo import add_terms, english_terms
from provision_ledger.delivery.actions import SessionEntry, record_session
from provision_ledger.delivery.models import LineMonth, Session
from provision_ledger.oversight.importer import ImportRefused, import_csv
from provision_ledger.people.models import School
from provision_ledger.plans.actions import amend_line
from provision_ledger.plans.models import LINE_TERM_FIELDS, ProvisionLine
from provision_ledger.rules.compliance import MissReason, SessionStatus
from tests.factories import make_la, make_senco

pytestmark = pytest.mark.django_db

CHILD = "upn,school_urn,first_name,last_name,date_of_birth,year_group,primary_need,secondary_need,sen_status\n"
CHILD += "A12345678901B,123456,Oliver,Bennett,2019-07-01,1,SLCN,,K\n"
PLAN = "child_upn,kind,start_date,review_due\nA12345678901B,sen_support,2025-09-01,2026-07-01\n"
LINE = (
    "child_upn,line_ref,description,category,delivered_by,sessions,period,minutes_per_session,start_date,end_date,"
    "weekdays,weekly_minutes,group_size,funder\n"
    "A12345678901B,MIS-1,Motor Skills programme,sensory_physical,ta,2,week,30,2025-09-01,,Tue Thu,,1,school\n"
)
# Every field a session row stores that the entry decides; who recorded it and how are the path's own.
COMPARED = ("line", "child", "date", "status", "planned_minutes", "delivered_minutes", "reason", "note", "voided_at")
AMENDED_FROM = date(2025, 11, 3)


def _world():
    la = make_la("Importshire")
    school = School.objects.create(urn="123456", name="Hillside Primary School", local_authority=la)
    add_terms(school, english_terms(2025))
    senco = make_senco(school)
    for kind, text in (("children", CHILD), ("plans", PLAN), ("lines", LINE)):
        import_csv(kind, io.BytesIO(text.encode()), la=la, by=senco, today=date(2025, 9, 1))
    line = ProvisionLine.objects.get(ref="MIS-1")
    # From 3 November the line's sessions are 20 minutes, not 30: each path must check a session against the terms in
    # force on its own date.
    current = line.current_version
    terms = {**{k: getattr(current, k) for k in LINE_TERM_FIELDS}, "minutes_per_session": 20}
    amend_line(line=line, by=senco, effective_from=AMENDED_FROM, reason="Review", today=date(2025, 10, 1), **terms)
    token = issue_token(by=senco, name="Arbor MIS", school=school)[1]
    days = school.calendar().school_days(date(2025, 9, 1), date(2026, 7, 20))
    return {"la": la, "senco": senco, "line": line, "token": token, "days": [d for d in days if d.weekday() in (1, 3)]}


def _outcome(write):
    """The row one path writes, its event's action and whether the event seals the row as saved, or that the path
    refused; rolled back either way."""
    with transaction.atomic():
        before = set(Session.objects.values_list("pk", flat=True))
        try:
            write()
        except (ValidationError, ValueError):  # each path refuses in its own words; that it refused is compared
            result: object = "refused"
        else:
            [session] = Session.objects.exclude(pk__in=before)
            # A page and the API write one event per session; a file one per child, sealing each of its rows.
            [event] = AuditEvent.objects.filter(seals__has_key=key_of(session))
            row = {k: v for k, v in model_to_dict(session).items() if k in COMPARED}
            result = (row, event.action, event.seals[key_of(session)] == row_hash(session))
        transaction.set_rollback(True)
    return result


def _write_by_page(world, day, status, planned, delivered, reason, note):
    entry = SessionEntry(world["line"], day, SessionStatus(status), delivered, reason, note, planned)
    return lambda: record_session(entry, by=world["senco"])


def _write_by_api(world, day, status, planned, delivered, reason, note):
    def post():
        body = {"client_key": f"k{day}{status}{planned}{delivered}", "line_id": world["line"].pk}
        body.update(date=day.isoformat(), status=status, reason=reason, note=note)
        body.update(
            {k: v for k, v in (("planned_minutes", planned), ("delivered_minutes", delivered)) if v is not None}
        )
        response = Client().post(
            "/api/v1/sessions",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {world['token']}"},
        )
        assert response.status_code < 500
        if response.status_code != 201:
            raise ValueError(response.status_code)

    return post


def _write_by_file(world, day, status, planned, delivered, reason, note):
    row = ",".join(["MIS-1", day.isoformat(), status, str(planned or ""), str(delivered or ""), reason, note])
    text = f"line_ref,date,status,planned_minutes,delivered_minutes,reason,note\n{row}\n"

    def load():
        try:
            import_csv("sessions", io.BytesIO(text.encode()), la=world["la"], by=world["senco"])
        except ImportRefused as refused:
            raise ValueError(str(refused)) from refused

    return load


def test_a_page_the_api_and_a_csv_file_record_the_same_row_for_the_same_entry_across_an_amendment():
    world = _world()
    minutes = st.one_of(st.none(), st.integers(min_value=1, max_value=60))

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        index=st.integers(min_value=0, max_value=len(world["days"]) - 1),
        status=st.sampled_from([s.value for s in SessionStatus]),
        planned=minutes,
        delivered=st.one_of(st.none(), st.integers(min_value=1, max_value=60)),
        reason=st.sampled_from(["", MissReason.STAFF_ABSENT.value, MissReason.CHILD_ABSENT.value]),
        note=st.sampled_from(["", "Worked on scissor skills"]),
    )
    def same_everywhere(index, status, planned, delivered, reason, note):
        entry = (world["days"][index], status, planned, delivered, reason, note)
        outcomes = [_outcome(path(world, *entry)) for path in (_write_by_page, _write_by_api, _write_by_file)]
        assert outcomes[0] == outcomes[1] == outcomes[2]

    same_everywhere()


def test_every_path_records_the_same_row_under_amendments_it_is_given():
    """As above, with a further amendment of the line generated for each entry: its day, minutes and group size."""
    world = _world()
    later = [d for d in world["days"] if d > AMENDED_FROM]

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        amended=st.integers(min_value=0, max_value=len(later) - 1),
        minutes=st.integers(min_value=5, max_value=90),
        group=st.integers(min_value=1, max_value=6),
        index=st.integers(min_value=0, max_value=len(world["days"]) - 1),
        status=st.sampled_from([s.value for s in SessionStatus]),
        delivered=st.one_of(st.none(), st.integers(min_value=1, max_value=90)),
        reason=st.sampled_from(["", MissReason.STAFF_REDEPLOYED.value]),
    )
    def same_everywhere(amended, minutes, group, index, status, delivered, reason):
        with transaction.atomic():
            line = ProvisionLine.objects.get(pk=world["line"].pk)
            current = line.current_version
            terms = {k: getattr(current, k) for k in LINE_TERM_FIELDS}
            terms.update(minutes_per_session=minutes, group_size=group)
            amend_line(line=line, by=world["senco"], effective_from=later[amended], reason="Review",
                       today=later[amended], **terms)  # fmt: skip
            fresh = {**world, "line": ProvisionLine.objects.get(pk=line.pk)}
            entry = (world["days"][index], status, None, delivered, reason, "")
            outcomes = [_outcome(path(fresh, *entry)) for path in (_write_by_page, _write_by_api, _write_by_file)]
            transaction.set_rollback(True)
        assert outcomes[0] == outcomes[1] == outcomes[2]
        if outcomes[0] != "refused":
            row, _, sealed = outcomes[0]
            in_force = (
                minutes
                if world["days"][index] >= later[amended]
                else (20 if world["days"][index] >= AMENDED_FROM else 30)
            )
            assert sealed
            assert row["planned_minutes"] == max(in_force, row["delivered_minutes"])

    same_everywhere()


def test_an_entry_after_an_amendment_is_planned_at_the_amended_minutes_by_every_path():
    world = _world()
    day = next(d for d in world["days"] if d >= AMENDED_FROM)
    for path in (_write_by_page, _write_by_api, _write_by_file):
        row, _, _ = _outcome(path(world, day, "delivered", None, None, "", ""))
        assert (row["planned_minutes"], row["delivered_minutes"]) == (20, 20)
    earlier = world["days"][0]
    for path in (_write_by_page, _write_by_api, _write_by_file):
        row, _, _ = _outcome(path(world, earlier, "delivered", None, None, "", ""))
        assert (row["planned_minutes"], row["delivered_minutes"]) == (30, 30)


SESSIONS_HEADER = "line_ref,date,status,planned_minutes,delivered_minutes,reason,note\n"


def test_a_file_repeating_one_entry_across_an_amendment_records_each_row_at_the_terms_in_force_on_its_date():
    world = _world()
    before = [d for d in world["days"] if d < AMENDED_FROM][:2]
    after = [d for d in world["days"] if d >= AMENDED_FROM][:2]
    rows = "".join(f"MIS-1,{d.isoformat()},delivered,,,,\n" for d in (before[0], after[0], before[1], after[1]))

    import_csv("sessions", io.BytesIO((SESSIONS_HEADER + rows).encode()), la=world["la"], by=world["senco"],
               today=date(2026, 9, 1))  # fmt: skip

    written = Session.objects.order_by("date").values_list("date", "planned_minutes", "delivered_minutes")
    assert list(written) == [(before[0], 30, 30), (before[1], 30, 30), (after[0], 20, 20), (after[1], 20, 20)]
    assert verify(world["la"].pk) == []


def test_an_entry_a_file_repeats_is_refused_only_on_the_date_whose_terms_it_contradicts():
    world = _world()
    before = [d for d in world["days"] if d < AMENDED_FROM][:2]
    after = next(d for d in world["days"] if d >= AMENDED_FROM)
    # 25 of 30 minutes is part of a session before the amendment, and more than the whole 20 minutes after it.
    rows = "".join(f"MIS-1,{d.isoformat()},part_delivered,,25,staff_absent,\n" for d in (before[0], after, before[1]))

    with pytest.raises(ImportRefused) as refused:
        import_csv("sessions", io.BytesIO((SESSIONS_HEADER + rows).encode()), la=world["la"], by=world["senco"],
                   today=date(2026, 9, 1))  # fmt: skip

    assert [str(e) for e in refused.value.errors] == [
        "Row 3, column delivered_minutes: part delivered means between 1 and 19 minutes."
    ]
    assert not Session.objects.exists()


# Building a Session (to save it), its manager's writes, or rows inserted into its table.
SESSION_WRITES = re.compile(
    r"(?<!class )\bSession\(|Session\.objects\.(create|bulk_create|bulk_update|update)\b|insert_rows\(\s*Session\b"
)
SESSION_WRITERS = {"delivery/actions.py", "delivery/bulk.py"}


def test_sessions_are_written_only_by_the_recording_actions_and_the_one_bulk_writer():
    package = Path(provision_ledger.__file__).parent
    writers = {
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "migrations" not in path.parts and SESSION_WRITES.search(path.read_text())
    }
    assert writers == SESSION_WRITERS


def test_the_demo_writes_each_session_with_its_event_and_its_months_sums():
    call_command("demo")
    sessions = Session.objects.count()
    assert sessions > 0
    assert AuditEvent.objects.filter(object_type="session", action="create").count() == sessions
    assert (
        LineMonth.objects.aggregate(minutes=Sum("delivered_minutes"))["minutes"]
        == (Session.objects.current().aggregate(minutes=Sum("delivered_minutes"))["minutes"])
    )
    assert verify() == []
