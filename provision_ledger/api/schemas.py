"""What the API reads and writes, as the OpenAPI document describes it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BaseModel

from provision_ledger.rules.compliance import MissReason, SessionStatus, Status

# Text the database stores as it is: no NUL, which PostgreSQL refuses, and no other control characters but tab
# and newline.
PlainText = r"^[^\x00-\x08\x0b-\x1f\x7f]*$"
Minutes = Annotated[int, Field(ge=0, le=1440)]


class Problem(Schema):
    detail: str


class RowProblem(Schema):
    index: int | None = Field(description="The row of a batch (from 0); null for a single session or a parameter")
    field: str | None = Field(description="The field at fault; null when the row as a whole is refused")
    message: str


class Refused(Schema):
    detail: str
    errors: list[RowProblem]


class ChildOut(Schema):
    id: int
    first_name: str
    last_name: str
    date_of_birth: date
    year_group: str
    upn: str
    primary_need: str
    secondary_need: str
    sen_status: str
    sen_unit: bool = Field(description="School census SEN unit indicator")
    resourced_provision: bool = Field(description="School census resourced provision indicator")
    top_up_funding: bool = Field(description="School census top-up funding indicator")
    school_urn: str
    school_name: str


class ChildPage(Schema):
    count: int
    items: list[ChildOut]


class PlanOut(Schema):
    id: int
    child_id: int
    kind: str
    kind_label: str
    status: str
    start_date: date
    review_due: date


class TermsOut(Schema):
    effective_from: date
    description: str
    promise: str
    category: str
    delivered_by: str
    group_size: int
    sessions: int
    period: str
    minutes_per_session: int
    weekly_minutes: int | None
    weekdays: list[int]
    start_date: date
    end_date: date | None
    funder: str


class LineOut(Schema):
    id: int
    plan_id: int
    child_id: int
    void: bool
    void_reason: str
    terms: TermsOut | None = Field(description="The terms in force now; null only for a line with no terms yet")


class WindowOut(Schema):
    key: str
    label: str
    start: date
    end: date


class AssessmentOut(Schema):
    window: str
    expected_sessions: float
    expected_minutes: float
    delivered_sessions: int
    delivered_minutes: int
    missed_sessions: int = Field(description="Entries recorded as not delivered")
    missed_minutes: int = Field(description="Minutes recorded as missed or cut short, whatever the reason")
    not_recorded_sessions: int = Field(description="Sessions expected with no entry at all")
    not_recorded_minutes: int = Field(description="Expected minutes no entry accounts for, delivered or missed")
    owed_minutes: int
    percent: int | None = Field(description="Delivered as a whole percentage of expected; null if nothing was due")
    status: Status


class LineComplianceOut(Schema):
    line_id: int
    description: str
    assessments: list[AssessmentOut]


class ComplianceOut(Schema):
    child_id: int
    plan_id: int | None
    as_of: date
    status: Status = Field(description="The worst status of the plan's lines over this school year")
    windows: list[WindowOut]
    lines: list[LineComplianceOut]


class SessionOut(Schema):
    id: int
    child_id: int
    line_id: int
    date: date
    status: SessionStatus
    planned_minutes: int
    delivered_minutes: int
    reason: str
    note: str
    recorded_at: datetime
    void: bool
    client_key: str | None


class SessionIn(BaseModel):
    client_key: str = Field(
        min_length=1,
        max_length=100,
        pattern=PlainText,
        description="Your own id for this session, unique within the school: sending it again returns the "
        "session it recorded the first time",
    )
    line_id: int = Field(ge=1, le=2**53)
    date: date
    status: SessionStatus
    delivered_minutes: Minutes | None = Field(None, description="Empty: as planned if delivered, none if not")
    planned_minutes: Minutes | None = Field(None, description="Empty: the line's minutes per session")
    reason: MissReason | Literal[""] = Field("", description="Why a session was missed or cut short")
    note: str = Field("", max_length=2000, pattern=PlainText)
    another_that_day: bool = Field(
        False, description="True to record a second session for the line on a day that already has one"
    )
    school_was_open: bool = Field(
        False, description="True to record a session on a day the school's calendar is closed"
    )


class BatchIn(BaseModel):
    sessions: list[SessionIn] = Field(min_length=1, max_length=500)


class WrittenOut(Schema):
    index: int
    created: bool = Field(description="False when the client key was sent before: this is the session it recorded")
    session: SessionOut


class BatchOut(Schema):
    sessions: list[WrittenOut]
