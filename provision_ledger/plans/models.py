from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from provision_ledger.people.models import Child, LocalAuthority, School
from provision_ledger.rules.delivery import LineTerms, Period, ended_by
from provision_ledger.rules.legal_force import LegalForce, PlanKind, legal_force

PLAN_KIND_CHOICES = [(kind.value, kind.label) for kind in PlanKind]


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "In force"
        ENDED = "ended", "Ended"

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField(max_length=30, choices=PLAN_KIND_CHOICES)
    start_date = models.DateField()
    review_due = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # The last day it was in force, when a later plan replaced it: its lines promise nothing after this day.
    end_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["local_authority", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_due__gt=models.F("start_date")), name="review_after_plan_start"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="plan_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind_label} for {self.child} from {self.start_date:%d %b %Y}"

    @property
    def kind_label(self) -> str:
        return PlanKind(self.kind).label

    @property
    def legal_force(self) -> LegalForce:
        return legal_force(PlanKind(self.kind))


class PlanProposal(models.Model):
    """A school's own plan (SEN Support or an IEP) that a child brought from the school they left.

    The earlier school's plan ended on the child's last day there; at the new school it promises nothing until the
    SENCO adopts it (`plans.actions.adopt_proposal`: a plan of the new school with the same lines from the day it is
    adopted) or writes a plan of their own, which settles it as replaced. An EHC plan or statement is the
    authority's and moves with the child, so it is never proposed.
    """

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", "Adopted"
        REPLACED = "replaced", "Replaced by a new plan"
        WITHDRAWN = "withdrawn", "Withdrawn: the move was recorded in error"

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="plan_proposals")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    proposed_on = models.DateField(help_text="The day the child joined the school")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    adopted_as = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-proposed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=models.Q(settled_at__isnull=True), name="one_open_proposal_per_child"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan.kind_label} brought to {self.school} on {self.proposed_on:%-d %B %Y}"


class ProvisionLine(models.Model):
    """One entitlement in a plan. Its terms live in versions, so an amendment never rewrites the past."""

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="lines")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    void_reason = models.TextField(blank=True)
    ref = models.CharField(
        "reference", max_length=40, blank=True, help_text="The line's reference in the school's MIS, for imports"
    )

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["local_authority", "plan"]), models.Index(fields=["local_authority", "ref"])]

    def __str__(self) -> str:
        current = self.current_version
        return current.description if current else f"Provision line {self.pk}"

    # The attribute a read of many lines keeps their versions in, as a list (`core.access.get_lines`).
    READ_VERSIONS = "read_versions"

    @property
    def versions_in_order(self) -> list[LineVersion]:
        # Uses prefetched versions when a list page or a batch has them.
        read = getattr(self, self.READ_VERSIONS, None)
        return sorted(self.versions.all() if read is None else read, key=lambda v: (v.effective_from, v.pk))

    @property
    def current_version(self) -> LineVersion | None:
        versions = self.versions_in_order
        return versions[-1] if versions else None

    def terms_history(self) -> list[tuple[date, LineTerms]]:
        """Every version's terms, none of them past the end of the plan when a later plan has replaced it."""
        return ended_by([(v.effective_from, v.terms) for v in self.versions_in_order], self.plan.end_date)


class Category(models.TextChoices):
    """The four broad areas of need of the SEND Code of Practice (6.28–6.35)."""

    COMMUNICATION = "communication", "Communication and interaction"
    COGNITION = "cognition", "Cognition and learning"
    SEMH = "semh", "Social, emotional and mental health"
    SENSORY_PHYSICAL = "sensory_physical", "Sensory and/or physical"


class DeliveredBy(models.TextChoices):
    TA = "ta", "Teaching assistant"
    HLTA = "hlta", "Higher level teaching assistant"
    TEACHER = "teacher", "Teacher"
    SPECIALIST_TEACHER = "specialist_teacher", "Specialist teacher"
    SENCO = "senco", "SENCO"
    SALT = "salt", "Speech and language therapist"
    OT = "ot", "Occupational therapist"
    PHYSIO = "physio", "Physiotherapist"
    EP = "ep", "Educational psychologist"
    OTHER = "other", "Other professional"


class Funder(models.TextChoices):
    SCHOOL = "school", "School (notional SEN budget)"
    LA = "la", "Local authority (top-up)"
    HEALTH = "health", "Health service"
    SOCIAL_CARE = "social_care", "Social care"
    PERSONAL_BUDGET = "personal_budget", "Personal budget"
    OTHER = "other", "Other"


PERIOD_CHOICES = [(p.value, f"a {p.value}") for p in Period]
WEEKDAY_CHOICES = [(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday")]


# The terms a person sets on a line; a version also carries its effective date, reason and author.
LINE_TERM_FIELDS = (
    "description",
    "category",
    "delivered_by",
    "qualification",
    "group_size",
    "sessions",
    "period",
    "minutes_per_session",
    "weekly_minutes",
    "weekdays",
    "time_of_day",
    "start_date",
    "end_date",
    "outcome",
    "funder",
    "adults",
    "non_contact_minutes",
)


class LineVersion(models.Model):
    """The terms of a provision line from an effective date until the next version."""

    line = models.ForeignKey(ProvisionLine, on_delete=models.PROTECT, related_name="versions")
    effective_from = models.DateField()
    description = models.CharField(
        max_length=300, help_text='For example "Motor Skills programme" or "Speech and language therapy"'
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    delivered_by = models.CharField(max_length=20, choices=DeliveredBy.choices)
    qualification = models.CharField(max_length=200, blank=True, help_text="Training or qualification required")
    group_size = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(30)], help_text="1 for one-to-one"
    )
    sessions = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    period = models.CharField(max_length=4, choices=PERIOD_CHOICES, default=Period.WEEK.value)
    minutes_per_session = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    weekly_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For in-class support given as hours a week: the minutes a week"
    )
    weekdays = models.JSONField(default=list, blank=True, help_text="Timetabled weekdays, 0 = Monday")
    time_of_day = models.TimeField(null=True, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=300, blank=True, help_text="The outcome this provision serves")
    funder = models.CharField(max_length=20, choices=Funder.choices, default=Funder.SCHOOL)
    adults = models.PositiveSmallIntegerField(
        "Adults working with the group",
        default=1,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="Two for a session that needs two adults. Leave blank for one.",
    )
    non_contact_minutes = models.PositiveSmallIntegerField(
        "Non-contact minutes a week",
        default=0,
        blank=True,
        validators=[MaxValueValidator(1500)],
        help_text="Time built in for planning, record keeping and liaison, away from the child",
    )
    change_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["line", "effective_from", "id"]
        constraints = [
            models.UniqueConstraint(fields=["line", "effective_from"], name="one_version_per_effective_date"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="line_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} from {self.effective_from:%d %b %Y}"

    @property
    def terms(self) -> LineTerms:
        return LineTerms(
            sessions=self.sessions,
            period=Period(self.period),
            minutes_per_session=self.minutes_per_session,
            start=self.start_date,
            end=self.end_date,
            weekdays=frozenset(self.weekdays),
            weekly_minutes=self.weekly_minutes,
        )

    @property
    def promise(self) -> str:
        """The promise in plain English: "2 sessions of 30 minutes a week, one-to-one, with a TA"."""
        who = self.get_delivered_by_display().lower()
        ratio = "one-to-one" if self.group_size == 1 else f"in a group of {self.group_size}"
        if self.weekly_minutes:
            hours = self.weekly_minutes / 60
            amount = f"{hours:g} hours a week"
        else:
            plural = "session" if self.sessions == 1 else "sessions"
            amount = f"{self.sessions} {plural} of {self.minutes_per_session} minutes a {self.period}"
        return f"{amount}, {ratio}, with a {who}" if who[0] not in "aeiou" else f"{amount}, {ratio}, with an {who}"


class ExpectedMonth(models.Model):
    """What a line promises in one calendar month under one of its versions, laid on its school's calendar by the
    rules.

    Derived, never typed in: `plans.expected.refresh_expected` rewrites a line's months whenever its terms change,
    and `provision-ledger refresh-expected` after a school's calendar changes. It lets the authority's figures
    sum expected minutes in the database instead of laying every line on the calendar for every request. A month in
    which the line was amended has a row for each version's days, so each can be costed at its own terms; a reader
    by line or by month sums them.
    """

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    line = models.ForeignKey(ProvisionLine, on_delete=models.CASCADE, related_name="expected_months")
    # Reached only from the row (its terms for costing), never the other way, and versions are never deleted: the
    # large table needs no index on it.
    version = models.ForeignKey(LineVersion, on_delete=models.CASCADE, related_name="+", db_index=False)
    month = models.DateField(help_text="The first day of the month")
    sessions = models.DecimalField(max_digits=10, decimal_places=4)
    minutes = models.DecimalField(max_digits=12, decimal_places=4)

    class Meta:
        ordering = ["line", "month", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "line", "month", "version"], name="one_expected_row_per_line_month_version"
            )
        ]
        indexes = [models.Index(fields=["local_authority", "month"])]

    def __str__(self) -> str:
        return f"{self.line_id} {self.month:%b %Y} (version {self.version_id}): {self.minutes} minutes"
