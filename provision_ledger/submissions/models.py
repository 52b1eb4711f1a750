from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class FormSubmission(models.Model):
    """A rendered form's one-time key, claimed by the first post that carried it.

    A second post with the same key (a re-sent form, the back button, a double tap) is answered with what the
    first one led to, and reaches no view, so it writes nothing.
    """

    key = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=300)
    at = models.DateTimeField(default=timezone.now)
    # Where the first post sent the person on success; empty while it runs or when it did not redirect.
    location = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.path} at {self.at:%d %b %Y %H:%M}"
