"""Statements read from a plan's wording that did not become lines: they are still the plan's, so its score counts
them, and the vague ones are named until the plan is specified."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from provision_ledger.people.models import LocalAuthority
from provision_ledger.plans.models import Plan


class PlanStatement(models.Model):
    """A statement of the plan as the wording checker read it, when the SENCO confirmed the lines read with it."""

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="read_statements")
    text = models.TextField()
    specific = models.BooleanField()
    kind = models.CharField(max_length=20)
    findings = models.CharField(max_length=300, blank=True)  # the labels of what makes it vague
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(default=timezone.now, editable=False)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    void_reason = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["local_authority", "plan"])]
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:60]
