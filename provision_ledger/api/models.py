"""Tokens for the JSON API, and the client keys that make its writes safe to repeat."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from provision_ledger.delivery.models import Session
from provision_ledger.people.models import LocalAuthority, School


class ApiToken(models.Model):
    """A key for another system (an MIS, a therapy service) to read, and for a school to write, through the API.

    A token reaches one school or one authority, and never more than the person who made it still does.
    Only the SHA-256 of its secret is kept: the secret is shown once, when it is made. Revoked, never deleted.
    """

    name = models.CharField(max_length=100, help_text='What uses it, for example "Arbor MIS sync"')
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.PROTECT, related_name="api_tokens")
    local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.PROTECT, related_name="api_tokens"
    )
    prefix = models.CharField(max_length=12, help_text="The start of the secret, to tell tokens apart")
    secret_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="api_token_reaches_one_school_or_one_authority",
                condition=models.Q(school__isnull=False, local_authority__isnull=True)
                | models.Q(school__isnull=True, local_authority__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def reaches(self) -> School | LocalAuthority:
        reach = self.school or self.local_authority
        assert reach is not None
        return reach


class ClientKey(models.Model):
    """The key a client sent with a session it wrote: the same key from the same school returns that session."""

    # One row a session written through the API: a large table, so it carries its authority and every unique
    # constraint leads with it (docs/scaling.md).
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=100)
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="client_keys")
    token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, related_name="client_keys")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["local_authority", "school", "key"], name="one_session_per_client_key"),
            models.UniqueConstraint(fields=["local_authority", "session"], name="one_client_key_per_session"),
        ]

    def __str__(self) -> str:
        return f"{self.key} → session {self.session_id}"
