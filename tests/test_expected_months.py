"""Expected months laid by line version: a month with an amendment in it holds each version's days apart."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import pytest
from django.db.models import Sum

from provision_ledger.oversight import queries
from provision_ledger.plans.actions import amend_line
from provision_ledger.plans.expected import LineToLay, lay_months
from provision_ledger.plans.models import LINE_TERM_FIELDS, ExpectedMonth
from provision_ledger.rules.calendar import SchoolCalendar, Term
from provision_ledger.rules.delivery import LineTerms, Period, expected_delivery
from tests.factories import make_child, make_la, make_line, make_plan, make_school, make_senco

AUTUMN = Term("Autumn 2025", date(2025, 9, 3), date(2025, 12, 19), date(2025, 10, 27), date(2025, 10, 31))
SPRING = Term("Spring 2026", date(2026, 1, 5), date(2026, 3, 27), date(2026, 2, 16), date(2026, 2, 20))
SUMMER = Term("Summer 2026", date(2026, 4, 13), date(2026, 7, 22), date(2026, 5, 25), date(2026, 5, 29))
CALENDAR = SchoolCalendar(terms=(AUTUMN, SPRING, SUMMER), inset_days=frozenset({date(2026, 1, 5)}))
SEPT_1 = date(2025, 9, 1)
WEDNESDAY_14_JANUARY = date(2026, 1, 14)
JANUARY = (date(2026, 1, 1), date(2026, 1, 31))

# Every kind of line the rules lay, and each amended to other terms: the termly and yearly ones put a fraction of a
# session on each day that no number of decimal places holds.
KINDS = {
    "weekly": LineTerms(2, Period.WEEK, 30, SEPT_1, None),
    "daily": LineTerms(1, Period.DAY, 15, SEPT_1, None),
    "termly": LineTerms(6, Period.TERM, 40, SEPT_1, None),
    "yearly": LineTerms(7, Period.YEAR, 50, SEPT_1, None),
    "timetabled": LineTerms(2, Period.WEEK, 25, SEPT_1, None, weekdays=frozenset({1, 3})),
    "in-class support": LineTerms(5, Period.WEEK, 60, SEPT_1, None, weekly_minutes=300),
}
AMENDED = LineTerms(3, Period.TERM, 20, SEPT_1, None)


def _rounded(value: Fraction) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_month_split_at_an_amendment_holds_each_versions_days_and_adds_up_to_the_month_laid_whole(kind):
    history = ((SEPT_1, KINDS[kind]), (WEDNESDAY_14_JANUARY, AMENDED))

    january = [row for row in lay_months(history, CALENDAR) if row[0] == JANUARY[0]]

    before = expected_delivery(history, CALENDAR, JANUARY[0], date(2026, 1, 13))
    after = expected_delivery(history, CALENDAR, WEDNESDAY_14_JANUARY, JANUARY[1])
    whole = expected_delivery(history, CALENDAR, *JANUARY)
    assert before + after == whole
    assert [(version, figures) for _, version, *figures in january] == [
        (0, [_rounded(before.sessions), _rounded(before.minutes)]),
        (1, [_rounded(before.sessions + after.sessions) - _rounded(before.sessions),
             _rounded(before.minutes + after.minutes) - _rounded(before.minutes)]),
    ]  # fmt: skip
    # Rounded as running totals: the month's rows add up to the whole month rounded once, as a reader by month sums.
    assert sum(row[2] for row in january) == _rounded(whole.sessions)
    assert sum(row[3] for row in january) == _rounded(whole.minutes)


def test_a_month_without_an_amendment_is_one_row_under_the_version_in_force():
    history = ((SEPT_1, KINDS["weekly"]), (WEDNESDAY_14_JANUARY, AMENDED))

    laid = lay_months(history, CALENDAR)

    # Two 30-minute sessions a week: October has 18 school days (half-term 27 to 31 October), 216 minutes.
    assert [row for row in laid if row[0] == date(2025, 10, 1)] == [
        (date(2025, 10, 1), 0, Decimal("7.2000"), Decimal("216.0000"))
    ]
    assert {version for month, version, *_ in laid if month >= date(2026, 2, 1)} == {1}


def test_an_amendment_on_the_first_school_day_of_a_month_leaves_the_month_whole_under_it():
    # Monday 5 January is an INSET day: the first school day is Tuesday 6 January.
    history = ((SEPT_1, KINDS["weekly"]), (date(2026, 1, 6), AMENDED))

    january = [row[:2] for row in lay_months(history, CALENDAR) if row[0] == JANUARY[0]]

    assert january == [(JANUARY[0], 1)]


def test_a_line_to_lay_names_a_version_for_each_of_its_terms():
    with pytest.raises(ValueError, match=r"^Line 7: each of its 2 terms needs its version; 1 given\.$"):
        LineToLay(7, 1, 1, ((SEPT_1, KINDS["weekly"]), (WEDNESDAY_14_JANUARY, AMENDED)), (11,))


@pytest.mark.django_db
def test_an_amendment_mid_month_stores_a_row_for_each_version_and_every_reader_by_line_or_month_is_unchanged():
    la = make_la("North")
    school = make_school(la)
    senco = make_senco(school)
    line = make_line(make_plan(make_child(school), senco), senco)  # 2 × 30 minutes a week with a TA
    window = queries.Window(2025, date(2025, 9, 1), date(2026, 3, 31))

    def by_month():
        return dict(
            ExpectedMonth.objects.filter(line=line).values_list("month").annotate(minutes=Sum("minutes")).order_by()
        )

    months, (sums,) = by_month(), queries.line_figures([la.pk], window).values()
    trend = queries.trend([la.pk], window, [school.pk])
    amend_line(
        line=line,
        by=senco,
        effective_from=WEDNESDAY_14_JANUARY,
        reason="Delivered by a teacher",
        today=WEDNESDAY_14_JANUARY,
        **{**{f: getattr(line.current_version, f) for f in LINE_TERM_FIELDS}, "delivered_by": "teacher"},
    )
    first, amended = line.versions_in_order

    # January 2026: 5 to 13 January, 7 school days of 12 minutes, under the first version; 14 to 30 January, 13
    # school days, under the amended one.
    rows = ExpectedMonth.objects.filter(line=line, month=JANUARY[0]).order_by("version__effective_from")
    assert [(r.version, r.sessions, r.minutes) for r in rows] == [
        (first, Decimal("2.8"), Decimal(84)),
        (amended, Decimal("5.2"), Decimal(156)),
    ]
    assert set(ExpectedMonth.objects.filter(line=line, month__lt=JANUARY[0]).values_list("version", flat=True)) == {
        first.pk
    }
    assert set(ExpectedMonth.objects.filter(line=line, month__gt=JANUARY[0]).values_list("version", flat=True)) == {
        amended.pk
    }
    assert by_month() == months
    assert list(queries.line_figures([la.pk], window).values()) == [sums]
    assert queries.trend([la.pk], window, [school.pk]) == trend
