"""A real school calendar for England, academic year 2025/26, shared by the rules tests."""

from datetime import date

import pytest

from provision_ledger.rules.calendar import SchoolCalendar, Term

AUTUMN = Term("Autumn 2025", date(2025, 9, 3), date(2025, 12, 19), date(2025, 10, 27), date(2025, 10, 31))
SPRING = Term("Spring 2026", date(2026, 1, 5), date(2026, 3, 27), date(2026, 2, 16), date(2026, 2, 20))
SUMMER = Term("Summer 2026", date(2026, 4, 13), date(2026, 7, 22), date(2026, 5, 25), date(2026, 5, 29))

# INSET: the Friday before autumn half-term and the first day of the spring term.
INSET_DAYS = frozenset({date(2025, 10, 24), date(2026, 1, 5)})
# Closed as a polling station (illustrative by-election, a Thursday).
CLOSURES = frozenset({date(2025, 11, 20)})

CALENDAR_2025_26 = SchoolCalendar(terms=(AUTUMN, SPRING, SUMMER), inset_days=INSET_DAYS, closures=CLOSURES)


@pytest.fixture(scope="session")
def cal() -> SchoolCalendar:
    return CALENDAR_2025_26
