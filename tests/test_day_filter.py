"""The `day` filter writes dates exactly as Django's `date` filter does, for the letters it knows."""

from datetime import date

from django.template.defaultfilters import date as django_date
from hypothesis import given
from hypothesis import strategies as st

from provision_ledger.core.templatetags.ledger import day

PATTERNS = ["j F Y", "j M", "j M Y", "l j F", "D j M Y"]


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)), st.sampled_from(PATTERNS))
def test_day_writes_a_date_as_the_date_filter_does(value, pattern):
    assert day(value, pattern) == django_date(value, pattern)


def test_day_of_nothing_is_empty():
    assert day(None, "j F Y") == ""


def test_day_keeps_characters_it_does_not_know():
    assert day(date(2026, 3, 9), "j M, Y") == "9 Mar, 2026"
