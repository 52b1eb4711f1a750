from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from provision_ledger.people.models import Child, LocalAuthority
from provision_ledger.plans.models import ProvisionLine
from provision_ledger.rules.compliance import MissReason, SessionStatus

STATUS_CHOICES = [
    (SessionStatus.DELIVERED.value, "Delivered"),
    (SessionStatus.PART_DELIVERED.value, "Part delivered"),
    (SessionStatus.NOT_DELIVERED.value, "Not delivered"),
]
REASON_CHOICES = [(reason.value, reason.label) for reason in MissReason]


class SessionQuerySet(models.QuerySet["Session"]):
    def current(self) -> SessionQuerySet:
        """Sessions that stand: voided entries stay in the record but count for nothing."""
        return self.filter(voided_at__isnull=True)


class Session(models.Model):
    """One delivery entry against a provision line. Never deleted: a correction voids it and adds another."""

    # No single-column indexes on these three: the (…, date) indexes below begin with each, so serve the same lookups,
    # and every index costs each of the millions of rows a bulk import writes.
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+", db_index=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="sessions", db_index=False)
    line = models.ForeignKey(ProvisionLine, on_delete=models.PROTECT, related_name="sessions", db_index=False)
    date = models.DateField()
    status = models.CharField(max_length=20, choices=STATUS_CHOICES)
    planned_minutes = models.PositiveSmallIntegerField()
    delivered_minutes = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=20, choices=REASON_CHOICES, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    group_ref = models.UUIDField(null=True, blank=True, help_text="Shared by the entries of one group session")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    # At most one correction of a session: held by the constraint below, which leads with the authority.
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrected_by")
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    void_reason = models.TextField(blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["line", "date"]),
            models.Index(fields=["child", "date"]),
            models.Index(fields=["local_authority", "date"]),
            # The authority's figures read only this index: live entries by line and date, with what they sum.
            models.Index(
                fields=["local_authority", "line", "date", "status", "reason", "planned_minutes", "delivered_minutes"],
                condition=models.Q(voided_at__isnull=True),
                name="session_authority_sums",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="delivered_within_planned",
                condition=models.Q(delivered_minutes__lte=models.F("planned_minutes")),
            ),
            models.CheckConstraint(
                name="status_matches_minutes_and_reason",
                condition=(
                    models.Q(status="delivered", reason="")
                    | models.Q(status="part_delivered", delivered_minutes__gt=0)
                    | models.Q(status="not_delivered", delivered_minutes=0)
                )
                & (models.Q(status="delivered") | ~models.Q(reason="")),
            ),
            models.UniqueConstraint(
                fields=["local_authority", "corrects"],
                condition=models.Q(corrects__isnull=False),
                name="one_correction_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line} on {self.date:%d %b %Y}: {self.get_status_display()}"

    @property
    def missed_minutes(self) -> int:
        return self.planned_minutes - self.delivered_minutes

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class LineMonth(models.Model):
    """A line's live sessions in one calendar month, summed: derived data, kept by `delivery.totals`.

    The authority's figures cover whole months, so they read these sums (tens of rows a line a year) instead of
    every session. Every write of a session changes them in its own transaction; `verify` checks them.
    """

    # No single-column indexes: the unique (line, month) and the (local_authority, month) indexes serve the lookups.
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+", db_index=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+", db_index=False)
    line = models.ForeignKey(ProvisionLine, on_delete=models.PROTECT, related_name="+", db_index=False)
    month = models.DateField(help_text="The first day of the month")
    delivered_minutes = models.PositiveIntegerField(default=0)
    # Minutes missed (planned less delivered) by the reason recorded: one column per MissReason.
    missed_staff_absent = models.PositiveIntegerField(default=0)
    missed_staff_redeployed = models.PositiveIntegerField(default=0)
    missed_child_absent = models.PositiveIntegerField(default=0)
    missed_child_declined = models.PositiveIntegerField(default=0)
    missed_school_closure = models.PositiveIntegerField(default=0)
    missed_other = models.PositiveIntegerField(default=0)

    class Meta:
        # Every unique constraint on a large table begins with its authority, the column it would be distributed by.
        constraints = [
            models.UniqueConstraint(fields=["local_authority", "line", "month"], name="one_sum_per_line_and_month")
        ]
        indexes = [models.Index(fields=["local_authority", "month"])]

    def __str__(self) -> str:
        return f"{self.line} in {self.month:%B %Y}"
