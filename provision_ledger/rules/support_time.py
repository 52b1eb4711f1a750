"""Where an allocated member of staff's time goes: blocks of a day by activity, and a week's account of them.

A day's blocks are refused, all of them, when any block ends at or before it starts, when two blocks overlap,
or when together they last longer than the school's day. Time "with the child" is one-to-one time and group
time that includes the child; record keeping and liaison with the family is for the child but not with them.
An allocation of N hours a week allocates a fifth of N on each school day, so a week shortened by a bank
holiday or an INSET day allocates its share, as rules/delivery.py lays weekly minutes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum
from fractions import Fraction
from itertools import pairwise

from provision_ledger.rules.compliance import MissReason, SessionStatus


class Activity(StrEnum):
    WITH_CHILD = "with_child"
    GROUP = "group"
    OTHER_CHILDREN = "other_children"
    CLASS_COVER = "class_cover"
    ADMIN = "admin"
    RECORDS = "records"

    @property
    def label(self) -> str:
        return ACTIVITY_LABELS[self]


ACTIVITY_LABELS = {
    Activity.WITH_CHILD: "With the child, one-to-one",
    Activity.GROUP: "With a group that includes the child",
    Activity.OTHER_CHILDREN: "With other children",
    Activity.CLASS_COVER: "Covering the whole class",
    Activity.ADMIN: "Admin or photocopying",
    Activity.RECORDS: "Record keeping and liaison with the family",
}
WITH_THE_CHILD = frozenset({Activity.WITH_CHILD, Activity.GROUP})


# Time spent away from the child on other work: what a redeployment of the child's support looks like in a log.
REDEPLOYED = frozenset({Activity.OTHER_CHILDREN, Activity.CLASS_COVER, Activity.ADMIN})


@dataclass(frozen=True)
class DaySession:
    """The session entry a day's log amounts to for the child's hours-a-week line: one fact, recorded once."""

    status: SessionStatus
    delivered_minutes: int
    reason: MissReason | None


def session_from_blocks(blocks: Iterable[Block], planned_minutes: int) -> DaySession:
    """A day's blocks as the session of in-class support they record.

    Minutes with the child (one-to-one, or in a group with them) are delivered. Less than the day's share is part
    delivered, or not delivered if none; the reason is a redeployment when the log shows the time spent on other
    children, class cover or admin, and otherwise "other" (the log does not say why).
    """
    blocks = list(blocks)
    with_child = sum(b.minutes for b in blocks if b.activity in WITH_THE_CHILD)
    redeployed = any(b.activity in REDEPLOYED for b in blocks)
    reason = MissReason.STAFF_REDEPLOYED if redeployed else MissReason.OTHER
    if with_child >= planned_minutes:
        return DaySession(SessionStatus.DELIVERED, with_child, None)
    if with_child > 0:
        return DaySession(SessionStatus.PART_DELIVERED, with_child, reason)
    return DaySession(SessionStatus.NOT_DELIVERED, 0, reason)


class BlockError(ValueError):
    """A day's blocks that cannot all be true."""


@dataclass(frozen=True)
class Block:
    start: time
    end: time
    activity: Activity

    @property
    def minutes(self) -> int:
        return _minute(self.end) - _minute(self.start)

    def describe(self) -> str:
        return f"{self.start:%H:%M} to {self.end:%H:%M}"


def _minute(t: time) -> int:
    return t.hour * 60 + t.minute


def check_day(blocks: Sequence[Block], day_minutes: int) -> None:
    """Raise BlockError naming every problem with a day's blocks; return quietly when they all stand."""
    problems = [f"The block {b.describe()} ends before it starts." for b in blocks if b.minutes <= 0]
    ordered = sorted((b for b in blocks if b.minutes > 0), key=lambda b: (b.start, b.end))
    problems += [
        f"The blocks {a.describe()} and {b.describe()} overlap." for a, b in pairwise(ordered) if b.start < a.end
    ]
    total = sum(b.minutes for b in ordered)
    if total > day_minutes:
        problems.append(
            f"The blocks add up to {_hours_and_minutes(total)}, longer than the school day of "
            f"{_hours_and_minutes(day_minutes)}."
        )
    if problems:
        raise BlockError(problems)


def _hours_and_minutes(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} minutes"
    return f"{hours} hours {rest} minutes" if rest else f"{hours} hours"


@dataclass(frozen=True)
class WeekAccount:
    """One week of an allocation: minutes allocated, and logged minutes by activity."""

    monday: date
    allocated: Fraction
    logged: dict[Activity, int]

    @property
    def with_child(self) -> int:
        return sum(m for a, m in self.logged.items() if a in WITH_THE_CHILD)

    @property
    def elsewhere(self) -> int:
        return sum(m for a, m in self.logged.items() if a not in WITH_THE_CHILD)

    @property
    def total_logged(self) -> int:
        return sum(self.logged.values())

    @property
    def short_of_allocation(self) -> Fraction:
        """Allocated minutes not spent with the child (never below zero)."""
        return max(self.allocated - self.with_child, Fraction(0))


def allocated_minutes(weekly_minutes: int, school_days: int) -> Fraction:
    """A fifth of the weekly allocation for each school day."""
    return Fraction(weekly_minutes * school_days, 5)


def week_accounts(
    weekly_minutes: int, school_days_by_week: dict[date, int], logged: Iterable[tuple[date, Activity, int]]
) -> list[WeekAccount]:
    """Weeks in order (by their Monday): allocated from the school days, logged from (day, activity, minutes)."""
    by_week: dict[date, dict[Activity, int]] = {monday: {} for monday in school_days_by_week}
    for day, activity, minutes in logged:
        monday = date.fromordinal(day.toordinal() - day.weekday())
        week = by_week.setdefault(monday, {})
        week[activity] = week.get(activity, 0) + minutes
    return [
        WeekAccount(
            monday=monday,
            allocated=allocated_minutes(weekly_minutes, school_days_by_week.get(monday, 0)),
            logged={a: week[a] for a in Activity if a in week},
        )
        for monday, week in sorted(by_week.items())
    ]
