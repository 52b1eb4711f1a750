"""Where a child was when: their enrolments as periods, for laying expected delivery and attributing figures."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from provision_ledger.people.models import Child, Enrolment, calendars_of
from provision_ledger.rules.calendar import Calendar, ChildCalendar, Stint


@dataclass(frozen=True)
class Stay:
    """A period at one school, under the authority that maintains it.

    `start` is None for the child's first school: the record before its first enrolment has no other school.
    `end` is the last day there, None while the child is still there.
    """

    school_id: int
    local_authority_id: int
    start: date | None
    end: date | None

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def clip(self, first: date, last: date) -> tuple[date, date] | None:
        """The part of first..last inside this stay, or None."""
        lo = first if self.start is None else max(first, self.start)
        hi = last if self.end is None else min(last, self.end)
        return (lo, hi) if lo <= hi else None


def _stays(rows: list[Enrolment]) -> list[Stay]:
    stays = [Stay(e.school_id, e.local_authority_id, e.started_on, e.ended_on) for e in rows]
    if stays:
        stays[0] = Stay(stays[0].school_id, stays[0].local_authority_id, None, stays[0].end)
    return stays


def stays_of(children: Iterable[Child]) -> dict[int, list[Stay]]:
    """Each child's stays in date order, in one query; a child without enrolments has one open stay at their school."""
    children = list(children)
    rows: dict[int, list[Enrolment]] = {c.pk: [] for c in children}
    for enrolment in Enrolment.objects.filter(child__in=[c.pk for c in children]).order_by("started_on", "id"):
        rows[enrolment.child_id].append(enrolment)
    return {c.pk: _stays(rows[c.pk]) or [Stay(c.school_id, c.local_authority_id, None, None)] for c in children}


def current_enrolment(child: Child) -> Enrolment | None:
    return Enrolment.objects.filter(child=child, ended_on__isnull=True).select_related("school").first()


def joined_on(child: Child) -> date | None:
    """The day the child joined their present school, when they came from another one recorded here; else None."""
    stays = stays_of([child])[child.pk]
    return stays[-1].start if len(stays) > 1 else None


def calendar_of(child: Child, enrolments: list[Enrolment] | None = None) -> Calendar:
    """The child's school days: their school's calendar, or for a child who moved, each school's for its days.

    `enrolments`, the child's in date order, when the caller has read them already."""
    if enrolments is None:
        stays = stays_of([child])[child.pk]
    else:
        stays = _stays(enrolments) or [Stay(child.school_id, child.local_authority_id, None, None)]
    if len(stays) == 1:
        return calendars_of([child.school_id])[child.school_id]
    calendars = calendars_of(sorted({stay.school_id for stay in stays}))
    return ChildCalendar(tuple(Stint(calendars[stay.school_id], stay.start, stay.end) for stay in stays))
