from __future__ import annotations

from django.db import models
from django.utils import timezone


class CountedRequest(models.Model):
    """A request counted against a limit (a password reset email, say): its kind, a digest of whom it was for, when.

    The key is a digest, never the email or network address itself, so the table holds no personal data beyond
    what a digest gives away. Rows older than the longest limit are pruned as new ones are counted."""

    kind = models.CharField(max_length=30)
    key = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["kind", "key", "at"], name="accounts_counted_lookup")]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"
