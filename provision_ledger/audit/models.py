from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from provision_ledger.ops.client import current_address
from provision_ledger.people.models import Child, LocalAuthority


class AuditEvent(models.Model):
    """One change to the record: who, when, what, and the values before and after."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"
        VOID = "void", "Voided"
        SEAL = "seal", "Sealed"  # rows recorded before the record was sealed, sealed as they stood (seal-record)

    # Served by the unique (local_authority, seq) and the (child, at) index, which begin with these columns.
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+", db_index=False)
    # None for a change that no one child owns: a staff role giving sight of a whole school's or authority's records.
    child = models.ForeignKey(
        Child, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events", db_index=False
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, editable=False)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=50)
    object_id = models.BigIntegerField()
    summary = models.CharField(max_length=300)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField(blank=True)
    # Where the change came from: the client's address behind any trusted proxy (ops/client.py), taken from the
    # request being served; none from a command or an import. Outside the hash, like the row's id.
    address = models.GenericIPAddressField(null=True, blank=True, default=current_address, editable=False)
    # "type:id" → keyed hash of each row this event wrote, as it then stood (audit/sealing.py).
    seals = models.JSONField(default=dict, blank=True)
    # Tamper evidence: the event's place in its authority's chain, and the hashes that link it (audit/chain.py).
    seq = models.PositiveBigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["child", "at"]), models.Index(fields=["object_type", "object_id"])]
        constraints = [models.UniqueConstraint(fields=["local_authority", "seq"], name="one_event_per_place_in_chain")]

    def __str__(self) -> str:
        return f"{self.at:%d %b %Y %H:%M} {self.actor}: {self.summary}"

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """The fields that differ between before and after, for a change or a void."""
        if not self.before or not self.after:
            return []
        return [
            (name.replace("_", " "), self.before.get(name), value)
            for name, value in self.after.items()
            if self.before.get(name) != value and name not in ("id", "effective_from")
        ]


class ChainHead(models.Model):
    """The last link of an authority's chain: appends lock this row, so the chain never forks."""

    local_authority = models.OneToOneField(LocalAuthority, on_delete=models.PROTECT, primary_key=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"{self.local_authority}: event {self.seq}"


class RecordView(models.Model):
    """A member of staff read part of a child's record: who, when, what. Kept for the family to see.

    Reads are not ledger events, so they stay out of the hash chain: chaining them would make every page view
    wait on the authority's chain head. Rows are only ever added.
    """

    # One row a page read: a large table, so it carries its authority as every large table does (docs/scaling.md).
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+", db_index=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="record_views")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, editable=False)
    what = models.CharField(max_length=100)
    # The reader's address behind any trusted proxy (ops/client.py); shown to administrators, not on the family's page.
    address = models.GenericIPAddressField(null=True, blank=True, default=current_address, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["child", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%d %b %Y %H:%M} {self.viewer} read {self.what}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("A record view is never changed once written")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("A record view is never deleted")
