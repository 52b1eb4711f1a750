"""Limits on what anyone can ask for without signing in: failed sign-ins (django-axes) and reset emails."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from provision_ledger.accounts.models import CountedRequest


def sign_in_name(request: HttpRequest, credentials: dict[str, str] | None) -> str:
    """The email address as typed, trimmed and in lower case, so "Senco@X" and "senco@x" share one count."""
    typed = (credentials or {}).get("username") or request.POST.get("username") or ""
    return typed.strip().lower()


def _digest(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()


@transaction.atomic
def allow(kind: str, value: str, *, limit: int, per: timedelta) -> bool:
    """Count a request of `kind` for `value` and say whether it is within `limit` in the last `per`.

    A refused request is not counted, so someone asking over and over does not push their own window on."""
    since = timezone.now() - per
    CountedRequest.objects.filter(kind=kind, at__lt=since).delete()
    key = _digest(value)
    if CountedRequest.objects.filter(kind=kind, key=key, at__gte=since).count() >= limit:
        return False
    CountedRequest.objects.create(kind=kind, key=key)
    return True
