"""The steps of an annual review around its meeting, and when each is due.

Sources: invitations at least 2 weeks before the meeting and all advice circulated at least 2 weeks before it
(reg 20(4) SEND Regulations 2014; SEND Code of Practice 9.176); the report sent within 2 weeks after the meeting
and the local authority's decision within 4 weeks of the meeting (reg 20, as the Code 9.176 onwards describes).
The clocks after the meeting, including amendments, are in rules/clocks.py (`after_review_meeting`): the report and
decision steps here take their dates and their checks from those clocks, so the 2 and 4 weeks are worked out once.
This module adds the steps before the meeting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from provision_ledger.rules.clocks import ClockKind, add_weeks, after_review_meeting, long_date


class Step(StrEnum):
    INVITATIONS = "invitations_sent"
    ADVICE = "advice_circulated"
    MEETING = "meeting"
    REPORT = "report_sent"
    DECISION = "decision"


STEP_LABELS = {
    Step.INVITATIONS: "Invitations sent",
    Step.ADVICE: "Advice circulated",
    Step.MEETING: "Review meeting",
    Step.REPORT: "Review report sent",
    Step.DECISION: "Local authority's decision",
}
STEP_SOURCES = {
    Step.INVITATIONS: "At least 2 weeks before the meeting (regulation 20(4), SEND Regulations 2014)",
    Step.ADVICE: "At least 2 weeks before the meeting (regulation 20(4), SEND Regulations 2014)",
    Step.MEETING: "",
    Step.REPORT: "Within 2 weeks after the meeting (regulation 20, SEND Regulations 2014)",
    Step.DECISION: "Within 4 weeks of the meeting (regulation 20, SEND Regulations 2014)",
}


@dataclass(frozen=True)
class ReviewStep:
    step: Step
    due: date  # the latest date that meets the rule
    done_on: date | None

    @property
    def label(self) -> str:
        return STEP_LABELS[self.step]

    @property
    def source(self) -> str:
        return STEP_SOURCES[self.step]

    @property
    def late(self) -> bool:
        return self.done_on is not None and self.done_on > self.due

    def overdue(self, today: date) -> bool:
        return self.done_on is None and today > self.due

    @property
    def plain(self) -> str:
        if self.step is Step.MEETING:
            return f"{self.label}: {long_date(self.due)}."
        due = f"due by {long_date(self.due)}"
        if self.done_on is None:
            return f"{self.label}: {due}; not yet recorded."
        timing = "late" if self.late else "on time"
        return f"{self.label}: {long_date(self.done_on)}, {timing} ({due})."


def invitations_due(meeting: date) -> date:
    """The latest day invitations and advice may go out: 2 weeks before the meeting (reg 20(4))."""
    return add_weeks(meeting, -2)


def review_steps(
    meeting: date,
    *,
    invitations_sent: date | None = None,
    advice_circulated: date | None = None,
    report_sent: date | None = None,
    decision: date | None = None,
) -> list[ReviewStep]:
    """Each step with the date the law wants it by and the date it happened, refusing dates out of order."""
    for done, name in ((invitations_sent, "invitations"), (advice_circulated, "advice")):
        if done is not None and done > meeting:
            raise ValueError(
                f"The {name} ({long_date(done)}) are recorded after the meeting ({long_date(meeting)}): "
                f"{name} go out before it."
            )
    # The clocks refuse a report or decision dated before the meeting, with the same names as the review pages use.
    after = {
        clock.kind: clock.limit
        for clock in after_review_meeting(meeting, report_sent=report_sent, decision_date=decision)
    }
    before = invitations_due(meeting)
    return [
        ReviewStep(Step.INVITATIONS, before, invitations_sent),
        ReviewStep(Step.ADVICE, before, advice_circulated),
        ReviewStep(Step.MEETING, meeting, meeting),
        ReviewStep(Step.REPORT, after[ClockKind.REVIEW_REPORT], report_sent),
        ReviewStep(Step.DECISION, after[ClockKind.REVIEW_DECISION], decision),
    ]
