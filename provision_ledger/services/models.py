"""Services that deliver provision in schools: an NHS trust's speech and language therapy, a council's specialist
teaching service, a private provider. A school (or its authority, trust or the NHS) commissions a service to deliver
some of its children's lines; the service's practitioners each hold a caseload of children.

A practitioner reaches a line only while both hold: the line is one their service is commissioned to deliver at the
child's school, and the child is on their caseload. They read those lines and log their sessions, nothing more.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q

from provision_ledger.people.models import Child, School, User
from provision_ledger.plans.models import Category, DeliveredBy, ProvisionLine


class Service(models.Model):
    class Kind(models.TextChoices):
        NHS = "nhs", "NHS trust"
        COUNCIL = "council", "Council service"
        PRIVATE = "private", "Private provider"

    name = models.CharField(max_length=200, help_text='For example "Children’s Speech and Language Therapy"')
    organisation = models.CharField(
        max_length=200, help_text='The provider organisation, for example "Northshire Community Health NHS Trust"'
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class ServiceRole(models.Model):
    class Role(models.TextChoices):
        MANAGER = "service_manager", "Service manager"
        PRACTITIONER = "practitioner", "Practitioner"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="service_roles")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "service", "role"], name="one_service_role_per_person")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.service}"


class Commission(models.Model):
    """A service commissioned to deliver lines at a school: named lines, or every line of an area of need or of a
    kind of practitioner (or both, when both are given), from a date until an end date if it has one."""

    class Commissioner(models.TextChoices):
        AUTHORITY = "authority", "Local authority"
        SCHOOL = "school", "School"
        TRUST = "trust", "Academy trust"
        HEALTH = "health", "NHS (integrated care board)"

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="commissions")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="commissions")
    commissioner = models.CharField(max_length=10, choices=Commissioner.choices)
    commissioner_name = models.CharField(max_length=200, help_text="Who pays, as they are known")
    category = models.CharField("area of need", max_length=20, choices=Category.choices, blank=True)
    delivered_by = models.CharField(max_length=20, choices=DeliveredBy.choices, blank=True)
    lines = models.ManyToManyField(ProvisionLine, blank=True, related_name="commissions")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["school__name", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="commission_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service.name} at {self.school} for {self.commissioner_name}"

    def in_force(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)

    def covers(self, line_id: int, category: str, delivered_by: str, named: set[int]) -> bool:
        """Whether the commission covers a line of its school, by name or by its current area and practitioner."""
        if line_id in named:
            return True
        if not (self.category or self.delivered_by):
            return False
        return (not self.category or self.category == category) and (
            not self.delivered_by or self.delivered_by == delivered_by
        )


class Caseload(models.Model):
    """A child on a practitioner's caseload for a service, from a date until it ends (closed, never deleted)."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="caseloads")
    practitioner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="caseload")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="caseloads")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["child__last_name", "child__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "practitioner", "child"],
                condition=Q(end_date__isnull=True),
                name="a_child_is_once_on_a_caseload",
            )
        ]

    def __str__(self) -> str:
        return f"{self.child} on {self.practitioner}’s caseload ({self.service.name})"
