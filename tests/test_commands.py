"""The command line: the compliance report and the demo loader."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from provision_ledger.audit.chain import verify
from provision_ledger.people.models import Child, User
from tests.factories import make_child, make_line, make_plan, make_school, make_senco, make_session

pytestmark = pytest.mark.django_db


def _run(*args: str) -> list[dict]:
    out = StringIO()
    call_command("compliance", *args, stdout=out)
    return json.loads(out.getvalue())


def test_compliance_prints_one_object_per_line_over_a_period():
    school = make_school()
    senco = make_senco(school)
    child = make_child(school)
    line = make_line(make_plan(child, senco, start=date(2025, 9, 1)), senco, sessions=1, minutes_per_session=30)
    make_session(line, senco, date(2025, 9, 10))
    make_session(line, senco, date(2025, 9, 17), "not_delivered", reason="staff_absent")
    # Monday 8 to Friday 19 September: two full school weeks, one session a week.
    assert _run("--format", "json", "--school", school.urn, "--from", "2025-09-08", "--to", "2025-09-19") == [
        {
            "child_id": child.pk,
            "child_name": "Oliver Bennett",
            "school_urn": school.urn,
            "plan_kind": "sen_support",
            "line_id": line.pk,
            "line": "Motor Skills programme",
            "from": "2025-09-08",
            "to": "2025-09-19",
            "expected_sessions": 2.0,
            "delivered_sessions": 1,
            "expected_minutes": 60.0,
            "delivered_minutes": 30,
            "owed_minutes": 30,
            "compliance": 0.5,
            "status": "breach",
        }
    ]


def test_compliance_defaults_to_each_line_from_its_start_to_today():
    school = make_school()
    senco = make_senco(school)
    line = make_line(make_plan(make_child(school), senco, start=date(2025, 9, 1)), senco, start_date=date(2025, 9, 8))
    [row] = _run("--format", "json")
    assert (row["line_id"], row["from"], row["to"]) == (
        line.pk,
        "2025-09-08",
        timezone.localdate().isoformat(),
    )


def test_compliance_refuses_an_unknown_school():
    with pytest.raises(CommandError, match=r"No school with URN 999999\."):
        _run("--school", "999999")


def test_compliance_refuses_a_period_that_ends_before_it_starts():
    with pytest.raises(CommandError, match=r"--from 2025-10-01 is after --to 2025-09-01\."):
        _run("--from", "2025-10-01", "--to", "2025-09-01")


def test_demo_tells_the_threads_story_motor_skills_in_breach_with_one_session():
    call_command("demo", stdout=StringIO())
    oliver = Child.objects.get(first_name="Oliver", last_name="Bennett")
    rows = [r for r in _run("--format", "json") if r["child_id"] == oliver.pk]
    motor = next(r for r in rows if r["line"] == "Motor Skills programme")
    assert (motor["delivered_sessions"], motor["status"], motor["plan_kind"]) == (1, "breach", "sen_support")
    assert motor["to"] == timezone.localdate().isoformat()
    assert sorted(User.objects.filter(email__endswith="@demo.test").values_list("email", flat=True)) == [
        "admin@demo.test",
        "ehcp.parent@demo.test",
        "la@demo.test",
        "parent@demo.test",
        "salt.manager@demo.test",
        "salt@demo.test",
        "senco@demo.test",
        "ta@demo.test",
        "trust@demo.test",
    ]
    # Thirty of Oakfield's own, and one who moved from Brookside a fortnight ago.
    assert Child.objects.filter(school__urn="990001").count() == 31
    assert Child.objects.filter(school__urn="990001", enrolments__school__urn="990002").count() == 1
    assert verify() == []  # the demo's bulk-written history is chained like any other


def test_demo_only_loads_into_an_empty_database():
    make_school()
    with pytest.raises(CommandError, match="demo data only loads into an empty database"):
        call_command("demo", stdout=StringIO())
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert out.getvalue() == "The database already has data: demo not loaded.\n"


def test_demo_never_loads_under_production_settings(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="never loaded under production settings"):
        call_command("demo", stdout=StringIO())
    assert not User.objects.exists()


def test_demo_has_a_trust_of_both_schools_and_a_therapist_commissioned_in_both():
    from provision_ledger.core import access

    call_command("demo", stdout=StringIO())
    lead = User.objects.get(email="trust@demo.test")
    therapist = User.objects.get(email="salt@demo.test")
    assert sorted(s.urn for s in access.schools_for(lead)) == ["990001", "990002"]
    reached = access.lines_for(therapist, access.Permission.LOG)
    assert sorted({line.plan.child.school.urn for line in reached}) == ["990001", "990002"]
    assert {line.current_version.delivered_by for line in reached} == {"salt"}
    out = StringIO()
    call_command("demo", "--sign-ins", stdout=out)
    for email in ("trust@demo.test", "salt@demo.test", "salt.manager@demo.test"):
        assert email in out.getvalue()
    assert verify() == []
