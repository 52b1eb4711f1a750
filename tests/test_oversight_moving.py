"""The authority's and a trust's dashboards for a child who moved between schools of one authority: his line counts
at the school he left for his days there and at the school he joined for his days there, each under its own policy;
the authority's total is what it was. The school's page of children and the CSV export say the same."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from provision_ledger.delivery.actions import SessionEntry, record_session
from provision_ledger.oversight import queries
from provision_ledger.oversight.opendata import make_term, open_statistics
from provision_ledger.people.actions import move_child
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
    make_trust,
    make_trust_lead,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)
YEAR = 2025  # the window: 1 September 2025 to 28 February 2026
WINDOW = queries.authority_window(TODAY, YEAR)
# One 30-minute session a week: 6 minutes on each school day.
SALT = {"category": "communication", "delivered_by": "salt", "description": "Speech and language therapy",
        "sessions": 1, "minutes_per_session": 30}  # fmt: skip

# Moving on Monday 2 February, a month boundary: at Oak, September to January, 94 school days, 564 minutes, 90
# delivered (3 sessions); at Elm, February less its half-term week, 15 school days, 90 minutes, all delivered.
ON_THE_FIRST = date(2026, 2, 2), (date(2026, 2, 3), date(2026, 2, 10), date(2026, 2, 24))
OAK_TO_JANUARY = (1, 564, 90, 474, 1)  # lines, expected, delivered, owed, breaches: 16 % delivered is a breach
ELM_FEBRUARY = (1, 90, 90, 0, 0)
# Moving on Wednesday 14 January: at Oak, 74 school days to December and 7 in January, 486 minutes; at Elm, 13 days
# in January and 15 in February, 168 minutes, 60 delivered (20 January and 3 February).
MID_JANUARY = date(2026, 1, 14), (date(2026, 1, 20), date(2026, 2, 3))
OAK_TO_13_JANUARY = (1, 486, 90, 396, 1)
ELM_FROM_14_JANUARY = (1, 168, 60, 108, 1)  # 36 % delivered is a breach too


@pytest.fixture
def world():
    """Oliver at Oak Primary with an EHC plan's speech and language therapy line, three sessions recorded there; Elm
    Primary is in the same authority."""
    north = make_la("North")
    oak, elm = make_school(north, "Oak Primary"), make_school(north, "Elm Primary")
    oak_senco, elm_senco = make_senco(oak), make_senco(elm)
    child = make_child(oak)
    line = make_line(make_plan(child, oak_senco, kind="ehc_plan"), oak_senco, **SALT)
    for day in (date(2025, 9, 9), date(2025, 9, 16), date(2026, 1, 13)):
        make_session(line, oak_senco, day)
    return {"north": north, "oak": oak, "elm": elm, "oak_senco": oak_senco, "elm_senco": elm_senco,
            "child": child, "line": line}  # fmt: skip


def _move(world, move=ON_THE_FIRST, child=None, line=None):
    """The child moves to Elm; Elm records the sessions after it."""
    moved_on, after = move
    move_child(child or world["child"], world["elm"], moved_on, world["oak_senco"], "The family moved house.",
               today=TODAY)  # fmt: skip
    for day in after:
        record_session(SessionEntry(line or world["line"], day, SessionStatus.DELIVERED), by=world["elm_senco"],
                       today=TODAY)  # fmt: skip


def _row(figures: queries.Figures) -> tuple[int, int, int, int, int]:
    return (figures.lines, figures.expected_minutes, figures.delivered, figures.owed, figures.breaches)


def _board(world, schools=("oak", "elm")):
    return queries.dashboard([world[name] for name in schools], [world["north"].pk], TODAY, YEAR)


def _by_school(board):
    return {s.school.name: _row(s.overall) for s in board.schools}


def _whole_line_as_before(world):
    """The line's figures as the dashboard gave them before: whole, under the school he is at now."""
    whole = queries.line_figures([world["north"].pk], WINDOW)[world["line"].pk]
    return _row(queries.assess_line(whole, world["elm"].make_up_policy, world["elm"].thresholds))


def test_a_move_on_a_month_boundary_counts_the_line_at_the_school_left_before_it_and_the_school_joined_after(world):
    _move(world)
    board = _board(world)
    assert _by_school(board) == {"Oak Primary": OAK_TO_JANUARY, "Elm Primary": ELM_FEBRUARY}
    for s in board.schools:
        assert _row(s.by_category["communication"]) == _row(s.overall)
        assert _row(s.by_category["sensory_physical"]) == (0, 0, 0, 0, 0)


def test_a_move_mid_month_gives_each_school_its_own_days_of_the_month(world):
    _move(world, MID_JANUARY)
    assert _by_school(_board(world)) == {"Oak Primary": OAK_TO_13_JANUARY, "Elm Primary": ELM_FROM_14_JANUARY}


@pytest.mark.parametrize("move", [ON_THE_FIRST, MID_JANUARY], ids=["on-the-first", "mid-month"])
def test_the_authoritys_total_is_its_schools_added_up_and_what_it_was_before_the_line_was_split(world, move):
    # Ava never moved: her line at Elm counts whole, as it always did.
    ava = make_child(world["elm"], first_name="Ava")
    make_session(make_line(make_plan(ava, world["elm_senco"]), world["elm_senco"], **SALT), world["elm_senco"],
                 date(2025, 10, 7))  # fmt: skip
    _move(world, move)
    board = _board(world)
    ava_alone = (1, 654, 30, 624, 1)
    assert _row(board.total) == tuple(a + b for a, b in zip(_whole_line_as_before(world), ava_alone, strict=True))
    assert _row(board.total) == _row(board.by_category["communication"])
    schools = [s.overall for s in board.schools]
    # Expected, delivered and owed minutes add up; Oliver's line counts once at each school but once in the total.
    assert sum(s.expected for s in schools) == board.total.expected
    assert sum(s.delivered for s in schools) == board.total.delivered
    assert sum(s.owed for s in schools) == board.total.owed
    assert (sum(s.lines for s in schools), board.total.lines) == (3, 2)
    assert board.total.expected_minutes == 654 * 2
    assert board.total.delivered == 30 * 3 + 30 * len(move[1]) + 30


def test_the_school_lefts_own_make_up_policy_applies_to_its_part_and_the_joined_schools_to_its_own(world):
    # Oak owes only the time recorded as missed for a reason it owes: staff absence on 30 September and 12 January.
    world["oak"].unrecorded_owed = False
    world["oak"].save()
    for day in (date(2025, 9, 30), date(2026, 1, 12)):
        make_session(world["line"], world["oak_senco"], day, "not_delivered", reason="staff_absent")
    _move(world, (date(2026, 1, 14), (date(2026, 1, 20),)))
    # Elm owes every gap, as by default: 168 promised less 30 delivered.
    assert _by_school(_board(world)) == {"Oak Primary": (1, 486, 90, 60, 1), "Elm Primary": (1, 168, 30, 138, 1)}


def test_the_school_he_left_keeps_his_line_on_its_page_of_children_and_the_school_joined_only_his_time_there(world):
    _move(world, MID_JANUARY)
    for school, figures in (("oak", OAK_TO_13_JANUARY), ("elm", ELM_FROM_14_JANUARY)):
        rows = queries.children_of_school(world[school], WINDOW)
        assert [(child_id, _row(f)) for child_id, f in rows] == [(world["child"].pk, figures)]


def test_a_child_who_moved_before_the_window_counts_whole_at_the_school_he_is_at(world):
    _move(world)
    # The next year's window: every day of it at Elm, so the stored sums alone give his line there.
    board = queries.dashboard([world["oak"], world["elm"]], [world["north"].pk], date(2026, 10, 1), 2026)
    assert {name: row[0] for name, row in _by_school(board).items()} == {"Oak Primary": 0, "Elm Primary": 1}
    assert queries.children_of_school(world["oak"], board.window) == []


@pytest.fixture
def on_the_second_of_march(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


def test_the_authoritys_csv_and_school_pages_give_each_school_its_own_part_of_the_line(
    client, world, on_the_second_of_march
):
    _move(world, MID_JANUARY)
    client.force_login(make_la_officer(world["north"]))
    response = client.get(reverse("la-delivery-csv"), {"year": YEAR})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    columns = rows[0]
    got = {
        row[columns.index("School")]: (
            row[columns.index("Provision lines")],
            row[columns.index("Expected minutes")],
            row[columns.index("Delivered minutes")],
            row[columns.index("Communication and interaction delivered (%)")],
            row[columns.index("Lines in breach")],
            row[columns.index("Owed hours")],
        )
        for row in rows[1:]
    }
    # 90 of 486 is 19 %, owed 6.6 hours; 60 of 168 is 36 %, owed 1.8 hours.
    assert got == {
        "Elm Primary": ("1", "168", "60", "36", "1", "1.8"),
        "Oak Primary": ("1", "486", "90", "19", "1", "6.6"),
    }
    for school, figures in (("oak", OAK_TO_13_JANUARY), ("elm", ELM_FROM_14_JANUARY)):
        page = client.get(reverse("la-school-delivery", kwargs={"urn": world[school].urn}), {"year": YEAR})
        assert [(child.pk, _row(f)) for child, f in page.context["rows"]] == [(world["child"].pk, figures)]


@pytest.mark.parametrize(
    ("move", "oak", "elm"),
    [(ON_THE_FIRST, OAK_TO_JANUARY, ELM_FEBRUARY), (MID_JANUARY, OAK_TO_13_JANUARY, ELM_FROM_14_JANUARY)],
    ids=["on-the-first", "mid-month"],
)
def test_the_trust_dashboard_counts_his_line_at_each_of_its_schools_for_his_days_there(
    client, world, on_the_second_of_march, move, oak, elm
):
    trust = make_trust(world["oak"], world["elm"])
    _move(world, move)
    client.force_login(make_trust_lead(trust))
    board = client.get(reverse("trust-delivery", kwargs={"trust_id": trust.pk}), {"year": YEAR}).context["board"]
    assert _by_school(board) == {"Elm Primary": elm, "Oak Primary": oak}
    assert _row(board.total) == _whole_line_as_before(world)


def test_a_trust_answers_only_for_the_days_he_spent_at_its_own_school(client, world, on_the_second_of_march):
    # Oak alone is the trust's: he left it for Elm. Then Elm alone: he joined it from Oak.
    for ours, figures in (("oak", OAK_TO_13_JANUARY), ("elm", ELM_FROM_14_JANUARY)):
        trust = make_trust(world[ours], name=f"{ours.capitalize()} Trust")
        lead = make_trust_lead(trust)
        if ours == "oak":
            _move(world, MID_JANUARY)
        client.force_login(lead)
        board = client.get(reverse("trust-delivery", kwargs={"trust_id": trust.pk}), {"year": YEAR}).context["board"]
        assert (_by_school(board), _row(board.total)) == ({world[ours].name: figures}, figures)


def test_the_dashboard_takes_the_same_queries_however_many_children_moved(world):
    _move(world)
    with CaptureQueriesContext(connection) as one:
        _board(world)
    for name in ("Ava", "Noah"):
        child = make_child(world["oak"], first_name=name)
        line = make_line(make_plan(child, world["oak_senco"], kind="ehc_plan"), world["oak_senco"], **SALT)
        make_session(line, world["oak_senco"], date(2025, 9, 9))
        _move(world, (date(2026, 1, 14), (date(2026, 2, 3),)), child, line)
    with CaptureQueriesContext(connection) as three:
        board = _board(world)
    assert len(three) == len(one)
    # Ava's and Noah's lines: at Oak 486 minutes, 30 delivered; at Elm 168, 30 delivered.
    assert _by_school(board) == {
        "Oak Primary": (3, 564 + 2 * 486, 90 + 2 * 30, 474 + 2 * 456, 3),
        "Elm Primary": (3, 90 + 2 * 168, 90 + 2 * 30, 2 * 138, 2),
    }


def test_the_open_statistics_count_a_moved_childs_line_whole_in_the_term_as_no_table_is_by_school(world):
    _move(world, MID_JANUARY)
    spring = make_term("spring", 2026)
    table = open_statistics([world["north"].pk], spring, threshold=1)
    [cell] = [c for c in table.cells if c.group == "Communication and interaction"]
    # January to March, both schools' days: 20, 15 and 20 school days at 6 minutes, 330; 90 minutes delivered (13
    # January at Oak, 20 January and 3 February at Elm), 27 %.
    whole = queries.line_figures([world["north"].pk], queries.Window(2025, spring.start, spring.end))
    assert (whole[world["line"].pk].expected, whole[world["line"].pk].delivered) == (330, 90)
    assert (cell.children, cell.rate) == (1, 27)
