"""How django-axes names the account a failed sign-in was for."""

from __future__ import annotations

from django.http import HttpRequest


def sign_in_name(request: HttpRequest, credentials: dict[str, str] | None) -> str:
    """The email address as typed, trimmed and in lower case, so "Senco@X" and "senco@x" share one count."""
    typed = (credentials or {}).get("username") or request.POST.get("username") or ""
    return typed.strip().lower()
