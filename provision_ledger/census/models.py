"""What the school census and the Common Transfer File say about a child: their SEN provision over time and their
types of need, ranked (1 is the primary need), each with its dates; and the transfer files a school has taken in."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from provision_ledger.people.models import Child, LocalAuthority, Need, School, SenStatus


class SenStatusRecord(models.Model):
    """The child's SEN provision (N, K or E) from a date, as the school's MIS and the CTF record it."""

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="sen_statuses")
    status = models.CharField("SEN provision", max_length=1, choices=SenStatus.choices)
    start_date = models.DateField()
    source = models.CharField(max_length=40, help_text="Where the ledger learnt it, e.g. a CTF from another school")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["child", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "child", "status", "start_date"], name="one_sen_status_per_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} from {self.start_date:%-d %b %Y}"


class NeedRecord(models.Model):
    """One type of need of the child, with its rank (1 = primary) and the dates it applies."""

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="need_records")
    need = models.CharField("type of need", max_length=4, choices=Need.choices)
    rank = models.PositiveSmallIntegerField(help_text="1 is the primary need, 2 the secondary, and so on")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=40)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["child", "end_date", "rank"]
        indexes = [models.Index(fields=["child", "rank"])]

    def __str__(self) -> str:
        return f"{self.rank} {self.need}"


class CtfUpload(models.Model):
    """A Common Transfer File a SENCO has uploaded: kept as it came, checked, and imported once confirmed."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="ctf_uploads")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=200)
    data = models.BinaryField()
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.uploaded_at:%-d %b %Y})"
