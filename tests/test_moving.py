"""A child moving school: the one action that records it, the chains it writes to, and where each month counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from icalendar import Calendar

from provision_ledger.audit.chain import verify
from provision_ledger.audit.models import AuditEvent
from provision_ledger.delivery.actions import SessionEntry, record_session, void_session
from provision_ledger.delivery.models import LineMonth
from provision_ledger.money.queries import authority_spend
from provision_ledger.nextsteps.advice import overdue_reviews_by_school
from provision_ledger.oversight.queries import Window, line_figures
from provision_ledger.parents.calendar_feed import feed_for
from provision_ledger.people.actions import move_child, void_move
from provision_ledger.people.models import Child, Enrolment, NonTeachingDay, StaffAssignment
from provision_ledger.people.queries import calendar_of
from provision_ledger.plans.actions import adopt_proposal
from provision_ledger.plans.models import ExpectedMonth, Plan, PlanProposal, ProvisionLine
from provision_ledger.rules.compliance import SessionStatus
from provision_ledger.rules.delivery import expected_delivery
from provision_ledger.statements import child_statement
from tests.factories import make_child, make_la, make_line, make_plan, make_school, make_senco, make_session, make_staff

pytestmark = pytest.mark.django_db

MOVED_ON = date(2026, 1, 14)  # a Wednesday: the first day at the new school
TODAY = date(2026, 3, 2)


@pytest.fixture
def move():
    """Oliver at Oak (North), with an EHC plan of two 30-minute sessions a week, moving to Elm (South)."""
    north, south = make_la("North"), make_la("South")
    oak, elm = make_school(north, "Oak Primary"), make_school(south, "Elm Primary")
    # Elm closes for an INSET day after the move, Oak for one after it too: each side is laid on its own calendar.
    NonTeachingDay.objects.create(school=elm, date=date(2026, 1, 15))
    NonTeachingDay.objects.create(school=oak, date=date(2026, 1, 16))
    oak_senco, elm_senco = make_senco(oak), make_senco(elm)
    child = make_child(oak)
    plan = make_plan(child, oak_senco, kind="ehc_plan")
    line = make_line(plan, oak_senco)
    ta = make_staff(oak, child)
    make_session(line, oak_senco, date(2025, 9, 8))
    make_session(line, ta, date(2026, 1, 12))
    return {"north": north, "south": south, "oak": oak, "elm": elm, "oak_senco": oak_senco,
            "elm_senco": elm_senco, "child": child, "plan": plan, "line": line, "ta": ta}  # fmt: skip


def _move(world, **kwargs):
    """Move Oliver; the line is then read again, as a page after the move would read it."""
    fields = {"moved_on": MOVED_ON, "by": world["oak_senco"], "reason": "The family moved house.", "today": TODAY}
    arrival = move_child(world["child"], world["elm"], **{**fields, **kwargs})
    world["line"] = ProvisionLine.objects.select_related("plan__child__school").get(pk=world["line"].pk)
    return arrival


def test_a_move_closes_the_old_enrolment_opens_the_new_and_the_child_belongs_to_the_new_school(move):
    arrival = _move(move)
    child = Child.objects.get(pk=move["child"].pk)
    assert (child.school, child.local_authority) == (move["elm"], move["south"])
    rows = list(Enrolment.objects.filter(child=child).order_by("started_on").values_list(
        "school__name", "local_authority__name", "started_on", "ended_on"))  # fmt: skip
    assert rows == [
        ("Oak Primary", "North", date(2025, 9, 1), date(2026, 1, 13)),
        ("Elm Primary", "South", MOVED_ON, None),
    ]
    assert arrival.school == move["elm"]
    # The TA assigned at Oak no longer works with him; the enrolment he left remembers who did.
    assert not StaffAssignment.objects.filter(child=child).exists()
    assert list(Enrolment.objects.get(child=child, school=move["oak"]).staff.all()) == [move["ta"]]


def test_the_old_authority_records_the_leaving_and_the_new_one_the_arrival_and_both_chains_verify(move):
    _move(move)
    north = list(AuditEvent.objects.filter(local_authority=move["north"], object_type="enrolment").values_list(
        "summary", flat=True))  # fmt: skip
    south = list(AuditEvent.objects.filter(local_authority=move["south"]).values_list("summary", flat=True))
    assert north == [
        "Oliver left Oak Primary: last day 13 January 2026, moving to Elm Primary",
        "Oliver recorded at Oak Primary from 1 September 2025",
    ]
    assert south == ["Oliver joined Elm Primary on 14 January 2026, from Oak Primary"]
    assert verify() == []


def test_rows_written_before_the_move_keep_their_authority_and_later_changes_are_sealed_in_its_chain(move):
    _move(move)
    line, plan = move["line"], move["plan"]
    plan.refresh_from_db()
    assert (plan.local_authority, line.local_authority) == (move["north"], move["north"])
    # The new school records a session: it is the new authority's; and it amends the line that moved with him.
    session = record_session(SessionEntry(line, date(2026, 1, 20), SessionStatus.DELIVERED), by=move["elm_senco"],
                             today=TODAY)  # fmt: skip
    assert session.local_authority == move["south"]
    from provision_ledger.plans.actions import amend_line

    current = line.current_version
    terms = {f: getattr(current, f) for f in ("description", "category", "delivered_by", "qualification",
             "group_size", "sessions", "period", "minutes_per_session", "weekly_minutes", "weekdays",
             "time_of_day", "start_date", "end_date", "outcome", "funder")}  # fmt: skip
    amend_line(line=line, by=move["elm_senco"], effective_from=date(2026, 2, 2), reason="More time",
               today=date(2026, 2, 2), **{**terms, "sessions": 3})  # fmt: skip
    amended = AuditEvent.objects.get(object_type="provisionline", action="change")
    assert amended.local_authority == move["north"]
    assert verify() == []


@pytest.mark.parametrize(
    ("moved_on", "to", "reason", "field", "message"),
    [
        (date(2026, 3, 3), "elm", "Moved", "moved_on",
         "A move cannot be recorded for a day that has not happened yet."),
        (date(2025, 9, 1), "elm", "Moved", "moved_on",
         "Oliver started at Oak Primary on 1 September 2025: the move must be dated after that."),
        (date(2026, 1, 12), "elm", "Moved", "moved_on",
         "A session at Oak Primary is recorded on 12 January 2026: the child's first day at the new school must be "
         "after it."),
        (MOVED_ON, "oak", "Moved", "to_school", "Oliver is already at Oak Primary: choose the school they moved to."),
        (MOVED_ON, "elm", " ", "reason", "Say why the child moved (for example, the family moved house)."),
    ],
)  # fmt: skip
def test_a_move_that_cannot_have_happened_is_refused_with_the_field_named_and_nothing_written(
    move, moved_on, to, reason, field, message
):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        move_child(move["child"], move[to], moved_on, move["oak_senco"], reason, today=TODAY)
    assert refused.value.message_dict == {field: [message]}
    assert AuditEvent.objects.count() == events
    assert not Enrolment.objects.exists()
    assert Child.objects.get(pk=move["child"].pk).school == move["oak"]


def test_the_earlier_schools_sessions_cannot_be_changed_and_no_session_is_recorded_before_joining(move):
    _move(move)
    line = move["line"]
    with pytest.raises(ValidationError) as refused:
        record_session(SessionEntry(line, date(2026, 1, 13), SessionStatus.DELIVERED), by=move["elm_senco"],
                       today=TODAY)  # fmt: skip
    assert refused.value.message_dict == {"date": [
        "The child joined this school on 14 January 2026: days before that were recorded by the school they were "
        "at then, and that record is closed."]}  # fmt: skip
    with pytest.raises(ValidationError):
        void_session(line.sessions.get(date=date(2026, 1, 12)), by=move["elm_senco"], reason="Wrong")


def _months(model, line, field):
    return {(r.local_authority.name, r.month): getattr(r, field) for r in model.objects.filter(line=line)}


def test_a_split_month_counts_each_side_under_the_authority_responsible_on_its_own_calendar(move):
    _move(move)
    record_session(SessionEntry(move["line"], date(2026, 1, 20), SessionStatus.DELIVERED), by=move["elm_senco"],
                   today=TODAY)  # fmt: skip
    expected = _months(ExpectedMonth, move["line"], "minutes")
    # January 2026: two sessions a week put 12 minutes on each school day. At Oak, 5 to 13 January: 7 days, 84
    # minutes. At Elm from Wednesday 14 January to Friday 30: 13 weekdays less its INSET day on 15 January, 12 days,
    # 144 minutes. Oak's INSET day on 16 January, after he left, changes nothing.
    assert expected[("North", date(2026, 1, 1))] == Decimal("84.0000")
    assert expected[("South", date(2026, 1, 1))] == Decimal("144.0000")
    assert {la for la, month in expected if month < date(2026, 1, 1)} == {"North"}
    assert {la for la, month in expected if month > date(2026, 1, 1)} == {"South"}
    # Sessions count by their date: 12 January at Oak, 20 January at Elm.
    assert _months(LineMonth, move["line"], "delivered_minutes") == {
        ("North", date(2025, 9, 1)): 30,
        ("North", date(2026, 1, 1)): 30,
        ("South", date(2026, 1, 1)): 30,
    }


def test_the_childs_own_figures_lay_each_day_on_the_calendar_of_the_school_they_were_at_as_the_authorities_do(move):
    # Oak closed on Friday 9 January, before he left; Elm was open that day.
    NonTeachingDay.objects.create(school=move["oak"], date=date(2026, 1, 9), kind=NonTeachingDay.Kind.CLOSURE)
    _move(move)
    child = Child.objects.select_related("school").get(pk=move["child"].pk)
    statement = child_statement(child, TODAY)
    year = statement.reports[0].assessments["year"].expected
    january = expected_delivery(move["line"].terms_history(), calendar_of(child), date(2026, 1, 1), date(2026, 1, 31))
    # At Oak 5 to 13 January less its closure: 6 days, 72 minutes; at Elm 12 days, 144 minutes (as above).
    assert january.minutes == 216
    assert sum(_months(ExpectedMonth, move["line"], "minutes").get((la, date(2026, 1, 1)), 0)
               for la in ("North", "South")) == 216  # fmt: skip
    # The year to Monday 2 March on his page: every stored month to February, and 2 March at Elm (12 minutes).
    stored = sum(
        m for (_, month), m in _months(ExpectedMonth, move["line"], "minutes").items() if month < date(2026, 3, 1)
    )
    assert year.minutes == stored + 12


def test_each_authoritys_dashboard_sums_the_lines_months_before_the_move_under_the_old_and_after_under_the_new(move):
    _move(move)
    record_session(SessionEntry(move["line"], date(2026, 2, 3), SessionStatus.DELIVERED), by=move["elm_senco"],
                   today=TODAY)  # fmt: skip
    year = Window(2025, date(2025, 9, 1), date(2026, 8, 31))
    north = line_figures([move["north"].pk], year)[move["line"].pk]
    south = line_figures([move["south"].pk], year)[move["line"].pk]

    def stored(name):
        return sum(m for (la, _), m in _months(ExpectedMonth, move["line"], "minutes").items() if la == name)

    assert (north.school_id, north.delivered, north.expected) == (move["oak"].pk, 60, stored("North"))
    assert (south.school_id, south.delivered, south.expected) == (move["elm"].pk, 30, stored("South"))
    assert north.expected + south.expected == sum(_months(ExpectedMonth, move["line"], "minutes").values())


def test_a_school_plan_ends_on_the_last_day_and_is_proposed_to_the_new_school_until_its_senco_adopts_it(move):
    child = make_child(move["oak"], first_name="Ava")
    support = make_plan(child, move["oak_senco"])
    make_line(support, move["oak_senco"])
    move_child(child, move["elm"], MOVED_ON, move["oak_senco"], "Moved house", today=TODAY)
    support.refresh_from_db()
    assert (support.status, support.end_date) == (Plan.Status.ENDED, date(2026, 1, 13))
    proposal = PlanProposal.objects.get(child=child)
    assert (proposal.school, proposal.outcome, proposal.settled_at) == (move["elm"], "", None)
    # Nothing expected at Elm until it is adopted.
    assert not ExpectedMonth.objects.filter(line__plan__child=child, local_authority=move["south"]).exists()
    adopted = adopt_proposal(proposal=proposal, by=move["elm_senco"], start_date=date(2026, 2, 2),
                             review_due=date(2026, 7, 1), today=TODAY)  # fmt: skip
    proposal.refresh_from_db()
    assert (proposal.outcome, proposal.adopted_as) == ("adopted", adopted)
    assert [line.current_version.promise for line in adopted.lines.all()] == [
        "2 sessions of 30 minutes a week, one-to-one, with a teaching assistant"
    ]
    assert ExpectedMonth.objects.filter(line__plan=adopted, local_authority=move["south"]).exists()
    assert verify() == []


def test_a_new_plan_written_by_the_new_school_settles_the_proposal_as_replaced(move):
    child = make_child(move["oak"], first_name="Ava")
    make_plan(child, move["oak_senco"])
    move_child(child, move["elm"], MOVED_ON, move["oak_senco"], "Moved house", today=TODAY)
    replacement = make_plan(child, move["elm_senco"], start=date(2026, 2, 2))
    proposal = PlanProposal.objects.get(child=child)
    assert (proposal.outcome, proposal.adopted_as, proposal.settled_by) == ("replaced", None, move["elm_senco"])
    assert replacement.local_authority == move["south"]


def test_the_data_migration_gives_every_child_one_open_enrolment_from_the_earliest_date_of_their_record(move):
    from importlib import import_module

    from django.apps import apps
    from django.utils import timezone

    migration = import_module("provision_ledger.people.migrations.0006_every_child_enrolled")
    newcomer = make_child(move["elm"], first_name="Ava")  # nothing recorded of her yet
    migration.enrol_every_child(apps, None)
    rows = {
        e.child.first_name: (e.school, e.local_authority, e.started_on, e.ended_on) for e in Enrolment.objects.all()
    }
    assert rows == {
        # The plan from 1 September 2025 is the earliest of Oliver's plan, his sessions and his events.
        "Oliver": (move["oak"], move["north"], date(2025, 9, 1), None),
        "Ava": (move["elm"], move["south"], timezone.localdate(), None),
    }
    migration.enrol_every_child(apps, None)  # run again, it adds nothing
    assert Enrolment.objects.count() == 2
    assert newcomer.enrolments.count() == 1


def _reviewed_long_before_the_move():
    """Ben's EHC plan was made on 3 February 2025 at Oak (North); he moves to Elm (South) on 14 January 2026. The
    s44 year ends on 2 February 2026; reg 15(5) gives the new authority the later 3 months from the transfer, to
    13 April 2026."""
    north, south = make_la("North"), make_la("South")
    oak, elm = make_school(north, "Oak Primary", years=(2024, 2025)), make_school(south, "Elm Primary")
    senco = make_senco(oak)
    child = make_child(oak)
    make_plan(child, senco, kind="ehc_plan", start=date(2025, 2, 3))
    move_child(child, elm, MOVED_ON, by=senco, reason="The family moved house.", today=TODAY)
    return child, elm


def test_the_new_authoritys_count_of_overdue_reviews_waits_for_reg_15_5s_later_limit():
    _, elm = _reviewed_long_before_the_move()
    assert overdue_reviews_by_school([elm.pk], TODAY) == {}
    assert overdue_reviews_by_school([elm.pk], date(2026, 4, 14)) == {elm.pk: 1}


def test_the_parents_calendar_carries_the_new_authoritys_first_review_by_reg_15_5_not_the_s44_year():
    child, _ = _reviewed_long_before_the_move()
    feed = Calendar.from_ical(feed_for([Child.objects.get(pk=child.pk)], TODAY))
    reviews = {
        (str(e["summary"]), e.decoded("dtstart"))
        for e in feed.walk("VEVENT")
        if "review of the ehc plan" in e["summary"].lower()
    }
    assert reviews == {(f"{child.first_name}: First review of the EHC plan by the new local authority due",
                        date(2026, 4, 13))}  # fmt: skip


def test_a_move_recorded_in_error_is_void_the_child_is_the_earlier_schools_again_and_both_chains_verify(move):
    arrival = _move(move)
    back = void_move(arrival, by=move["elm_senco"], reason="Wrong child: Oliver never left Oak.")
    child = Child.objects.get(pk=move["child"].pk)
    assert (child.school, child.local_authority, back.ended_on) == (move["oak"], move["north"], None)
    # The live record has one open enrolment at Oak; the arrival stays, void with its reason.
    assert list(Enrolment.objects.filter(child=child).values_list("school__name", "ended_on")) == [
        ("Oak Primary", None)
    ]
    voided = Enrolment.recorded.get(pk=arrival.pk)
    assert (voided.void_reason, voided.voided_by) == ("Wrong child: Oliver never left Oak.", move["elm_senco"])
    # The TA he had at Oak works with him again; every month is North's once more.
    assert list(StaffAssignment.objects.filter(child=child).values_list("user", flat=True)) == [move["ta"].pk]
    assert {la for la, _ in _months(ExpectedMonth, move["line"], "minutes")} == {"North"}
    south = list(AuditEvent.objects.filter(local_authority=move["south"]).values_list("summary", flat=True))
    assert south[0] == "The move of Oliver to Elm Primary on 14 January 2026 was recorded in error and is void"
    assert AuditEvent.objects.filter(local_authority=move["north"]).values_list("summary", flat=True)[0] == (
        "Sam Lee can see Oliver's record as staff assigned to them"
    )
    assert verify() == []


def test_a_move_cannot_be_undone_once_anything_is_recorded_after_it_and_nothing_changes(move):
    arrival = _move(move)
    record_session(SessionEntry(move["line"], date(2026, 1, 20), SessionStatus.DELIVERED), by=move["elm_senco"],
                   today=TODAY)  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        void_move(arrival, by=move["elm_senco"], reason="Wrong child")
    assert refused.value.messages[0].startswith("Something has been recorded since the move (")
    assert Child.objects.get(pk=move["child"].pk).school == move["elm"]
    assert Enrolment.recorded.get(pk=arrival.pk).voided_at is None


def test_undoing_a_move_puts_the_school_plan_it_ended_back_in_force_and_withdraws_its_proposal(move):
    child = make_child(move["oak"], first_name="Ava")
    support = make_plan(child, move["oak_senco"])
    make_line(support, move["oak_senco"])
    arrival = move_child(child, move["elm"], MOVED_ON, move["oak_senco"], "Moved house", today=TODAY)
    void_move(arrival, by=move["oak_senco"], reason="Ava stayed: the family's move fell through.")
    support.refresh_from_db()
    assert (support.status, support.end_date) == (Plan.Status.ACTIVE, None)
    proposal = PlanProposal.objects.get(child=child)
    assert (proposal.outcome, proposal.settled_by) == ("withdrawn", move["oak_senco"])
    assert not ExpectedMonth.objects.filter(line__plan__child=child, local_authority=move["south"]).exists()
    assert verify() == []


def test_a_move_is_undone_once_however_often_it_is_asked_and_a_blank_reason_is_refused(move):
    arrival = _move(move)
    with pytest.raises(ValidationError) as refused:
        void_move(arrival, by=move["elm_senco"], reason="  ")
    assert refused.value.message_dict == {"reason": ["Say why the move was recorded in error."]}
    void_move(arrival, by=move["elm_senco"], reason="Wrong child")
    with pytest.raises(ValidationError) as again:
        void_move(arrival, by=move["elm_senco"], reason="Wrong child")
    assert again.value.messages == ["This move is already voided."]


def test_the_spend_of_a_moved_child_is_each_schools_for_its_own_days_and_months(move):
    _move(move)
    record_session(SessionEntry(move["line"], date(2026, 1, 20), SessionStatus.DELIVERED), by=move["elm_senco"],
                   today=TODAY)  # fmt: skip
    oak, elm = authority_spend([move["oak"], move["elm"]], 2025, TODAY)
    # Delivered: 8 September and 12 January at Oak, 20 January at Elm.
    assert (oak.delivered_minutes, elm.delivered_minutes) == (60, 30)
    months = _months(ExpectedMonth, move["line"], "minutes")
    in_year = {(la, m): v for (la, m), v in months.items() if date(2025, 4, 1) <= m <= date(2026, 3, 31)}
    assert oak.planned_minutes == sum(v for (la, _), v in in_year.items() if la == "North")
    assert elm.planned_minutes == sum(v for (la, _), v in in_year.items() if la == "South")
    # Both at the default rate for a teaching assistant: Oak's hour costs twice Elm's half hour.
    assert oak.delivered_cost == 2 * elm.delivered_cost
