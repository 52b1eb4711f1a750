"""Statutory clocks: the time limits that run from events in a child's EHC needs assessment and plan.

Each clock says what it measures, the event it runs from, the date the limit falls and its source:
a readable citation of the statute or regulation, shown to parents as it is. The comment next to each
rule names the provision it follows.

How time is counted (our rule, written down so every date can be checked by hand):

- The day of the event is not counted. "N weeks from" a date is the same weekday N weeks later:
  6 weeks from Tuesday 3 March 2026 is Tuesday 14 April 2026. A limit in weeks or months is not
  moved off a weekend or a bank holiday.
- "N months from" a date is the same day number N months later, or the last day of that month
  when it is shorter: 2 months from 31 December 2025 is 28 February 2026. Counting months back
  (phase transfers between post-16 institutions) uses the same rule in reverse.
- "N working days from" a date is the Nth Monday-to-Friday after it that is not a bank holiday
  in England and Wales: 5 working days from Thursday 30 April 2026 is Friday 8 May 2026, because
  Monday 4 May is the Early May bank holiday.
- A clock that ends on a fixed date (a phase transfer by 15 February) has no start event.

Exceptions. Regulation 5(4) (the 6-week decision) and regulation 10(4) (the 16 weeks, applied to
the 20-week limit by reg 13(3)) of the SEND Regulations 2014 list circumstances in which the local
authority need not keep to the time limit. The regulations disapply the limit; they do not extend
it by any length of time. So a clock with an exception recorded is "suspended": it keeps the date
the limit would have fallen, for reference, but has no due date and is never overdue. We never
invent an extended date; the local authority must still act as soon as practicable.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from provision_ledger.rules.calendar import bank_holidays

_ONE_DAY = timedelta(days=1)
# A "continuous period of not less than 4 weeks" (regs 5(4) and 10(4), SEND Regulations 2014), counting the first
# and last day.
_FOUR_WEEKS = 28


# --- Counting time -----------------------------------------------------------------------------


def long_date(d: date) -> str:
    """A date as a parent reads it, e.g. "Tuesday 3 March 2026"."""
    return f"{d:%A} {d.day} {d:%B %Y}"


def add_weeks(d: date, weeks: int) -> date:
    """The same weekday `weeks` weeks after d (before it, for a negative count)."""
    return d + timedelta(weeks=weeks)


def add_months(d: date, months: int) -> date:
    """The same day number `months` months after d, or the last day of that month if it is shorter."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, _calendar.monthrange(year, month)[1]))


def is_working_day(d: date) -> bool:
    """Monday to Friday, and not a bank holiday in England and Wales."""
    return d.weekday() < 5 and d not in bank_holidays((d.year,))


def add_working_days(d: date, days: int) -> date:
    """The `days`-th working day after d; d itself is not counted, whatever day it is."""
    if days < 1:
        raise ValueError(f"Count at least one working day (got {days}).")
    counted = 0
    current = d
    while counted < days:
        current += _ONE_DAY
        if is_working_day(current):
            counted += 1
    return current


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"


_UNIT_WORDS: dict[Unit, tuple[str, str]] = {
    Unit.WORKING_DAYS: ("working day", "working days"),
    Unit.DAYS: ("day", "days"),
    Unit.WEEKS: ("week", "weeks"),
    Unit.MONTHS: ("month", "months"),
}


@dataclass(frozen=True)
class Period:
    """A length of time counted by the rules above, e.g. 5 working days or 6 weeks."""

    amount: int
    unit: Unit

    def __post_init__(self) -> None:
        if self.amount < 1:
            raise ValueError(f"A period must be at least one {_UNIT_WORDS[self.unit][0]}.")

    @property
    def label(self) -> str:
        singular, plural = _UNIT_WORDS[self.unit]
        return f"{self.amount} {singular if self.amount == 1 else plural}"

    def after(self, d: date) -> date:
        """The date the period ends when it runs from d."""
        if self.unit is Unit.WORKING_DAYS:
            return add_working_days(d, self.amount)
        if self.unit is Unit.DAYS:
            return d + timedelta(days=self.amount)
        if self.unit is Unit.WEEKS:
            return add_weeks(d, self.amount)
        return add_months(d, self.amount)


# --- Clocks -------------------------------------------------------------------------------------


class ClockKind(StrEnum):
    DECISION_TO_ASSESS = "decision_to_assess"
    NOTICE_NOT_TO_ISSUE = "notice_not_to_issue"
    FINAL_PLAN = "final_plan"
    ANNUAL_REVIEW = "annual_review"
    UNDER_FIVE_REVIEW = "under_five_review"
    REVIEW_REPORT = "review_report"
    REVIEW_DECISION = "review_decision"
    AMENDED_PLAN_AFTER_PROPOSALS = "amended_plan_after_proposals"
    AMENDED_PLAN_AFTER_MEETING = "amended_plan_after_meeting"
    PHASE_TRANSFER = "phase_transfer"
    TRIBUNAL_APPEAL = "tribunal_appeal"
    MEDIATION_CERTIFICATE = "mediation_certificate"
    LA_REPLY_REQUESTED = "la_reply_requested"
    DRAFT_PLAN_COMMENTS = "draft_plan_comments"
    AMENDMENT_COMMENTS = "amendment_comments"
    PLAN_TRANSFER = "plan_transfer"
    TRANSFER_NOTICE = "transfer_notice"
    TRANSFER_REVIEW = "transfer_review"


class Party(StrEnum):
    """Who has to act by the clock's date."""

    LOCAL_AUTHORITY = "local_authority"
    MEETING_HOST = "meeting_host"
    MEDIATION_ADVISER = "mediation_adviser"
    PARENT = "parent"

    @property
    def label(self) -> str:
        return _PARTY_LABELS[self]


_PARTY_LABELS: dict[Party, str] = {
    Party.LOCAL_AUTHORITY: "The local authority",
    Party.MEETING_HOST: "Whoever held the review meeting",
    Party.MEDIATION_ADVISER: "The mediation adviser",
    Party.PARENT: "You (the parent) or the young person",
}


class ExceptionKind(StrEnum):
    """The circumstances in which the local authority need not keep to an assessment time limit.

    Reg 5(4) SEND Regulations 2014 (the 6-week decision) and reg 10(4) (the 16 weeks; by reg 13(3)
    also the 20 weeks): a school or other setting asked for advice around its closure of 4 weeks or
    more; exceptional personal circumstances of the child or parent; the child or parent away from
    the area for 4 weeks or more.
    """

    SETTING_CLOSURE = "setting_closure"
    PERSONAL_CIRCUMSTANCES = "personal_circumstances"
    ABSENCE_FROM_AREA = "absence_from_area"

    @property
    def label(self) -> str:
        return _EXCEPTION_LABELS[self]


_EXCEPTION_LABELS: dict[ExceptionKind, str] = {
    ExceptionKind.SETTING_CLOSURE: (
        "Advice was requested from a school, college or early-years provider around a closure of at least 4 weeks"
    ),
    ExceptionKind.PERSONAL_CIRCUMSTANCES: "Exceptional personal circumstances of the child or parent",
    ExceptionKind.ABSENCE_FROM_AREA: (
        "The child or parent was away from the local authority's area for at least 4 weeks"
    ),
}
# The two exceptions the regulations qualify with "a continuous period of not less than 4 weeks".
_FOUR_WEEK_EXCEPTIONS = frozenset({ExceptionKind.SETTING_CLOSURE, ExceptionKind.ABSENCE_FROM_AREA})

EXCEPTION_SOURCE = "regulations 5(4), 10(4) and 13(3), Special Educational Needs and Disability Regulations 2014"


@dataclass(frozen=True)
class RecordedException:
    """An exception the local authority relies on, with its dates where known (inclusive)."""

    kind: ExceptionKind
    start: date | None = None
    end: date | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.start is not None and self.end is not None:
            if self.end < self.start:
                raise ValueError(
                    f"{self.kind.label}: it ends ({long_date(self.end)}) before it starts ({long_date(self.start)})."
                )
            days = (self.end - self.start).days + 1
            if self.kind in _FOUR_WEEK_EXCEPTIONS and days < _FOUR_WEEKS:
                raise ValueError(
                    f"{self.kind.label}: {long_date(self.start)} to {long_date(self.end)} is {days} days, "
                    "shorter than the 4 weeks the regulations require."
                )

    def overlaps(self, first: date, last: date) -> bool:
        """Whether the exception touches first..last; an open end is taken to reach it."""
        return (self.start is None or self.start <= last) and (self.end is None or self.end >= first)


@dataclass(frozen=True)
class Clock:
    """One statutory (or requested) time limit.

    limit: the date the time limit falls, always worked out, even when suspended.
    due: the limit, or None while a recorded exception disapplies it.
    start: the date of the event the clock runs from; None for a fixed calendar date.
    met_on: when the duty was done, if it has been.
    statutory: False for a date the parent asked for (a reply to a letter), which no law sets: it is shown
    as "you asked for a reply by" and never counted as a breach.
    """

    kind: ClockKind
    name: str
    measures: str
    runs_from: str
    start: date | None
    limit: date
    source: str
    party: Party
    window_opens: date | None = None
    met_on: date | None = None
    suspended_by: tuple[RecordedException, ...] = ()
    statutory: bool = True

    @property
    def suspended(self) -> bool:
        return bool(self.suspended_by)

    @property
    def due(self) -> date | None:
        return None if self.suspended else self.limit

    @property
    def suspension_note(self) -> str | None:
        """Plain English for a suspended clock, citing the exception; None when it runs."""
        if not self.suspended:
            return None
        kinds = "; ".join(dict.fromkeys(e.kind.label for e in self.suspended_by))
        return (
            f"Suspended: exception applies ({kinds}). The time limit is disapplied, not extended "
            f"({EXCEPTION_SOURCE}); without it the limit would have been {long_date(self.limit)}."
        )


class ClockStatus(StrEnum):
    RUNNING = "running"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET = "met"
    MET_LATE = "met_late"
    SUSPENDED = "suspended"
    # A requested reply date that passed: not a breach of any law, so never "overdue".
    ASKED_DATE_PASSED = "asked_date_passed"
    # A date by which the parent could act (an appeal, comments on a draft) that has gone by: nobody's breach.
    PASSED = "passed"

    @property
    def label(self) -> str:
        return _CLOCK_STATUS_LABELS[self]


_CLOCK_STATUS_LABELS: dict[ClockStatus, str] = {
    ClockStatus.RUNNING: "Running",
    ClockStatus.DUE_SOON: "Due soon",
    ClockStatus.OVERDUE: "Overdue",
    ClockStatus.MET: "Done in time",
    ClockStatus.MET_LATE: "Done late",
    ClockStatus.SUSPENDED: "Suspended: exception applies",
    ClockStatus.ASKED_DATE_PASSED: "No reply by the date you asked",
    ClockStatus.PASSED: "The date has passed",
}

DEFAULT_SOON_DAYS = 14


def clock_status(clock: Clock, today: date, *, soon_days: int = DEFAULT_SOON_DAYS) -> ClockStatus:
    """Where a clock stands on `today`. The due date itself is still in time; the day after is overdue."""
    if clock.met_on is not None:
        late = not clock.suspended and clock.met_on > clock.limit
        return ClockStatus.MET_LATE if late else ClockStatus.MET
    if clock.suspended:
        return ClockStatus.SUSPENDED
    if today > clock.limit:
        if not clock.statutory:
            return ClockStatus.ASKED_DATE_PASSED
        return ClockStatus.PASSED if clock.party is Party.PARENT else ClockStatus.OVERDUE
    if (clock.limit - today).days <= soon_days:
        return ClockStatus.DUE_SOON
    return ClockStatus.RUNNING


@dataclass(frozen=True)
class ClockCheck:
    clock: Clock
    status: ClockStatus
    days_left: int  # negative when overdue


def clocks_needing_attention(
    clocks: Iterable[Clock], today: date, *, soon_days: int = DEFAULT_SOON_DAYS
) -> tuple[ClockCheck, ...]:
    """The overdue clocks (most overdue first), then those due within `soon_days` (soonest first).

    Only the law's time limits: a reply date the parent asked for is never a breach.
    """
    found = []
    for clock in clocks:
        if not clock.statutory:
            continue
        status = clock_status(clock, today, soon_days=soon_days)
        if status in (ClockStatus.OVERDUE, ClockStatus.DUE_SOON):
            found.append(ClockCheck(clock, status, (clock.limit - today).days))
    return tuple(sorted(found, key=lambda c: (c.status is not ClockStatus.OVERDUE, c.clock.limit)))


def _refuse_if_before(later: date | None, later_name: str, earlier: date | None, earlier_name: str) -> None:
    if later is not None and earlier is not None and later < earlier:
        raise ValueError(
            f"The {later_name} ({long_date(later)}) is before the {earlier_name} ({long_date(earlier)}): "
            f"the {later_name} cannot come before the {earlier_name}."
        )


# --- EHC needs assessment: 6, 16 and 20 weeks -----------------------------------------------------

# Decide whether to assess within 6 weeks of receiving the request (reg 5(1)); notice of a decision not
# to issue a plan within 16 weeks (reg 10(1)); final plan within 20 weeks (reg 13(2)). All run from the
# local authority's receipt of the request (reg 5(1)), so a recorded receipt date is used when there is one.
_SIXTEEN = "Special Educational Needs and Disability Regulations 2014"
_SIX_WEEKS_SOURCE = f"Regulation 5(1), {_SIXTEEN}: 6 weeks from the request"
_SIXTEEN_WEEKS_SOURCE = f"Regulation 10(1), {_SIXTEEN}: 16 weeks from the request"
_TWENTY_WEEKS_SOURCE = f"Regulation 13(2), {_SIXTEEN}: 20 weeks from the request"
_FROM_REQUEST = "the local authority receiving the request for an EHC needs assessment"


def ehc_assessment_clocks(
    request_date: date,
    *,
    exceptions: Sequence[RecordedException] = (),
    decision_date: date | None = None,
    decided_to_assess: bool = True,
    notice_not_to_issue_date: date | None = None,
    final_plan_date: date | None = None,
) -> tuple[Clock, ...]:
    """The clocks that run from a request for an EHC needs assessment.

    Always the 6-week decision. Unless the local authority decided not to assess: the 16-week
    notice (dropped once a final plan is issued) and the 20-week final plan (dropped once a notice
    not to issue is sent).

    Exceptions suspend all three: reg 5(4) for the 6-week decision, reg 10(4) for the 16 weeks and,
    by reg 13(3), for the 20 weeks. An exception counts for a clock only if its dates touch the time from the request
    to the limit: one that begins after the limit has passed cannot have made the limit impractical.
    """
    _refuse_if_before(decision_date, "decision whether to assess", request_date, "request")
    _refuse_if_before(notice_not_to_issue_date, "notice not to issue a plan", request_date, "request")
    _refuse_if_before(final_plan_date, "final plan", request_date, "request")
    _refuse_if_before(notice_not_to_issue_date, "notice not to issue a plan", decision_date, "decision to assess")
    _refuse_if_before(final_plan_date, "final plan", decision_date, "decision to assess")
    outcome = final_plan_date or notice_not_to_issue_date
    if decision_date is None and not decided_to_assess:
        raise ValueError("A decision not to assess needs the date it was made.")
    if outcome is not None and decision_date is None:
        raise ValueError(
            "A final plan or a notice not to issue one follows a decision to assess: record the date of "
            "that decision too."
        )
    if outcome is not None and not decided_to_assess:
        raise ValueError(
            "The local authority decided not to assess, so there is no final plan or notice not to issue one to record."
        )
    if final_plan_date is not None and notice_not_to_issue_date is not None:
        raise ValueError(
            f"Both a notice not to issue a plan ({long_date(notice_not_to_issue_date)}) and a final plan "
            f"({long_date(final_plan_date)}) are recorded for one request: record only the outcome of "
            "this assessment."
        )

    def counted(limit: date) -> tuple[RecordedException, ...]:
        return tuple(e for e in exceptions if e.overlaps(request_date, limit))

    clocks = [
        Clock(
            kind=ClockKind.DECISION_TO_ASSESS,
            name="Decision whether to carry out an EHC needs assessment",
            measures="The local authority must tell you whether it will carry out an EHC needs assessment.",
            runs_from=_FROM_REQUEST,
            start=request_date,
            limit=add_weeks(request_date, 6),
            source=_SIX_WEEKS_SOURCE,
            party=Party.LOCAL_AUTHORITY,
            met_on=decision_date,
            suspended_by=counted(add_weeks(request_date, 6)),
        )
    ]
    if not decided_to_assess:
        return tuple(clocks)

    if final_plan_date is None:
        limit = add_weeks(request_date, 16)
        clocks.append(
            Clock(
                kind=ClockKind.NOTICE_NOT_TO_ISSUE,
                name="Notice if no EHC plan will be issued",
                measures=(
                    "If the local authority decides not to issue an EHC plan after the assessment, "
                    "it must tell you by this date."
                ),
                runs_from=_FROM_REQUEST,
                start=request_date,
                limit=limit,
                source=_SIXTEEN_WEEKS_SOURCE,
                party=Party.LOCAL_AUTHORITY,
                met_on=notice_not_to_issue_date,
                suspended_by=counted(limit),
            )
        )
    if notice_not_to_issue_date is None:
        limit = add_weeks(request_date, 20)
        clocks.append(
            Clock(
                kind=ClockKind.FINAL_PLAN,
                name="Final EHC plan",
                measures="The local authority must issue the final EHC plan.",
                runs_from=_FROM_REQUEST,
                start=request_date,
                limit=limit,
                source=_TWENTY_WEEKS_SOURCE,
                party=Party.LOCAL_AUTHORITY,
                met_on=final_plan_date,
                suspended_by=counted(limit),
            )
        )
    return tuple(clocks)


# --- Annual review -----------------------------------------------------------------------------------


def annual_review_due(last_review_or_plan_date: date, child_dob: date) -> tuple[Clock, ...]:
    """The next annual review, and for an under-five the 3–6 month review consideration.

    s44(1) CFA 2014: a review "in the period of 12 months starting with the date on which the plan was
    first made", then 12 months starting with the date of the last review. A period starting with
    15 January 2026 ends on 14 January 2027, so the review is due the day before the anniversary.
    SEND Code of Practice 9.178: under-5s should be considered for review every 3–6 months. Our rule for
    "under-five": the child is not yet five on the day the 3-month window opens (a child who is already
    five by then has no such consideration due).
    """
    _refuse_if_before(last_review_or_plan_date, "last review or plan", child_dob, "child's date of birth")
    clocks = [
        Clock(
            kind=ClockKind.ANNUAL_REVIEW,
            name="Annual review of the EHC plan",
            measures="The EHC plan must be reviewed at least every 12 months.",
            runs_from="the plan being made or its last review",
            start=last_review_or_plan_date,
            limit=add_months(last_review_or_plan_date, 12) - _ONE_DAY,
            source=(
                "Section 44(1), Children and Families Act 2014: within 12 months starting with the plan or last review"
            ),
            party=Party.LOCAL_AUTHORITY,
        )
    ]
    opens = add_months(last_review_or_plan_date, 3)
    if opens < add_months(child_dob, 60):
        clocks.append(
            Clock(
                kind=ClockKind.UNDER_FIVE_REVIEW,
                name="Consider an earlier review (child under five)",
                measures="For a child under five, a review should be considered every 3 to 6 months.",
                runs_from="the plan being made or its last review",
                start=last_review_or_plan_date,
                limit=add_months(last_review_or_plan_date, 6),
                source="SEND Code of Practice (2015), paragraph 9.178: every 3 to 6 months for a child under five",
                party=Party.LOCAL_AUTHORITY,
                window_opens=opens,
            )
        )
    return tuple(clocks)


# --- A child with an EHC plan moving to another local authority's area ------------------------------

_REG_15 = "Regulation 15, Special Educational Needs and Disability Regulations 2014"


def plan_transfer_date(moved_on: date, old_authority_aware_on: date | None = None) -> date:
    """The day the old authority must transfer the EHC plan to the new one.

    Reg 15(2) SEND Regulations 2014: "on the day of the move or, where it has not become aware of the move at least
    15 working days prior to that move, within 15 working days beginning with the day on which it did become aware".
    Our rule: the old authority was aware "at least 15 working days prior" when counting 15 working days on from the
    day it learned reaches the day of the move. Otherwise "beginning with" counts the day it learned as the first
    of the 15 when that is a working day. Learned Thursday 8 January 2026 of a move on Wednesday 14 January: too
    late for the day of the move, so the plan transfers by Wednesday 28 January 2026. Without the day it learned,
    the plan transfers on the day of the move, as the regulation first says.
    """
    if old_authority_aware_on is None or add_working_days(old_authority_aware_on, 15) <= moved_on:
        return moved_on
    return add_working_days(old_authority_aware_on - _ONE_DAY, 15)


def plan_transfer_clocks(
    moved_on: date,
    last_review_or_plan_date: date,
    *,
    old_authority_aware_on: date | None = None,
    informed_on: date | None = None,
    reviewed_on: date | None = None,
) -> tuple[Clock, ...]:
    """The three time limits of an EHC plan's transfer to a new local authority (reg 15 SEND Regulations 2014).

    - Reg 15(2): the old authority transfers the plan on the day of the move, or within 15 working days of learning
      of it when it learned less than 15 working days before (`plan_transfer_date`). From then the new authority
      maintains the plan as if it had made it (reg 15(3)(a)).
    - Reg 15(4): "within 6 weeks of the date of the transfer" the new authority tells the parent that the plan has
      been transferred, whether it proposes to make an EHC needs assessment, and when it proposes to review the plan.
      Counted as our other weeks: transferred Wednesday 14 January 2026, by Wednesday 25 February 2026.
    - Reg 15(5): the new authority reviews the plan (s44 CFA 2014) "before the expiry of the later of" 12 months
      beginning with the date the plan was made or last reviewed, and 3 months beginning with the date of the
      transfer. "Beginning with" counts the first day, so each period ends the day before its anniversary: made
      1 September 2025 and transferred 14 January 2026, the later of 31 August 2026 and 13 April 2026, so 31 August
      2026; last reviewed 20 February 2025, the later of 19 February 2026 and 13 April 2026, so 13 April 2026.

    The 6 weeks and the review run from the day the plan is due to transfer; a plan transferred earlier has them
    earlier.
    """
    _refuse_if_before(moved_on, "move", last_review_or_plan_date, "plan or last review")
    transfer = plan_transfer_date(moved_on, old_authority_aware_on)
    late_notice = transfer != moved_on
    return (
        Clock(
            kind=ClockKind.PLAN_TRANSFER,
            name="Transfer of the EHC plan to the new local authority",
            measures=(
                "The old local authority must transfer the EHC plan to the new one"
                + (
                    ": it learned of the move less than 15 working days before, so within 15 working days of learning."
                    if late_notice
                    else " on the day of the move."
                )
            ),
            runs_from="the move" if not late_notice else "the old local authority learning of the move",
            start=moved_on if not late_notice else old_authority_aware_on,
            limit=transfer,
            source=f"{_REG_15}, paragraph (2)",
            party=Party.LOCAL_AUTHORITY,
        ),
        Clock(
            kind=ClockKind.TRANSFER_NOTICE,
            name="The new local authority writes to you about the transferred plan",
            measures=(
                "The new local authority must tell you that the EHC plan has been transferred, whether it proposes "
                "to make an EHC needs assessment, and when it proposes to review the plan."
            ),
            runs_from="the transfer of the EHC plan",
            start=transfer,
            limit=add_weeks(transfer, 6),
            source=f"{_REG_15}, paragraph (4): within 6 weeks of the transfer",
            party=Party.LOCAL_AUTHORITY,
            met_on=informed_on,
        ),
        Clock(
            kind=ClockKind.TRANSFER_REVIEW,
            name="First review of the EHC plan by the new local authority",
            measures=(
                "The new local authority must review the EHC plan by the later of 12 months from the plan being made "
                "or last reviewed, and 3 months from its transfer."
            ),
            runs_from="the plan being made or its last review, or its transfer if later",
            start=transfer,
            limit=max(add_months(last_review_or_plan_date, 12), add_months(transfer, 3)) - _ONE_DAY,
            source=(
                f"{_REG_15}, paragraph (5), and section 44, Children and Families Act 2014: the later of 12 months "
                "beginning with the plan or its last review and 3 months beginning with the transfer"
            ),
            party=Party.LOCAL_AUTHORITY,
            met_on=reviewed_on,
        ),
    )


# --- After an annual review meeting ------------------------------------------------------------------


class ReviewOutcome(StrEnum):
    MAINTAIN = "maintain"
    AMEND = "amend"
    CEASE = "cease"


def after_review_meeting(
    meeting_date: date,
    *,
    report_sent: date | None = None,
    decision_date: date | None = None,
    outcome: ReviewOutcome | None = None,
    proposals_sent: date | None = None,
    final_amended_plan: date | None = None,
) -> tuple[Clock, ...]:
    """The clocks that run from an annual review meeting.

    Report within 2 weeks and the local authority's decision within 4 weeks of the meeting (reg 20
    SEND Regulations 2014); when it amends, the final amended plan within 8 weeks of sending the
    proposals (reg 22(2)–(3)) and, since the amendment notice must issue with the 4-week decision,
    within 12 weeks of the meeting (L, M & P v Devon CC [2022] EWHC 493 (Admin)). Sending proposals is the decision to
    amend, so it meets the 4-week clock when no separate decision date is recorded. The amendment clocks are
    left out once the local authority has decided to maintain or cease the plan.
    """
    _refuse_if_before(report_sent, "review report", meeting_date, "review meeting")
    _refuse_if_before(decision_date, "local authority's decision", meeting_date, "review meeting")
    _refuse_if_before(proposals_sent, "proposed amendments", meeting_date, "review meeting")
    _refuse_if_before(final_amended_plan, "final amended plan", meeting_date, "review meeting")
    _refuse_if_before(final_amended_plan, "final amended plan", proposals_sent, "proposed amendments")
    if outcome is not None and decision_date is None and proposals_sent is None:
        raise ValueError("A review outcome needs the date the local authority decided it.")
    amends = outcome in (None, ReviewOutcome.AMEND)
    if not amends and (proposals_sent is not None or final_amended_plan is not None):
        raise ValueError(f"The local authority decided to {outcome} the plan, so there are no amendments to record.")
    if decision_date is not None and proposals_sent is not None and proposals_sent < decision_date:
        raise ValueError(
            f"The proposed amendments ({long_date(proposals_sent)}) are before the decision to amend "
            f"({long_date(decision_date)}): amendments follow the decision."
        )
    from_meeting = "the annual review meeting"
    clocks = [
        Clock(
            kind=ClockKind.REVIEW_REPORT,
            name="Annual review report",
            measures="The report of the review meeting must be sent out.",
            runs_from=from_meeting,
            start=meeting_date,
            limit=add_weeks(meeting_date, 2),
            source=f"Regulation 20, {_SIXTEEN}: within 2 weeks of the meeting",
            party=Party.MEETING_HOST,
            met_on=report_sent,
        ),
        Clock(
            kind=ClockKind.REVIEW_DECISION,
            name="Local authority's decision after the review",
            measures="The local authority must decide whether to keep, amend or cease the plan.",
            runs_from=from_meeting,
            start=meeting_date,
            limit=add_weeks(meeting_date, 4),
            source=f"Regulation 20, {_SIXTEEN}: within 4 weeks of the meeting",
            party=Party.LOCAL_AUTHORITY,
            met_on=decision_date or proposals_sent,
        ),
    ]
    if not amends:
        return tuple(clocks)
    if proposals_sent is not None:
        clocks.append(
            Clock(
                kind=ClockKind.AMENDED_PLAN_AFTER_PROPOSALS,
                name="Final amended plan (8 weeks from the proposals)",
                measures="The local authority must issue the final amended plan.",
                runs_from="the local authority sending its proposed amendments",
                start=proposals_sent,
                limit=add_weeks(proposals_sent, 8),
                source=f"Regulation 22(3), {_SIXTEEN}: within 8 weeks of sending the proposed amendments",
                party=Party.LOCAL_AUTHORITY,
                met_on=final_amended_plan,
            )
        )
    clocks.append(
        Clock(
            kind=ClockKind.AMENDED_PLAN_AFTER_MEETING,
            name="Final amended plan (12 weeks from the meeting)",
            measures="If the plan is to be amended, the final amended plan must be issued.",
            runs_from=from_meeting,
            start=meeting_date,
            limit=add_weeks(meeting_date, 12),
            source="L, M and P v Devon County Council [2022] EWHC 493 (Admin): within 12 weeks of the meeting",
            party=Party.LOCAL_AUTHORITY,
            met_on=final_amended_plan,
        )
    )
    return tuple(clocks)


# --- Phase transfer ----------------------------------------------------------------------------------


class TransferKind(StrEnum):
    MOST = "most"
    SECONDARY_TO_POST16 = "secondary_to_post16"
    POST16_TO_POST16 = "post16_to_post16"

    @property
    def label(self) -> str:
        return _TRANSFER_LABELS[self]


_TRANSFER_LABELS: dict[TransferKind, str] = {
    TransferKind.MOST: "A move between phases of education (most transfers)",
    TransferKind.SECONDARY_TO_POST16: "From secondary school to post-16 education",
    TransferKind.POST16_TO_POST16: "From one post-16 institution to another",
}
_PHASE_SOURCE = f"Regulation 18, {_SIXTEEN}"


def phase_transfer_deadline(
    transfer_year: int,
    kind: TransferKind,
    *,
    transfer_date: date | None = None,
    amended_on: date | None = None,
) -> Clock:
    """The date by which the plan must be reviewed and amended for a move to a new phase.

    15 February (most transfers) or 31 March (secondary to post-16) in the calendar year of the
    transfer; between post-16 institutions, at least 5 months before the transfer date, which must
    then be given (reg 18 SEND Regulations 2014).
    """
    if transfer_date is not None and transfer_date.year != transfer_year:
        raise ValueError(
            f"The transfer date ({long_date(transfer_date)}) is not in the year of transfer ({transfer_year})."
        )
    if kind is TransferKind.POST16_TO_POST16:
        if transfer_date is None:
            raise ValueError("A move between post-16 institutions is counted back from the transfer date: give it.")
        limit = add_months(transfer_date, -5)
        runs_from = "5 months before the date of the move"
        measure = "at least 5 months before the move"
    else:
        day_month = (15, 2) if kind is TransferKind.MOST else (31, 3)
        limit = date(transfer_year, day_month[1], day_month[0])
        runs_from = f"a fixed date in the calendar year of the move ({transfer_year})"
        measure = f"by {limit.day} {limit:%B} in the year of the move"
    return Clock(
        kind=ClockKind.PHASE_TRANSFER,
        name="Review and amend the plan for the next phase",
        measures=f"{kind.label}: the plan must be reviewed and amended {measure}.",
        runs_from=runs_from,
        start=None,
        limit=limit,
        source=_PHASE_SOURCE,
        party=Party.LOCAL_AUTHORITY,
        met_on=amended_on,
    )


# --- Appeals and letters ----------------------------------------------------------------------------


def tribunal_appeal_deadline(decision_letter_date: date, *, mediation_certificate_date: date | None = None) -> Clock:
    """The last day to appeal to the SEND Tribunal: 2 months from the decision letter or 1 month from
    the mediation certificate, whichever is later (rule 20, Tribunal Procedure (First-tier Tribunal)
    (Health, Education and Social Care Chamber) Rules 2008)."""
    _refuse_if_before(mediation_certificate_date, "mediation certificate", decision_letter_date, "decision letter")
    from_letter = add_months(decision_letter_date, 2)
    limit, start, runs_from = from_letter, decision_letter_date, "the local authority's decision letter"
    if mediation_certificate_date is not None:
        from_certificate = add_months(mediation_certificate_date, 1)
        if from_certificate > from_letter:
            limit, start, runs_from = from_certificate, mediation_certificate_date, "the mediation certificate"
    return Clock(
        kind=ClockKind.TRIBUNAL_APPEAL,
        name="Last day to appeal to the SEND Tribunal",
        measures="Your appeal must reach the SEND Tribunal by this date.",
        runs_from=runs_from,
        start=start,
        limit=limit,
        source=(
            "Rule 20, Tribunal Procedure (First-tier Tribunal) (Health, Education and Social Care Chamber) Rules "
            "2008: 2 months from the decision letter, or 1 month from the mediation certificate if that is later"
        ),
        party=Party.PARENT,
    )


class MediationChoice(StrEnum):
    """What the parent told the mediation adviser (reg 33 SEND Regulations 2014: whether they wish to pursue it)."""

    DECLINED = "declined"
    MEDIATION = "mediation"

    @property
    def label(self) -> str:
        return _MEDIATION_LABELS[self]


_MEDIATION_LABELS: dict[MediationChoice, str] = {
    MediationChoice.DECLINED: "I told the adviser I do not want mediation",
    MediationChoice.MEDIATION: "I chose to go to mediation",
}


def mediation_certificate_clock(declined_on: date, *, issued_on: date | None = None) -> Clock:
    """The mediation certificate, due within 3 working days of your telling the mediation adviser that you do not
    wish to pursue mediation (s55(4) CFA 2014; reg 34(1) SEND Regulations 2014, in Part 2 of them).

    Only for a parent who declined: where mediation goes ahead, the certificate follows the mediation itself
    (s55(5)), so a clock from the first contact would flag the adviser as late when nobody is.
    """
    _refuse_if_before(issued_on, "mediation certificate", declined_on, "day you declined mediation")
    return Clock(
        kind=ClockKind.MEDIATION_CERTIFICATE,
        name="Mediation certificate",
        measures="The mediation adviser must send the certificate you need to appeal.",
        runs_from="you telling the mediation adviser you do not want mediation",
        start=declined_on,
        limit=add_working_days(declined_on, 3),
        source=f"Section 55(4), Children and Families Act 2014, and regulation 34(1), {_SIXTEEN}: within 3 working "
        "days of your telling the adviser you do not want mediation",
        party=Party.MEDIATION_ADVISER,
        met_on=issued_on,
    )


LA_REPLY_PERIOD = Period(5, Unit.WORKING_DAYS)


def la_reply_clock(letter_sent_on: date, *, replied_on: date | None = None) -> Clock:
    """The reply the letter to the local authority asks for: 5 working days (IPSEA template letter 6).

    A date the letter requests, not a statutory limit.
    """
    _refuse_if_before(replied_on, "local authority's reply", letter_sent_on, "letter")
    return Clock(
        kind=ClockKind.LA_REPLY_REQUESTED,
        name="Reply you asked the local authority for",
        measures=("Your letter asks the local authority to confirm the steps it will take to secure the provision."),
        runs_from="your letter to the local authority",
        start=letter_sent_on,
        limit=LA_REPLY_PERIOD.after(letter_sent_on),
        source="The reply date your letter asked for (5 working days): a request, not a time limit in law",
        party=Party.LOCAL_AUTHORITY,
        met_on=replied_on,
        statutory=False,
    )


# --- Decisions a parent can answer: comments on a draft or on amendments, and appeals -----------------


def _fifteen_days_beginning_with(d: date) -> date:
    """The last of "not less than 15 days beginning with" d: d is day 1, so the 15th day is 14 days later."""
    return d + timedelta(days=14)


def draft_plan_comments(served_on: date, *, commented_on: date | None = None) -> Clock:
    """Your time to comment on a draft EHC plan and to ask for a school to be named.

    Reg 13(1) SEND Regulations 2014: at least 15 days, beginning with the day the draft is served, to make
    representations and to ask for a particular school or other institution to be named (ss38(2)(b) and 39
    CFA 2014). "Beginning with" counts the day served: served Monday 7 December 2026, the 15th day is
    Monday 21 December 2026.
    """
    _refuse_if_before(commented_on, "date you commented", served_on, "draft plan")
    return Clock(
        kind=ClockKind.DRAFT_PLAN_COMMENTS,
        name="Comment on the draft plan and ask for a school",
        measures=(
            "You have at least 15 days, beginning with the day the draft plan was served, to send your comments, "
            "ask for a meeting and ask for a particular school or college to be named."
        ),
        runs_from="the local authority serving the draft EHC plan",
        start=served_on,
        limit=_fifteen_days_beginning_with(served_on),
        source=(
            f"Regulation 13(1), {_SIXTEEN}, and sections 38(2)(b) and 39, Children and Families Act 2014: at least "
            "15 days beginning with the day the draft is served"
        ),
        party=Party.PARENT,
        met_on=commented_on,
    )


def amendment_comments(proposals_sent: date, *, commented_on: date | None = None) -> Clock:
    """Your time to comment on proposed amendments after a review.

    Reg 22(2)(c) SEND Regulations 2014: not less than 15 days to make representations. Counted, as for a draft
    plan, from the day the proposals are sent as day 1: the earlier reading, so the date shown is never later than
    the law allows.
    """
    _refuse_if_before(commented_on, "date you commented", proposals_sent, "proposed amendments")
    return Clock(
        kind=ClockKind.AMENDMENT_COMMENTS,
        name="Comment on the proposed amendments",
        measures=(
            "You have at least 15 days to comment on the proposed amendments, ask for a meeting and ask for a "
            "particular school or college to be named."
        ),
        runs_from="the local authority sending its proposed amendments",
        start=proposals_sent,
        limit=_fifteen_days_beginning_with(proposals_sent),
        source=f"Regulation 22(2)(c), {_SIXTEEN}: at least 15 days to comment",
        party=Party.PARENT,
        met_on=commented_on,
    )


class AppealableDecision(StrEnum):
    """The decisions section 51(2) CFA 2014 lets a parent appeal to the First-tier Tribunal (SEND)."""

    REFUSAL_TO_ASSESS = "refusal_to_assess"
    REFUSAL_TO_REASSESS = "refusal_to_reassess"
    REFUSAL_TO_ISSUE = "refusal_to_issue"
    FINAL_PLAN = "final_plan"
    FINAL_AMENDED_PLAN = "final_amended_plan"
    NOT_TO_AMEND = "not_to_amend"
    CEASE = "cease"

    @property
    def label(self) -> str:
        return _APPEALABLE_LABELS[self]


_APPEALABLE_LABELS: dict[AppealableDecision, str] = {
    AppealableDecision.REFUSAL_TO_ASSESS: "the decision not to carry out an EHC needs assessment",
    AppealableDecision.REFUSAL_TO_REASSESS: "the decision not to re-assess your child's needs",
    AppealableDecision.REFUSAL_TO_ISSUE: "the decision not to issue an EHC plan",
    AppealableDecision.FINAL_PLAN: "what the final EHC plan says (Sections B, F and I)",
    AppealableDecision.FINAL_AMENDED_PLAN: "what the amended EHC plan says (Sections B, F and I)",
    AppealableDecision.NOT_TO_AMEND: "the decision after the review not to amend the plan",
    AppealableDecision.CEASE: "the decision to stop maintaining the EHC plan",
}

# Section 55 CFA 2014: before appealing, a parent must contact a mediation adviser and obtain a certificate,
# unless the appeal is only about the school or other institution named in the plan; going to mediation itself
# is the parent's choice. Reg 33 SEND Regulations 2014: contact the adviser within 2 months of the decision notice and
# say whether you wish to pursue mediation. The 1 month from the certificate is rule 20 of the Tribunal's procedure
# rules.
MEDIATION_STEP = (
    "Before you appeal you must contact a mediation adviser (the decision letter gives their details) and get a "
    "certificate from them, unless your appeal is only about the school or college named in the plan (section 55, "
    "Children and Families Act 2014). Contact them within 2 months of the decision letter and say whether you want "
    "mediation (regulation 33, Special Educational Needs and Disability Regulations 2014). You do not have to go to "
    "mediation. If the certificate reaches you late, you have 1 month from the date on it."
)


def appeal_clock(
    decision: AppealableDecision,
    decision_letter_date: date,
    *,
    mediation_contacted_on: date | None = None,
    certificate_on: date | None = None,
    appealed_on: date | None = None,
) -> Clock:
    """The last day to appeal one decision, counted from the mediation certificate where that is later (rule 20).

    Refused: a certificate before the mediation adviser was contacted, or mediation before the decision.
    """
    contact = "contact with the mediation adviser"
    _refuse_if_before(mediation_contacted_on, contact, decision_letter_date, "decision")
    _refuse_if_before(certificate_on, "mediation certificate", mediation_contacted_on, contact)
    _refuse_if_before(appealed_on, "appeal", decision_letter_date, "decision")
    clock = tribunal_appeal_deadline(decision_letter_date, mediation_certificate_date=certificate_on)
    return replace(
        clock,
        name=f"Last day to appeal {decision.label}",
        measures=f"Your appeal to the SEND Tribunal must reach it by this date. {MEDIATION_STEP}",
        met_on=appealed_on,
    )


def time_left(days: int) -> str:
    """How long is left, as an alert says it: "2 weeks left", "5 days left", "Last day today"."""
    if days < 0:
        raise ValueError("The date has passed.")
    if days == 0:
        return "Last day today"
    if days % 7 == 0:
        weeks = days // 7
        return f"{weeks} week{'s' if weeks != 1 else ''} left"
    return f"{days} day{'s' if days != 1 else ''} left"
