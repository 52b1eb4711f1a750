"""Academy trusts: a trust runs schools, which may sit in several local authorities.

A trust's reach is its schools' children, read only; the children stay their authority's (the authority's officers
see them whichever trust runs the school), and a school's record is kept by the school.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from provision_ledger.people.models import School, User


class Trust(models.Model):
    name = models.CharField(max_length=200)
    # GIAS names a trust by its group UID ("Trusts (code)"); Companies House by its company number.
    group_uid = models.CharField(
        "GIAS group UID",
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^\d{1,10}$", "A GIAS group UID is digits only")],
    )
    companies_house_number = models.CharField(
        "Companies House number",
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^[A-Z0-9]{8}$", "A Companies House number is eight letters or digits")],
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["group_uid"], condition=~Q(group_uid=""), name="one_trust_per_group_uid")
        ]

    def __str__(self) -> str:
        return self.name


class TrustSchool(models.Model):
    """A school run by a trust from a date; when it leaves, the row is closed, never deleted."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="schools")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="trust_links")
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["trust", "school__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school"], condition=Q(left_on__isnull=True), name="a_school_is_in_one_trust_at_a_time"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school} in {self.trust}"


class TrustRole(models.Model):
    class Role(models.TextChoices):
        SEND_LEAD = "trust_send_lead", "Trust SEND lead"
        RATES = "trust_rates", "Trust rates manager"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="trust_roles")
    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "trust", "role"], name="one_trust_role_per_person")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.trust}"
