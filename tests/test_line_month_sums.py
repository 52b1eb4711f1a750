"""Each line's sessions summed by month, as the authority's figures read them: kept on every path that writes."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from provision_ledger.audit.chain import verify
from provision_ledger.delivery import totals
from provision_ledger.delivery.actions import (
    SessionEntry,
    correct_session,
    record_group_session,
    record_sessions,
    void_session,
)
from provision_ledger.delivery.models import LineMonth
from provision_ledger.rules.compliance import MissReason, SessionStatus
from tests.factories import make_child, make_line, make_plan, make_school, make_senco, make_session

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 15)


@pytest.fixture
def senco():
    return make_senco(make_school())


@pytest.fixture
def line(senco):
    plan = make_plan(make_child(senco.memberships.get().school), senco, start=date(2025, 9, 1))
    return make_line(plan, senco, sessions=3, minutes_per_session=30)


def _sums(line) -> dict[date, tuple[int, int, int]]:
    """(delivered, missed for staff redeployed, missed for child absent) by month."""
    rows = LineMonth.objects.filter(line=line).order_by("month")
    return {
        r.month: (r.delivered_minutes, r.missed_staff_redeployed, r.missed_child_absent)
        for r in rows.only("month", "delivered_minutes", "missed_staff_redeployed", "missed_child_absent")
    }


def test_sessions_recorded_one_by_one_and_as_a_register_are_summed_by_month(line, senco):
    make_session(line, senco, date(2025, 9, 8))
    entries = [
        SessionEntry(line, date(2025, 9, 9), SessionStatus.PART_DELIVERED, 20, MissReason.STAFF_REDEPLOYED.value),
        SessionEntry(line, date(2025, 10, 6), SessionStatus.NOT_DELIVERED, None, MissReason.CHILD_ABSENT.value),
    ]
    record_sessions(entries, by=senco, today=TODAY)
    assert _sums(line) == {date(2025, 9, 1): (50, 10, 0), date(2025, 10, 1): (0, 0, 30)}
    assert list(totals.problems(line.local_authority_id)) == []


def test_a_voided_session_is_taken_from_its_month_and_a_correction_counts_in_its_place(line, senco):
    first = make_session(line, senco, date(2025, 9, 8))
    second = make_session(line, senco, date(2025, 9, 9))
    void_session(first, by=senco, reason="Entered twice")
    correct_session(
        second,
        SessionEntry(line, date(2025, 9, 9), SessionStatus.NOT_DELIVERED, None, MissReason.STAFF_REDEPLOYED.value),
        by=senco,
        reason="The TA was covering Year 3",
        today=TODAY,
    )
    assert _sums(line) == {date(2025, 9, 1): (0, 30, 0)}
    assert list(totals.problems(line.local_authority_id)) == []


def test_a_group_session_counts_once_for_each_child_in_it(line, senco):
    school = senco.memberships.get().school
    other = make_line(make_plan(make_child(school, first_name="Maya"), senco, start=date(2025, 9, 1)), senco)
    record_group_session([line, other], day=date(2025, 11, 3), status=SessionStatus.DELIVERED, by=senco, today=TODAY)
    assert (_sums(line), _sums(other)) == ({date(2025, 11, 1): (30, 0, 0)}, {date(2025, 11, 1): (30, 0, 0)})


def test_a_refused_register_leaves_the_sums_as_they_were(line, senco):
    make_session(line, senco, date(2025, 9, 8))
    entries = [
        SessionEntry(line, date(2025, 9, 9), SessionStatus.DELIVERED),
        SessionEntry(line, date(2025, 9, 10), SessionStatus.NOT_DELIVERED),  # no reason given: refused
    ]
    with pytest.raises(Exception, match="Say why the session did not happen"):
        record_sessions(entries, by=senco, today=TODAY)
    assert _sums(line) == {date(2025, 9, 1): (30, 0, 0)}


def test_verify_names_sums_that_differ_and_refresh_totals_lays_them_again(line, senco):
    make_session(line, senco, date(2025, 9, 8))
    LineMonth.objects.filter(line=line).update(delivered_minutes=45)
    assert [p.message for p in verify()] == [
        f"The monthly sums of line {line.pk} for September 2025 differ from its sessions: minutes delivered 45 where "
        "its sessions sum to 30. Run provision-ledger refresh-totals."
    ]
    out = StringIO()
    call_command("refresh-totals", stdout=out)
    assert out.getvalue() == "Summed the sessions of 1 local authorities into 1 line-months.\n"
    assert verify() == []
    assert _sums(line) == {date(2025, 9, 1): (30, 0, 0)}


def test_voiding_a_session_whose_month_was_never_summed_is_refused_and_changes_nothing(line, senco):
    session = make_session(line, senco, date(2025, 9, 8))
    LineMonth.objects.filter(line=line).delete()
    with pytest.raises(LookupError, match="has no sums for September 2025"):
        void_session(session, by=senco, reason="Entered twice")
    session.refresh_from_db()
    assert session.voided_at is None
