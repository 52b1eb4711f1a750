from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from provision_ledger.rules.retention import born_on_or_before, retention_ends


def test_a_record_is_kept_to_the_thirty_first_birthday():
    assert retention_ends(date(2010, 9, 14)) == date(2041, 9, 14)


def test_a_leap_day_birth_is_kept_to_the_first_of_march():
    assert retention_ends(date(2008, 2, 29)) == date(2039, 3, 1)


def test_the_years_are_configurable():
    assert retention_ends(date(2010, 9, 14), years=25) == date(2035, 9, 14)


@given(
    st.dates(min_value=date(1950, 1, 1), max_value=date(2030, 12, 31)),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2070, 12, 31)),
)
def test_the_database_cutoff_agrees_with_the_retention_date(birth: date, today: date):
    """Due in the database (born on or before the cutoff) exactly when the retention date has come."""
    assert (birth <= born_on_or_before(today)) == (retention_ends(birth) <= today)


def test_a_record_is_not_due_the_day_before():
    birth = date(1995, 6, 1)
    assert birth > born_on_or_before(retention_ends(birth) - timedelta(days=1))
    assert birth <= born_on_or_before(retention_ends(birth))
