"""The record is tamper-evident: each event hashes the one before, and `verify` names what was altered."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from provision_ledger.audit.chain import GENESIS, create_digest, digest, seal, verify
from provision_ledger.audit.models import AuditEvent
from provision_ledger.delivery.actions import void_session
from provision_ledger.delivery.models import Session
from tests.factories import make_child, make_la, make_line, make_plan, make_school, make_senco, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(senco, child):
    line = make_line(make_plan(child, senco), senco)
    sessions = [make_session(line, senco, day) for day in (date(2025, 9, 10), date(2025, 9, 11))]
    void_session(sessions[1], by=senco, reason="Wrong day")
    return line, sessions


@pytest.fixture(autouse=True)
def chain_key(settings):
    settings.LEDGER_CHAIN_KEY = "a test chain key, outside the database, 32+ characters"


def _verify_command() -> str:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify", stdout=out, stderr=err)
    except CommandError as error:
        return f"{err.getvalue()}{error}"
    return out.getvalue()


def test_each_event_links_to_the_one_before(ledger, child):
    events = list(AuditEvent.objects.filter(local_authority_id=child.local_authority_id).order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == GENESIS
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert seal(child.local_authority_id) == (5, events[-1].hash)


def test_untouched_record_verifies(ledger):
    assert verify() == []
    assert _verify_command() == "The record is intact: 5 events checked.\n"


def test_a_session_edited_directly_in_the_database_is_named(ledger, child):
    _line, sessions = ledger
    Session.objects.filter(pk=sessions[0].pk).update(delivered_minutes=20, status="part_delivered", reason="other")
    assert _verify_command() == (
        f"{child.school.local_authority.name}: Session {sessions[0].pk} (Motor Skills programme on 10 Sep 2025: "
        "Part delivered) differs from its last recorded event (3): delivered_minutes 30 → 20, "
        "reason '' → 'other', status 'delivered' → 'part_delivered'.\n"
        f"{child.school.local_authority.name}: The monthly sums of line {_line.pk} for September 2025 differ from its "
        "sessions: minutes delivered 30 where its sessions sum to 20, minutes missed (other reason) 0 where its "
        "sessions sum to 10. Run provision-ledger refresh-totals.\n"
        "The record has been altered: 2 problem(s) found."
    )


def test_an_altered_event_breaks_the_chain_at_that_event(ledger, child):
    AuditEvent.objects.filter(local_authority_id=child.local_authority_id, seq=2).update(summary="Nothing happened")
    assert [p.message for p in verify()] == [
        "Event 2 (Nothing happened) has been altered: its contents no longer match its hash."
    ]


def test_a_removed_event_is_found(ledger, child):
    AuditEvent.objects.filter(local_authority_id=child.local_authority_id, seq=2).delete()
    assert next(p.message for p in verify()) == "Event 2 is missing: the chain jumps to 3."


def test_each_authority_keeps_its_own_chain(ledger, child):
    other_school = make_school(make_la("Elsewhere"))
    other_senco = make_senco(other_school)
    make_plan(make_child(other_school), other_senco)
    assert seal(other_school.local_authority_id)[0] == 1
    assert seal(child.local_authority_id)[0] == 5
    assert verify() == []


def test_the_whole_record_carries_the_seal_of_the_state_it_was_built_from(client, ledger, child, senco):
    client.force_login(senco)
    record = json.loads(client.get(reverse("record-json", kwargs={"child_id": child.pk})).content)
    assert record["ledger_seal"] == {"event": 5, "hash": seal(child.local_authority_id)[1]}


def test_create_digest_of_json_text_is_the_digest_of_the_event(ledger, child):
    """The bulk import hashes each CREATE from its `after` already written as JSON; it must be the event's digest."""
    created = AuditEvent.objects.filter(local_authority_id=child.local_authority_id, action="create").order_by("seq")
    assert [e.object_type for e in created] == ["plan", "provisionline", "session", "session"]
    for event in created:
        after_json = json.dumps(event.after, sort_keys=True, separators=(",", ":"))
        fields = {"seq": event.seq, "local_authority_id": event.local_authority_id, "child_id": event.child_id}
        fields |= {"actor_id": event.actor_id, "at": event.at, "object_type": event.object_type}
        fields |= {"object_id": event.object_id, "summary": event.summary, "prev_hash": event.prev_hash}
        fields |= {"seals_json": json.dumps(event.seals, sort_keys=True, separators=(",", ":"))}
        assert create_digest(after_json=after_json, **fields) == digest(event) == event.hash
