"""Bulk import from CSV: the example files go in whole; a bad row anywhere keeps the whole file out."""

from __future__ import annotations

import io
import json
from datetime import UTC, date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from hypothesis import given, settings
from hypothesis import strategies as st

from provision_ledger.audit.chain import verify
from provision_ledger.audit.models import AuditEvent
from provision_ledger.audit.sealing import content, content_text, instant, key_of, keyed_hasher, row_hash
from provision_ledger.core.demo import add_terms, english_terms
from provision_ledger.delivery import bulk
from provision_ledger.delivery.models import LineMonth, Session
from provision_ledger.oversight import importer
from provision_ledger.oversight.importer import ImportRefused, RowError, import_csv
from provision_ledger.people.models import Child, School
from provision_ledger.plans.models import ExpectedMonth, Plan, ProvisionLine
from provision_ledger.rules.compliance import MissReason, SessionStatus
from tests.factories import make_la, make_senco

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "examples"
TODAY = date(2026, 9, 1)


@pytest.fixture
def authority():
    la = make_la("Importshire")
    school = School.objects.create(urn="123456", name="Hillside Primary School", local_authority=la)
    add_terms(school, english_terms(2025))
    return {"la": la, "school": school, "senco": make_senco(school)}


def _import(kind: str, text: str | bytes, authority) -> object:
    data = text.encode() if isinstance(text, str) else text
    return import_csv(kind, io.BytesIO(data), la=authority["la"], by=authority["senco"], today=TODAY)


def _import_examples(authority, upto: str = "sessions") -> None:
    for kind in ("children", "plans", "lines", "sessions"):
        _import(kind, (EXAMPLES / f"{kind}.csv").read_bytes(), authority)
        if kind == upto:
            return


def test_example_files_import_in_order_with_an_audit_event_for_each_record(authority):
    _import_examples(authority)
    la = authority["la"]
    assert Child.objects.filter(local_authority=la).count() == 3
    assert sorted(Plan.objects.filter(local_authority=la).values_list("kind", flat=True)) == [
        "ehc_plan",
        "sen_support",
        "sen_support",
    ]
    assert sorted(ProvisionLine.objects.filter(local_authority=la).values_list("ref", flat=True)) == [
        "MIS-1001",
        "MIS-1002",
        "MIS-1003",
        "MIS-1004",
    ]
    sessions = Session.objects.filter(local_authority=la).order_by("line__ref", "date")
    assert [(s.line.ref, s.status, s.planned_minutes, s.delivered_minutes, s.reason) for s in sessions] == [
        ("MIS-1001", "delivered", 30, 30, ""),
        ("MIS-1001", "not_delivered", 30, 0, "staff_redeployed"),
        ("MIS-1002", "delivered", 120, 120, ""),
        ("MIS-1002", "part_delivered", 120, 60, "staff_absent"),
        ("MIS-1003", "delivered", 45, 45, ""),
        ("MIS-1004", "not_delivered", 30, 0, "child_absent"),
    ]
    # 3 plans + 4 lines, each in the chain, and one event for each of the 3 children's sessions from the file,
    # sealing each session; the chain and every row's last seal agree, and so do the lines' monthly sums with their
    # sessions.
    assert AuditEvent.objects.filter(local_authority=la).count() == 10
    assert sorted(len(e.seals) for e in AuditEvent.objects.filter(local_authority=la, object_type="session")) == [
        1,
        2,
        3,
    ]
    assert verify(la.pk) == []
    months = LineMonth.objects.filter(local_authority=la)
    sums = months.aggregate(d=Sum("delivered_minutes"), m=Sum("missed_staff_absent"))
    assert sums == {"d": 255, "m": 60}
    # Expected months are laid for the dashboard: the SALT line ends on 22 July 2026, so nothing after.
    salt = ProvisionLine.objects.get(ref="MIS-1003")
    assert ExpectedMonth.objects.filter(line=salt).order_by("month").last().month == date(2026, 7, 1)


def test_a_long_file_adds_its_monthly_sums_as_they_fill_and_they_agree_with_its_sessions(authority, monkeypatch):
    monkeypatch.setattr(importer._Sessions, "batch", 2)
    monkeypatch.setattr(bulk, "MONTH_SUMS_HELD", 1)  # every batch adds its sums, and they must still add up
    _import_examples(authority, upto="lines")
    rows = "".join(f"MIS-1001,2025-{month:02d}-{day:02d},delivered,,,,\n" for month in (9, 10) for day in (8, 9, 10))
    _import("sessions", "line_ref,date,status,planned_minutes,delivered_minutes,reason,note\n" + rows, authority)
    line = ProvisionLine.objects.get(ref="MIS-1001")
    months = LineMonth.objects.filter(line=line).order_by("month").values_list("month", "delivered_minutes")
    assert list(months) == [(date(2025, 9, 1), 90), (date(2025, 10, 1), 90)]
    assert verify(authority["la"].pk) == []


def test_a_bad_date_is_refused_with_its_row_and_column_and_nothing_is_written(authority):
    _import_examples(authority, upto="lines")
    good = "MIS-1001,2025-09-02,delivered,,,,\n" * 48_209
    text = "line_ref,date,status,planned_minutes,delivered_minutes,reason,note\n" + good
    text += "MIS-1001,2025-09-31,delivered,,,,\n" + "MIS-1001,2025-09-04,delivered,,,,\n" * 30
    with pytest.raises(ImportRefused) as refused:
        _import("sessions", text, authority)
    assert refused.value.errors == [
        RowError(48_211, "date", "“2025-09-31” is not a date: write it as YYYY-MM-DD, e.g. 2025-09-08.")
    ]
    assert str(refused.value) == (
        "Row 48,211, column date: “2025-09-31” is not a date: write it as YYYY-MM-DD, e.g. 2025-09-08."
    )
    assert Session.objects.count() == 0
    assert AuditEvent.objects.filter(object_type="session").count() == 0
    assert LineMonth.objects.count() == 0


def test_unknown_school_and_child_references_are_named(authority):
    children = "upn,school_urn,first_name,last_name,date_of_birth,year_group,primary_need,sen_status\n"
    children += "A12345678909Z,999999,Ada,Lee,2019-01-01,1,SLCN,K\n"
    with pytest.raises(ImportRefused) as refused:
        _import("children", children, authority)
    assert refused.value.errors == [RowError(2, "school_urn", "no school with URN “999999” in Importshire.")]
    plans = "child_upn,kind,start_date,review_due\nB00000000000A,ehc_plan,2025-09-01,2026-09-01\n"
    with pytest.raises(ImportRefused) as refused:
        _import("plans", plans, authority)
    assert refused.value.errors == [
        RowError(2, "child_upn", "no child with UPN B00000000000A in Importshire: import the children first.")
    ]
    assert Child.objects.count() == 0
    assert Plan.objects.count() == 0


def test_every_bad_row_is_listed_not_just_the_first(authority):
    _import_examples(authority, upto="lines")
    text = (
        "line_ref,date,status,delivered_minutes,reason\n"
        "MIS-1001,2025-09-02,delivered,,\n"
        "MIS-9999,2025-09-02,delivered,,\n"
        "MIS-1001,2025-09-04,not_delivered,,\n"
        "MIS-1001,2025-09-04,part_delivered,45,staff_absent\n"
        "MIS-1001,2027-01-04,delivered,,\n"
    )
    with pytest.raises(ImportRefused) as refused:
        _import("sessions", text, authority)
    assert refused.value.errors == [
        RowError(3, "line_ref", "no provision line MIS-9999 in Importshire: import the lines first."),
        RowError(4, "reason", "say why the session did not happen."),
        RowError(5, "delivered_minutes", "part delivered means between 1 and 29 minutes."),
        RowError(6, "date", "4 January 2027 has not happened yet."),
    ]
    assert Session.objects.count() == 0


def test_a_file_in_the_wrong_encoding_says_so(authority):
    latin = "upn,school_urn,first_name,last_name,date_of_birth,year_group,primary_need,sen_status\n"
    latin += "A12345678909Z,123456,Zoë,Brontë,2019-01-01,1,SLCN,K\n"
    with pytest.raises(ImportRefused) as refused:
        _import("children", latin.encode("latin-1"), authority)
    assert [e.message for e in refused.value.errors] == [
        "the file is not in UTF-8. Save it from your spreadsheet as “CSV UTF-8” and try again."
    ]
    assert Child.objects.count() == 0


def test_a_header_without_a_required_column_is_refused(authority):
    with pytest.raises(ImportRefused) as refused:
        _import("plans", "child_upn,kind,start\nA12345678901B,ehc_plan,2025-09-01\n", authority)
    assert refused.value.errors == [
        RowError(1, "start_date, review_due", "required column missing from the header row."),
        RowError(1, "start", "not a column of a plans file."),
    ]


def test_import_command_reports_rows_and_refuses_with_the_rows_named(authority, tmp_path):
    out = io.StringIO()
    call_command(
        "import-csv", "children", str(EXAMPLES / "children.csv"), la=authority["la"].code,
        email=authority["senco"].email, stdout=out,
    )  # fmt: skip
    assert out.getvalue().startswith("Imported 3 children from children.csv in ")
    bad = tmp_path / "plans.csv"
    bad.write_text("child_upn,kind,start_date,review_due\nA12345678901B,ehc,2025-09-01,2026-09-01\n")
    with pytest.raises(CommandError) as refused:
        call_command("import-csv", "plans", str(bad), la=authority["la"].code, email=authority["senco"].email)
    assert str(refused.value) == (
        "plans.csv was not imported; nothing was written.\nRow 2, column kind: “ehc” is not one of: "
        "ehc_plan, iep_school_action, iep_school_action_plus, sen_support, statement."
    )


@settings(max_examples=300, deadline=None)
@given(
    ids=st.tuples(*[st.integers(min_value=1, max_value=2**53)] * 5),
    delivered_by=st.one_of(st.none(), st.integers(min_value=1, max_value=2**53)),
    day=st.dates(),
    status=st.sampled_from([s.value for s in SessionStatus]),
    minutes=st.tuples(st.integers(0, 32767), st.integers(0, 32767)),
    reason=st.sampled_from(["", *(r.value for r in MissReason)]),
    note=st.text(),
)
def test_a_bulk_written_sessions_after_is_written_as_json_dumps_writes_it(
    ids, delivered_by, day, status, minutes, reason, note
):
    pk, la, child, line, by = ids
    planned, delivered = minutes
    snapshot = {
        "local_authority": la, "child": child, "line": line, "date": day.isoformat(), "status": status,
        "planned_minutes": planned, "delivered_minutes": delivered, "reason": reason, "delivered_by": delivered_by,
        "note": note, "group_ref": None, "recorded_by": by, "corrects": None, "voided_at": None, "voided_by": None,
        "void_reason": "", "id": pk,
    }  # fmt: skip
    written = bulk.session_after_json(pk, la, child, line, day.isoformat(), status, planned, delivered, reason, note,
                                      by, delivered_by)  # fmt: skip
    assert written == json.dumps(snapshot, sort_keys=True, separators=(",", ":"))


@settings(max_examples=300, deadline=None)
@given(
    ids=st.tuples(*[st.integers(min_value=1, max_value=2**53)] * 5),
    delivered_by=st.one_of(st.none(), st.integers(min_value=1, max_value=2**53)),
    day=st.dates(),
    at=st.datetimes(timezones=st.sampled_from([UTC, ZoneInfo("Europe/London")])),
    status=st.sampled_from([s.value for s in SessionStatus]),
    minutes=st.tuples(st.integers(0, 32767), st.integers(0, 32767)),
    reason=st.sampled_from(["", *(r.value for r in MissReason)]),
    note=st.text(),
    key=st.binary(min_size=32, max_size=80),
)
def test_a_bulk_written_sessions_seal_is_the_one_row_hash_makes_from_the_row(
    ids, delivered_by, day, at, status, minutes, reason, note, key
):
    pk, la, child, line, by = ids
    planned, delivered = minutes
    row = Session(id=pk, local_authority_id=la, child_id=child, line_id=line, date=day, status=status,
                  planned_minutes=planned, delivered_minutes=delivered, reason=reason, note=note,
                  delivered_by_id=delivered_by, recorded_by_id=by, recorded_at=at)  # fmt: skip
    text = bulk.session_sealed_text(pk, la, child, line, day.isoformat(), status, planned, delivered, reason, note, by,
                                    instant(at), delivered_by)  # fmt: skip
    assert text == f"{key_of(row)}\n{content_text(content(row))}"
    assert keyed_hasher(key)(text) == row_hash(row, key)


def test_a_session_on_a_day_the_school_was_closed_is_refused_unless_the_file_says_it_was_open(authority):
    _import_examples(authority, upto="lines")
    header = "line_ref,date,status,planned_minutes,delivered_minutes,reason,note,school_open\n"
    with pytest.raises(ImportRefused) as refused:
        _import("sessions", header + "MIS-1001,2025-10-04,delivered,,,,,\n", authority)
    assert refused.value.errors == [
        RowError(
            2,
            "date",
            "Saturday 4 October 2025 is not a school day at Hillside Primary School. If the school was open and the "
            "session took place, put yes in the school_open column.",
        )
    ]
    assert not Session.objects.exists()
    _import("sessions", header + "MIS-1001,2025-10-04,delivered,,,,,yes\n", authority)
    assert list(Session.objects.values_list("date", flat=True)) == [date(2025, 10, 4)]


def test_one_session_altered_after_an_import_is_named_though_the_file_wrote_one_event_per_child(authority):
    _import_examples(authority)
    la = authority["la"]
    session = Session.objects.filter(local_authority=la, status="not_delivered").order_by("pk").first()
    Session.objects.filter(pk=session.pk).update(status="delivered", delivered_minutes=30, reason="")

    problems = [p.message for p in verify(la.pk) if p.message.startswith("Session ")]

    assert len(problems) == 1
    assert problems[0].startswith(f"Session {session.pk} (")
    assert problems[0].endswith("its stored values no longer match the seal that event recorded.")
