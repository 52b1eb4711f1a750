"""Where a child was when: their enrolments as periods, for laying expected delivery and attributing figures."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

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


def moved_children() -> QuerySet[Enrolment, Any]:
    """The ids of children who changed school (an enrolment of theirs has ended), as a subquery."""
    return Enrolment.objects.filter(ended_on__isnull=False).values("child_id")


def _school_of(enrolments: QuerySet[Enrolment]) -> Subquery:
    return Subquery(enrolments.values("school_id")[:1], output_field=IntegerField())


def school_on(day: str, child: str = "child") -> Coalesce:
    """The school a row's child was at on the row's date (`day`, a field path): the enrolment begun on or before it,
    else their first (which holds what the record has from before it). For rows of children who moved."""
    begun = Enrolment.objects.filter(child=OuterRef(child), started_on__lte=OuterRef(day)).order_by("-started_on")
    first = Enrolment.objects.filter(child=OuterRef(child)).order_by("started_on")
    return Coalesce(_school_of(begun), _school_of(first), output_field=IntegerField())


def school_in_authority(authority: str, day: str, child: str) -> Coalesce:
    """The school a child was at under an authority (`authority`, a field path) in the month starting on `day`: their
    enrolment there begun by that day, else the first one there begun later (a move in the month)."""
    there = Enrolment.objects.filter(child=OuterRef(child), local_authority=OuterRef(authority))
    begun = there.filter(started_on__lte=OuterRef(day)).order_by("-started_on")
    later = there.filter(started_on__gt=OuterRef(day)).order_by("started_on")
    return Coalesce(_school_of(begun), _school_of(later), output_field=IntegerField())
