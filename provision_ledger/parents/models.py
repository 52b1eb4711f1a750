from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from provision_ledger.delivery.models import Session
from provision_ledger.people.models import Child, LocalAuthority
from provision_ledger.plans.models import ProvisionLine


def new_token() -> tuple[str, str]:
    """A long random token and the hash that is stored: the token itself is only ever in the link."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """A SENCO's invitation to a parent for a named child. Single use, and it expires."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    relationship = models.CharField(max_length=50, default="Parent")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.child}"


class Concern(models.Model):
    """A parent's concern about a line or a session. It is a thread: nothing sent is ever edited."""

    class Status(models.TextChoices):
        AWAITING_SCHOOL = "awaiting_school", "Waiting for the school"
        ANSWERED = "answered", "Answered"

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="concerns")
    line = models.ForeignKey(ProvisionLine, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING_SCHOOL)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(fields=["local_authority", "status"]),
            models.Index(fields=["child", "status"]),
        ]

    def __str__(self) -> str:
        return self.subject


class ConcernMessage(models.Model):
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_school = models.BooleanField()
    body = models.TextField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"{self.author} on {self.sent_at:%d %b %Y %H:%M}"


class AlertChoice(models.TextChoices):
    IMMEDIATE = "immediate", "Straight away, one email each time"
    WEEKLY = "weekly", "Once a week, in one email"
    OFF = "off", "No emails"


class AlertPreference(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preference")
    frequency = models.CharField(max_length=10, choices=AlertChoice.choices, default=AlertChoice.IMMEDIATE)

    def __str__(self) -> str:
        return f"{self.user}: {self.get_frequency_display()}"


class Alert(models.Model):
    """One thing a person is to be told. The key makes finding it twice a no-op; sent_at makes sending once."""

    class Kind(models.TextChoices):
        MISSED = "missed", "A session was missed"
        BELOW_THRESHOLD = "below_threshold", "A line fell behind"
        DEADLINE = "deadline", "A date for the parent to act by is near"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=120)
    message = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_alert_per_event_and_person")]

    def __str__(self) -> str:
        return self.message


class DigestSent(models.Model):
    """A weekly digest already sent to a person for a week: the job may run twice, the email goes once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    week = models.DateField(help_text="The Monday of the week the digest covers")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind", "week"], name="one_digest_per_week")]

    def __str__(self) -> str:
        return f"{self.kind} digest for {self.user}, week of {self.week}"


class CalendarFeed(models.Model):
    """A parent's private iCalendar feed of their own children. The token is in the URL; only its hash is stored.

    A link works without signing in, so it expires (the parent renews it) and every fetch is logged for the family.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Links made before links expired have none, and no longer work.
    expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
