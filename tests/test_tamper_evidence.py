"""An insider with the database cannot quietly rewrite the record: every row of every table of it is sealed by an
event, the chain's links are keyed with a key kept outside the database, and `verify` names what was done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from provision_ledger.audit import sealing
from provision_ledger.audit.chain import digest, unkeyed_digest, verify
from provision_ledger.audit.models import AuditEvent, ChainHead
from provision_ledger.delivery.actions import SessionEntry, correct_session, record_group_session
from provision_ledger.delivery.models import Session
from provision_ledger.money.actions import add_allocation, add_child_item, log_day, save_child_funding, save_item_price
from provision_ledger.money.models import Allocation, ChildFunding, ChildItem, TimeBlock
from provision_ledger.nextsteps.actions import record_reply, record_statutory_event, save_letter
from provision_ledger.nextsteps.advice import next_steps_for
from provision_ledger.nextsteps.models import Letter, StatutoryEvent
from provision_ledger.outcomes.actions import add_home_observation, create_review, record_views
from provision_ledger.outcomes.models import Outcome, ProgressEntry, Review
from provision_ledger.parents.actions import add_message, raise_concern
from provision_ledger.parents.models import Concern, ConcernMessage
from provision_ledger.people.models import User
from provision_ledger.plans.actions import amend_line
from provision_ledger.plans.models import LineVersion, Plan, ProvisionLine
from provision_ledger.rules.compliance import SessionStatus
from provision_ledger.rules.support_time import Activity, Block
from tests.factories import (
    make_child,
    make_line,
    make_outcome,
    make_parent,
    make_plan,
    make_progress,
    make_session,
    make_staff,
)

pytestmark = pytest.mark.django_db

TODAY = date(2025, 10, 17)
KEY = "the record's chain key, kept outside the database"


@pytest.fixture(autouse=True)
def chain_key(settings, monkeypatch):
    settings.LEDGER_CHAIN_KEY = KEY
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


@dataclass
class Record:
    plan: Plan
    line: ProvisionLine
    version: LineVersion
    session: Session
    group: list[Session]
    concern: Concern
    message: ConcernMessage
    letter: Letter
    clock: StatutoryEvent
    outcome: Outcome
    progress: ProgressEntry
    home: ProgressEntry
    review: Review
    allocation: Allocation
    block: TimeBlock
    funding: ChildFunding
    item: ChildItem
    parent: User


@pytest.fixture
def record(school, senco, child) -> Record:
    """One row, at least, of every table of the record, each written by its action."""
    parent = make_parent(child)
    plan = make_plan(child, senco)
    line = make_line(plan, senco)
    version = amend_line(
        line=line, by=senco, effective_from=TODAY, reason="More time", minutes_per_session=40, today=TODAY,
        **{f: getattr(line.current_version, f) for f in ("description", "category", "delivered_by", "sessions",
                                                         "period", "start_date", "weekdays")},
    )  # fmt: skip
    make_session(line, senco, date(2025, 9, 10))
    missed = make_session(line, senco, date(2025, 9, 11), "not_delivered", reason="staff_redeployed")
    session = correct_session(
        missed, SessionEntry(line, date(2025, 9, 11), SessionStatus.DELIVERED), by=senco, reason="It happened"
    )
    friend = make_child(school, first_name="Ava")
    friend_line = make_line(make_plan(friend, senco), senco)
    group = record_group_session([line, friend_line], day=date(2025, 9, 12), status=SessionStatus.DELIVERED, by=senco)
    make_session(line, senco, date(2025, 9, 16), "not_delivered", reason="staff_absent")
    concern = raise_concern(child=child, by=parent, subject="Speech group", body="Did it happen?")
    message = add_message(concern=concern, by=senco, from_school=True, body="Yes, on Tuesday.")
    steps = next_steps_for(child, TODAY)
    assert steps is not None
    step = next(s for s in steps.advice.steps if s.is_letter)
    letter = save_letter(
        child=child, step=step, evidence=steps.evidence, by=parent, addressee="The head teacher",
        subject="Please put the sessions back", body="Our solicitor says we have a strong case.", sent_on=TODAY,
    )  # fmt: skip
    record_reply(letter=letter, by=parent, replied_on=TODAY, note="They said no.")
    clock = record_statutory_event(child=child, by=parent, kind="assessment_requested", day=TODAY)
    outcome = make_outcome(plan, senco, line)
    progress = make_progress(outcome, senco, date(2025, 9, 15), 3)
    home = add_home_observation(outcome=outcome, by=parent, date=date(2025, 9, 20), note="He did it at home")
    review = create_review(plan=plan, by=senco, meeting_date=date(2026, 6, 1), period_start=plan.start_date)
    record_views(review=review, by=senco, parent_views="We want more speech time", child_views="")
    ta = make_staff(school, child)
    allocation = add_allocation(
        child=child, staff=ta, role="ta", weekly_minutes=600, timetable=[], start_date=date(2025, 9, 1), by=senco
    )
    log_day(allocation=allocation, day=date(2025, 9, 15), blocks=[Block(time(9), time(10), Activity.WITH_CHILD)],
            by=ta)  # fmt: skip
    (block,) = log_day(
        allocation=allocation, day=date(2025, 9, 15), blocks=[Block(time(9), time(11), Activity.WITH_CHILD)], by=ta,
        reason="It was two hours",
    )  # fmt: skip
    funding = save_child_funding(
        child=child, year=2025, top_up=Decimal(7000), personal_budget=Decimal(0), note="", by=senco
    )
    price = save_item_price(
        year=2025, name="Talk Boost licence", pounds=Decimal(300), source="", school=school, by=senco
    )
    item = add_child_item(child=child, year=2025, item=price, quantity=1, note="", by=senco)
    return Record(plan, line, version, session, group, concern, message, letter, clock, outcome, progress, home,
                  review, allocation, block, funding, item, parent)  # fmt: skip


def _command(*args: str) -> tuple[int, str]:
    """What `provision-ledger verify` prints, and its exit status."""
    out, err = StringIO(), StringIO()
    try:
        call_command("verify", *args, stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, f"{err.getvalue()}{error}"
    return 0, f"{err.getvalue()}{out.getvalue()}"


def _messages() -> list[str]:
    return [p.message for p in verify()]


def test_a_record_written_through_its_actions_verifies_with_every_row_sealed(record):
    assert _command() == (0, f"The record is intact: {ChainHead.objects.get().seq} events checked.\n")
    sealed = {key for e in AuditEvent.objects.all() for key in e.seals}
    rows = {sealing.key_of(row) for table in sealing.sealed_tables() for row in table.model._default_manager.all()}
    assert rows <= sealed
    assert {t.label for t in sealing.sealed_tables()} == {key.split(":")[0] for key in rows}  # every table has rows


def test_a_group_session_is_sealed_with_its_shared_reference(record):
    assert record.group[0].group_ref == record.group[1].group_ref is not None
    assert Session.objects.get(pk=record.group[0].pk).group_ref == record.group[0].group_ref
    assert verify() == []


# One direct edit to each table of the record, as someone with the database would make it.
EDITS = {
    "plan": lambda r: (Plan, r.plan.pk, {"review_due": date(2027, 1, 1)}),
    "provision line voided": lambda r: (ProvisionLine, r.line.pk, {"voided_at": timezone.now()}),
    "line version's promise": lambda r: (LineVersion, r.version.pk, {"minutes_per_session": 5}),
    "session": lambda r: (
        Session,
        r.session.pk,
        {"delivered_minutes": 25, "status": "part_delivered", "reason": "other"},
    ),
    "void undone": lambda r: (Session, r.session.corrects_id, {"voided_at": None}),
    "group session": lambda r: (Session, r.group[0].pk, {"group_ref": None}),
    "concern": lambda r: (Concern, r.concern.pk, {"subject": "Nothing to see"}),
    "concern message": lambda r: (ConcernMessage, r.message.pk, {"body": "No, it did not."}),
    "letter": lambda r: (Letter, r.letter.pk, {"body": "We are content."}),
    "reply": lambda r: (Letter, r.letter.pk, {"reply_note": ""}),
    "statutory event": lambda r: (StatutoryEvent, r.clock.pk, {"date": date(2025, 10, 1)}),
    "outcome": lambda r: (Outcome, r.outcome.pk, {"target": Decimal(4)}),
    "progress": lambda r: (ProgressEntry, r.progress.pk, {"value": Decimal(7)}),
    "home observation": lambda r: (ProgressEntry, r.home.pk, {"note": "Nothing"}),
    "review": lambda r: (Review, r.review.pk, {"parent_views": "We are happy"}),
    "allocation": lambda r: (Allocation, r.allocation.pk, {"weekly_minutes": 60}),
    "time block": lambda r: (TimeBlock, r.block.pk, {"activity": "class_cover"}),
    "funding": lambda r: (ChildFunding, r.funding.pk, {"top_up": Decimal(100)}),
    "item": lambda r: (ChildItem, r.item.pk, {"quantity": 3}),
}


@pytest.mark.parametrize("what", EDITS)
def test_a_row_edited_directly_in_the_database_is_named(record, what):
    model, pk, values = EDITS[what](record)
    model._default_manager.filter(pk=pk).update(**values)
    name = f"{model._meta.verbose_name.capitalize()} {pk} ("
    assert any(m.startswith(name) and "differs from its last recorded event" in m for m in _messages())
    status, printed = _command()
    assert status == 1
    assert name in printed


def test_an_outcomes_lines_changed_directly_are_named(record):
    record.outcome.lines.clear()
    assert _messages() == [
        f"Outcome {record.outcome.pk} ({record.outcome}) differs from its last recorded event "
        f"({AuditEvent.objects.get(object_type='outcome').seq}): its stored values no longer match the seal that "
        "event recorded."
    ]


def test_a_session_edit_names_the_fields_it_changed(record):
    Session.objects.filter(pk=record.session.pk).update(delivered_minutes=25, status="part_delivered", reason="other")
    event = AuditEvent.objects.filter(object_type="session", object_id=record.session.pk).latest("seq")
    assert _messages()[0] == (
        f"Session {record.session.pk} (Motor Skills programme on 11 Sep 2025: Part delivered) differs from its last "
        f"recorded event ({event.seq}): delivered_minutes 30 → 25, reason '' → 'other', status 'delivered' → "
        "'part_delivered'."
    )


def test_a_session_deleted_and_the_totals_refreshed_is_named(record):
    event = AuditEvent.objects.filter(object_type="session", object_id=record.group[0].pk).latest("seq")
    Session.objects.filter(pk=record.group[0].pk).delete()
    call_command("refresh-totals", stdout=StringIO())
    assert _messages() == [
        f"Session {record.group[0].pk}, sealed by event {event.seq}, is no longer in the record: it has been deleted."
    ]
    assert _command()[0] == 1


def test_a_letter_and_a_message_deleted_are_named(record):
    ConcernMessage.objects.filter(pk=record.message.pk).delete()
    Letter.objects.filter(pk=record.letter.pk).delete()
    found = _messages()
    assert any(m.startswith(f"Concern message {record.message.pk}, sealed by event") for m in found)
    assert any(m.startswith(f"Letter {record.letter.pk}, sealed by event") for m in found)


def test_a_row_added_directly_without_an_event_is_named(record, senco):
    added = Session.objects.create(
        local_authority_id=record.plan.local_authority_id, child=record.plan.child, line=record.line,
        date=date(2025, 9, 17), status="delivered", planned_minutes=30, delivered_minutes=30, recorded_by=senco,
    )  # fmt: skip
    assert _messages()[0] == f"Session {added.pk} ({added}) has no recorded event."


def test_deleting_the_chain_head_does_not_switch_verify_off(record):
    events = ChainHead.objects.get().seq
    Session.objects.filter(pk=record.session.pk).update(delivered_minutes=5, status="part_delivered", reason="other")
    ChainHead.objects.all().delete()
    found = _messages()
    assert found[0] == (
        f"The authority's chain head is missing: its record holds {events} events and no head. "
        "Removing the head cannot switch the check off; it is itself a sign of tampering."
    )
    assert any(m.startswith(f"Session {record.session.pk} (") for m in found)
    status, printed = _command()
    assert status == 1
    assert "The record is intact" not in printed


def test_deleting_every_event_and_the_head_leaves_every_row_unsealed(record):
    AuditEvent.objects.all().delete()
    ChainHead.objects.all().delete()
    found = _messages()
    assert found[0].startswith("The authority's chain head is missing: its record holds 0 events")
    assert f"Plan {record.plan.pk} ({record.plan}) has no recorded event." in found


def test_the_last_event_deleted_with_the_head_rolled_back_is_named(record):
    head = ChainHead.objects.get()
    last = AuditEvent.objects.get(seq=head.seq)
    before = AuditEvent.objects.get(seq=head.seq - 1)
    last.delete()
    ChainHead.objects.filter(pk=head.pk).update(seq=before.seq, hash=before.hash)
    (key,) = last.seals
    label, _, pk = key.partition(":")
    assert any(m.split(" (")[0].lower().replace(" ", "") == f"{label}{pk}" for m in _messages())


def _rewrite_from(seq: int, link) -> None:  # type: ignore[no-untyped-def]
    """Recompute every hash from event `seq` on, as someone holding the database would, with `link` as the hash."""
    prev = AuditEvent.objects.get(seq=seq - 1).hash
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        event.prev_hash = prev
        event.hash = prev = link(event)
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=event.hash)
    ChainHead.objects.update(hash=prev)


def _forge_session_edit(record: Record, key: bytes) -> AuditEvent:
    """Edit a session, and its last event's `after` and seal to match, with the given key."""
    Session.objects.filter(pk=record.session.pk).update(delivered_minutes=5, status="part_delivered", reason="other")
    event = AuditEvent.objects.filter(object_type="session", object_id=record.session.pk).latest("seq")
    row = Session.objects.get(pk=record.session.pk)
    event.after = {**event.after, "delivered_minutes": 5, "status": "part_delivered", "reason": "other"}
    event.seals = {sealing.key_of(row): sealing.row_hash(row, key)}
    AuditEvent.objects.filter(pk=event.pk).update(after=event.after, seals=event.seals)
    return event


def test_a_chain_recomputed_with_plain_sha256_is_named_at_the_first_event_changed(record):
    event = _forge_session_edit(record, sealing.DEVELOPMENT_KEY)
    _rewrite_from(event.seq, unkeyed_digest)
    assert _messages()[0] == (
        f"Event {event.seq} ({event.summary}) carries an unkeyed hash where a keyed one belongs: altered."
    )
    assert _command()[0] == 1


def test_a_chain_recomputed_with_a_guessed_key_is_named(record):
    event = _forge_session_edit(record, b"a key the insider guessed, not the record's own key")
    _rewrite_from(event.seq, lambda e: digest(e, b"a key the insider guessed, not the record's own key"))
    found = _messages()
    assert found[0] == f"Event {event.seq} ({event.summary}) has been altered: its contents no longer match its hash."
    assert any(m.startswith(f"Session {record.session.pk} (") for m in found)


def test_a_chain_recomputed_with_the_public_development_key_is_named(record):
    event = _forge_session_edit(record, sealing.DEVELOPMENT_KEY)
    _rewrite_from(event.seq, lambda e: digest(e, sealing.DEVELOPMENT_KEY))
    assert _messages()[0] == (
        f"Event {event.seq} was linked with the public development key, not this record's chain key."
    )


def test_a_chain_recomputed_with_the_key_verifies_without_checkpoints(record):
    """What the key alone cannot defend against: someone holding both the database and the key. Signed
    checkpoints kept elsewhere are the answer to that (test_checkpoints.py)."""
    event = _forge_session_edit(record, KEY.encode())
    _rewrite_from(event.seq, lambda e: digest(e, KEY.encode()))
    call_command("refresh-totals", stdout=StringIO())
    assert verify() == []


def test_verify_says_plainly_when_it_runs_without_the_key(record, settings):
    settings.LEDGER_CHAIN_KEY = ""
    status, printed = _command()
    assert status == 1  # the record was linked with the real key, which this run does not hold
    assert printed.startswith(
        "Warning: no chain key is set (LEDGER_CHAIN_KEY or LEDGER_CHAIN_KEY_FILE). The links were checked with the "
        "public development key, so someone who can write to the database could have recomputed them.\n"
    )


def test_the_key_can_come_from_a_file(record, settings, tmp_path):
    key_file = tmp_path / "chain.key"
    key_file.write_text(KEY + "\n")
    settings.LEDGER_CHAIN_KEY, settings.LEDGER_CHAIN_KEY_FILE = "", str(key_file)
    assert _command() == (0, f"The record is intact: {ChainHead.objects.get().seq} events checked.\n")


def test_a_record_from_before_sealing_is_upgraded_once_by_seal_record(record, senco):
    """Events hashed the old way (plain SHA-256, no seals) and rows no event seals: seal-record links the chain under
    the key, changing no event's contents, and seals each row as it stands, by one event per child."""
    events = list(AuditEvent.objects.order_by("seq"))
    prev = "0" * 64
    for event in events:  # the record as the earlier version of the product wrote it
        event.seals, event.prev_hash = {}, prev
        event.hash = prev = unkeyed_digest(event)
    AuditEvent.objects.bulk_update(events, ["seals", "prev_hash", "hash"])
    ChainHead.objects.update(hash=prev)
    assert (
        _messages()[0]
        == "This chain was written before it was keyed and sealed: run provision-ledger seal-record once."
    )
    out = StringIO()
    call_command("seal-record", "--by", senco.email, stdout=out)
    rows = sum(table.model._default_manager.count() for table in sealing.sealed_tables())
    assert out.getvalue() == (
        f"{record.plan.local_authority.name}: {len(events)} events linked under the key, {rows} rows sealed by 2 "
        "events.\n"
    )
    assert verify() == []
    sealed_for = AuditEvent.objects.filter(action="seal").values_list("child__first_name", flat=True)
    assert sorted(sealed_for) == ["Ava", "Oliver"]


def test_seal_record_never_seals_over_a_row_that_differs_from_its_seal(record, senco):
    Session.objects.filter(pk=record.session.pk).update(delivered_minutes=5, status="part_delivered", reason="other")
    call_command("seal-record", "--by", senco.email, stdout=StringIO())
    assert AuditEvent.objects.filter(action="seal").count() == 0
    assert any(m.startswith(f"Session {record.session.pk} (") for m in _messages())


def test_seal_record_refuses_a_broken_chain_and_writes_nothing(record, senco):
    AuditEvent.objects.filter(seq=3).update(summary="Nothing happened")
    count = AuditEvent.objects.count()
    with pytest.raises(CommandError, match=r"Event 3 of authority \d+ has been altered: nothing sealed\."):
        call_command("seal-record", "--by", senco.email, stdout=StringIO())
    assert AuditEvent.objects.count() == count


def test_a_column_added_to_a_sealed_table_leaves_rows_sealed_before_it_intact_and_covers_it_once_set(record):
    """A statutory date sealed before the mediation choice existed holds its seal (the blank column is left out of
    its content); a choice set later through the database, around the actions, is named."""
    event = record.clock
    assert "mediation" not in sealing.content(event)  # blank: its content is what it was before the column existed
    assert _messages() == []
    StatutoryEvent.objects.filter(pk=event.pk).update(mediation="declined")
    assert any(m.startswith(f"Statutory event {event.pk} (") for m in _messages())
