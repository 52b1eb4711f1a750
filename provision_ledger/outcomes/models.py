"""Outcomes a plan sets, the progress entries recorded against them, and the annual reviews that weigh both."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from provision_ledger.people.models import Child, LocalAuthority
from provision_ledger.plans.models import Plan, ProvisionLine
from provision_ledger.rules.clocks import ReviewOutcome
from provision_ledger.rules.outcomes import MEASURE_LABELS, SUPPORT_LABELS, Measure, Scale, Support

MEASURE_CHOICES = [(m.value, label) for m, label in MEASURE_LABELS.items()]
SUPPORT_CHOICES = [(s.value, label) for s, label in SUPPORT_LABELS.items()]
REVIEW_OUTCOME_CHOICES = [
    (ReviewOutcome.MAINTAIN.value, "Maintain the plan"),
    (ReviewOutcome.AMEND.value, "Amend the plan"),
    (ReviewOutcome.CEASE.value, "Cease the plan"),
]


class Outcome(models.Model):
    """One outcome of a plan (an EHC plan's section E, or a SEN Support target), with how progress is measured."""

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="outcomes")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="outcomes")
    description = models.CharField(max_length=300, help_text='For example "Maya plans her day with a visual timetable"')
    measure = models.CharField(max_length=12, choices=MEASURE_CHOICES)
    scale_low = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    scale_high = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=40, blank=True, help_text='What a value counts, e.g. "step" or "words"')
    baseline = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    baseline_date = models.DateField()
    target = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    target_date = models.DateField()
    lines = models.ManyToManyField(ProvisionLine, blank=True, related_name="outcomes", help_text="Lines serving it")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["plan", "id"]
        indexes = [models.Index(fields=["local_authority", "plan"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_date__gt=models.F("baseline_date")), name="outcome_target_after_baseline"
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def scale(self) -> Scale:
        return Scale(Measure(self.measure), self.scale_low, self.scale_high)

    @property
    def numeric(self) -> bool:
        return Measure(self.measure).numeric

    def show(self, value: Decimal | None) -> str:
        """A value as people read it: "step 5", "achieved", "12 words"."""
        if value is None:
            return ""
        if self.measure == Measure.MILESTONE:
            return "achieved" if value else "not yet"
        number = f"{value.normalize():f}"
        if self.measure == Measure.STEPS:
            return f"step {number}" + (f" of {self.scale_high.normalize():f}" if self.scale_high is not None else "")
        if self.measure == Measure.LEVEL:
            return f"level {number}"
        return f"{number} {self.unit}".strip()


class ProgressQuerySet(models.QuerySet["ProgressEntry"]):
    def current(self) -> ProgressQuerySet:
        return self.filter(voided_at__isnull=True)


class ProgressEntry(models.Model):
    """A value or observation for an outcome on a date. Never deleted: a mistake is voided with a reason."""

    class Source(models.TextChoices):
        SCHOOL = "school", "School"
        HOME = "home", "Home"

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="progress_entries")
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="entries")
    date = models.DateField()
    value = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    support = models.CharField(max_length=12, choices=SUPPORT_CHOICES, blank=True)
    note = models.TextField(blank=True, help_text="The evidence: what was seen, where, and who saw it")
    source = models.CharField(max_length=6, choices=Source.choices, default=Source.SCHOOL)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    void_reason = models.TextField(blank=True)

    objects = ProgressQuerySet.as_manager()

    class Meta:
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["outcome", "date"]), models.Index(fields=["local_authority", "date"])]
        constraints = [
            models.CheckConstraint(
                # From home: an observation, no support level. From school: a value says the support it needed.
                condition=models.Q(source="home", support="")
                | models.Q(source="school") & (models.Q(value__isnull=True) | ~models.Q(support="")),
                name="support_recorded_by_school_for_a_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} on {self.date:%d %b %Y}"

    @property
    def support_label(self) -> str:
        return SUPPORT_LABELS[Support(self.support)] if self.support else ""

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class Review(models.Model):
    """An annual review of a plan: the meeting, the dates of each step, the views gathered and what was decided."""

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="reviews")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reviews")
    period_start = models.DateField(help_text="The review looks back from this date: the plan's start or last review")
    meeting_date = models.DateField()
    invitations_sent = models.DateField(null=True, blank=True)
    advice_circulated = models.DateField(null=True, blank=True)
    report_sent = models.DateField(null=True, blank=True)
    parent_views = models.TextField(blank=True)
    child_views = models.TextField(blank=True)
    views_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    views_recorded_at = models.DateTimeField(null=True, blank=True)
    proposed_amendments = models.TextField(blank=True, help_text="One proposed change of provision per paragraph")
    outcome = models.CharField(max_length=10, choices=REVIEW_OUTCOME_CHOICES, blank=True)
    decision_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-meeting_date", "-id"]
        indexes = [models.Index(fields=["local_authority", "meeting_date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(meeting_date__gt=models.F("period_start")), name="review_meeting_after_period_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Annual review of {self.child} on {self.meeting_date:%d %b %Y}"
