"""The database is set up as promised, and a school's own policy is checked before it is used."""

from __future__ import annotations

import importlib
import sqlite3
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from provision_ledger.rules.compliance import DEFAULT_MAKE_UP_POLICY, MakeUpPolicy, MissReason
from tests.factories import make_school

pytestmark = pytest.mark.django_db


@pytest.fixture
def sqlite_settings(monkeypatch):
    """The settings module read afresh without DATABASE_URL, whichever database this suite runs on."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    module = importlib.import_module("provision_ledger.settings")
    yield importlib.reload(module)
    monkeypatch.undo()
    importlib.reload(module)


def test_sqlite_file_runs_in_wal_mode_and_waits_for_the_write_lock(tmp_path, sqlite_settings):
    options = sqlite_settings.DATABASES["default"]["OPTIONS"]
    db = sqlite3.connect(tmp_path / "ledger.sqlite3")
    db.executescript(options["init_command"])
    modes = (db.execute("PRAGMA journal_mode").fetchone()[0], db.execute("PRAGMA busy_timeout").fetchone()[0])
    assert (modes, options["transaction_mode"]) == (("wal", 20_000), "IMMEDIATE")


def test_school_without_its_own_policy_uses_the_default():
    assert make_school().make_up_policy == DEFAULT_MAKE_UP_POLICY


def test_school_policy_owes_only_the_reasons_it_lists():
    school = make_school()
    school.owed_reasons = ["staff_absent"]
    assert school.make_up_policy == MakeUpPolicy(owed_reasons=frozenset({MissReason.STAFF_ABSENT}))


def test_school_thresholds_come_from_its_percentages():
    school = make_school()
    school.on_track_percent, school.at_risk_percent = 95, 80
    assert (school.thresholds.on_track, school.thresholds.at_risk) == (Fraction(19, 20), Fraction(4, 5))


def test_school_with_an_unknown_owed_reason_is_refused():
    school = make_school()
    school.owed_reasons = ["staff_absent", "weather"]
    with pytest.raises(ValidationError) as excinfo:
        school.full_clean()
    assert excinfo.value.message_dict == {
        "owed_reasons": [
            "List reasons from: child_absent, child_declined, other, school_closure, staff_absent, staff_redeployed."
        ]
    }


def test_school_with_at_risk_above_on_track_is_refused():
    school = make_school()
    school.on_track_percent, school.at_risk_percent = 70, 80
    with pytest.raises(ValidationError) as excinfo:
        school.full_clean()
    assert excinfo.value.message_dict == {
        "at_risk_percent": ["The at-risk threshold cannot be above the on-track threshold."]
    }
